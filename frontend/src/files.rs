//! Files the user sends and gets back: the size check before an upload, the upload itself
//! with XMLHttpRequest (it reports progress, fetch does not), and saving a download.
use std::{cell::RefCell, rc::Rc, time::Duration};

use futures::channel::oneshot;
use guichet_client::Client;
use guichet_types::{AttachmentInfo, FieldError, Problem, TicketNumber};
use leptos::prelude::{RwSignal, Set};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{File, FormData, ProgressEvent, XmlHttpRequest};

use crate::{failure::Failure, session::Session};

/// The server's default limit (`GUICHET_ATTACHMENT_MAX_BYTES`): larger files are refused
/// with 413, so they are refused here before a byte is sent.
pub use guichet_types::ATTACHMENT_MAX_BYTES_DEFAULT as ATTACHMENT_MAX_BYTES;

/// The error code of a file too large to send, if it is.
pub fn size_error(size: u64) -> Option<&'static str> {
    (size > ATTACHMENT_MAX_BYTES).then_some("too_large")
}

pub fn size_of(file: &File) -> u64 {
    // A browser reports sizes as a double holding a whole number of bytes.
    file.size().max(0.0) as u64
}

/// How much of an upload has been sent, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub sent: u64,
    pub total: u64,
}

/// Sends `file` to the ticket (`POST /tickets/{number}/attachments`, part `file`), reporting
/// progress as it goes. Authenticated like the client it is given.
pub async fn upload(
    client: Client,
    number: TicketNumber,
    file: File,
    on_progress: impl Fn(Progress) + 'static,
) -> Result<AttachmentInfo, Failure> {
    let unreachable = |_: JsValue| Failure::unreachable();
    let url = format!("{}/api/v1/tickets/{number}/attachments", client.base_url());
    let request = XmlHttpRequest::new().map_err(unreachable)?;
    request.open("POST", &url).map_err(unreachable)?;
    if let Some(token) = client.access_token() {
        request
            .set_request_header("Authorization", &format!("Bearer {token}"))
            .map_err(unreachable)?;
    }
    let form = FormData::new().map_err(unreachable)?;
    form.append_with_blob_and_filename("file", &file, &file.name())
        .map_err(unreachable)?;

    // One of load, error or abort ends the request; the first to come answers.
    let (sender, ended) = oneshot::channel::<bool>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let end = |answered: bool| {
        let sender = sender.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(answered);
            }
        })
    };
    let (on_load, on_error, on_abort) = (end(true), end(false), end(false));
    request.set_onload(Some(on_load.as_ref().unchecked_ref()));
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    request.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    let on_upload_progress =
        Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() {
                // Whole numbers of bytes, held in doubles. Kept as integers: formatting a
                // float would bring the float printing code into the WASM build.
                on_progress(Progress {
                    sent: event.loaded().max(0.0) as u64,
                    total: event.total().max(0.0) as u64,
                });
            }
        });
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_upload_progress.as_ref().unchecked_ref()));
    }
    request
        .send_with_opt_form_data(Some(&form))
        .map_err(unreachable)?;
    let answered = ended.await.unwrap_or(false);
    // The callbacks must live until the request has ended.
    drop((on_load, on_error, on_abort, on_upload_progress));
    if !answered {
        return Err(Failure::unreachable());
    }
    let status = request.status().unwrap_or(0);
    let body = request.response_text().ok().flatten().unwrap_or_default();
    read_answer(status, &body)
}

/// The attachment an upload answered, or the failure it means. Parsed from bytes, as the client
/// crate parses answers, so that the WASM holds one copy of each type's JSON reader.
fn read_answer(status: u16, body: &str) -> Result<AttachmentInfo, Failure> {
    if (200..300).contains(&status) {
        return serde_json::from_slice(body.as_bytes()).map_err(|_| Failure::unreachable());
    }
    if status == 0 {
        return Err(Failure::unreachable());
    }
    let problem = serde_json::from_slice::<Problem>(body.as_bytes())
        .unwrap_or_else(|_| Problem::new(status, "unexpected_answer", "Error"));
    let mut failure = Failure::from_problem(problem);
    if status == 413 {
        // Over the server's limit: an error of the file field, like the check made here.
        failure.errors = vec![FieldError::new(
            "file",
            "too_large",
            "the file is too large",
        )];
    }
    Err(failure)
}

/// Hands downloaded bytes to the browser as a file named `file_name`.
pub fn save(bytes: &[u8], file_name: &str, content_type: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(file_name);
    if let Some(body) = document.body() {
        body.append_child(&link)?;
    }
    link.click();
    link.remove();
    // The browser has started reading the file; free it a little later.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_two_megabytes_are_refused_before_sending() {
        assert_eq!(size_error(2_097_152), None);
        assert_eq!(size_error(2_097_153), Some("too_large"));
        assert_eq!(size_error(0), None);
    }

    #[test]
    fn an_upload_answer_reads_as_the_attachment_or_a_field_error() {
        let created = read_answer(
            201,
            r#"{"id": 7, "file_name": "écran.png", "size": 1234, "content_type": "image/png"}"#,
        );
        assert_eq!(
            created.map(|a| (a.id, a.file_name)),
            Ok((7, "écran.png".to_owned()))
        );

        let too_large = read_answer(413, "").expect_err("413 is a failure");
        assert_eq!(too_large.status, Some(413));
        assert_eq!(too_large.errors[0].field, "file");
        assert_eq!(too_large.errors[0].code, "too_large");

        let closed = read_answer(
            409,
            r#"{"type": "/problems/invalid_transition", "title": "Conflict", "status": 409,
                "code": "invalid_transition", "current_status": "closed"}"#,
        )
        .expect_err("409 is a failure");
        assert_eq!(closed.code, "invalid_transition");
        assert_eq!(
            closed.current_status,
            Some(guichet_types::TicketStatus::Closed)
        );

        assert_eq!(read_answer(0, "").expect_err("no answer").status, None);
    }
}

/// Sends `attached` to ticket `number` one after the other, telling `progress` (the file being
/// sent and its bytes) and `position` (its rank of the total); gives back the files that could
/// not be attached.
pub async fn upload_all(
    session: Session,
    number: &TicketNumber,
    attached: Vec<File>,
    progress: RwSignal<Option<(String, Progress)>>,
    position: RwSignal<(usize, usize)>,
) -> Vec<File> {
    let total = attached.len();
    let mut not_attached = Vec::new();
    for (index, file) in attached.into_iter().enumerate() {
        let name = file.name();
        position.set((index + 1, total));
        progress.set(Some((name.clone(), Progress::default())));
        let sent = session
            .call(|client| {
                let name = name.clone();
                upload(client, number.clone(), file.clone(), move |p| {
                    progress.set(Some((name.clone(), p)));
                })
            })
            .await;
        if sent.is_err() {
            not_attached.push(file);
        }
    }
    progress.set(None);
    not_attached
}
