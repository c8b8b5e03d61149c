//! Small previews of the ticket's attached images. The download needs the session's token in
//! `Authorization`, which an `<img src>` cannot send: the page downloads the bytes once per
//! file, shows them through a `blob:` URL, and frees those URLs when it goes away.
use std::collections::HashMap;

use guichet_types::AttachmentInfo;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    failure::Failure,
    session::{expect_session, Session},
};

/// Raster types only: an SVG is a document that may hold scripts, and is never previewed.
pub fn is_previewable(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// The `blob:` URLs of the page's previews, by attachment id (`None` until downloaded, or
/// when the download failed).
#[derive(Clone, Copy)]
pub struct Previews {
    urls: StoredValue<HashMap<i64, ArcRwSignal<Option<String>>>>,
    session: Session,
}

/// Gives the ticket page its previews; their URLs are freed with the page.
pub fn provide_previews() {
    let previews = Previews {
        urls: StoredValue::new(HashMap::new()),
        session: expect_session(),
    };
    provide_context(previews);
    on_cleanup(move || {
        previews.urls.with_value(|urls| {
            for url in urls.values().filter_map(|u| u.get_untracked()) {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
        });
    });
}

impl Previews {
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// The preview of `file` if it is an image, downloaded on first use (the history and the
    /// attachments list share it).
    pub fn of(&self, file: &AttachmentInfo) -> Option<ArcRwSignal<Option<String>>> {
        if !is_previewable(&file.content_type) {
            return None;
        }
        if let Some(known) = self.urls.with_value(|urls| urls.get(&file.id).cloned()) {
            return Some(known);
        }
        let url = ArcRwSignal::new(None);
        self.urls
            .update_value(|urls| drop(urls.insert(file.id, url.clone())));
        let (id, content_type, session) = (file.id, file.content_type.clone(), self.session);
        let (shown, urls) = (url.clone(), self.urls);
        spawn_local(async move {
            let answer = session
                .call(|client| async move {
                    match client.download_attachment(id).await {
                        Ok(raw) if raw.status < 300 => Ok(raw),
                        Ok(raw) => Err(Failure::status(raw.status)),
                        Err(error) => Err(Failure::from(error)),
                    }
                })
                .await;
            // Without a preview, the file is still listed and downloadable.
            if let Some(object_url) = answer
                .ok()
                .and_then(|raw| object_url(&raw.body, &content_type))
            {
                if urls.try_with_value(|_| ()).is_none() {
                    // The page went while the file came: nothing will show or free it.
                    let _ = web_sys::Url::revoke_object_url(&object_url);
                    return;
                }
                shown.set(Some(object_url));
            }
        });
        Some(url)
    }
}

fn object_url(bytes: &[u8], content_type: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_previewed() {
        for previewed in [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "IMAGE/PNG",
        ] {
            assert!(is_previewable(previewed), "{previewed}");
        }
        for not in [
            "image/svg+xml",
            "application/octet-stream",
            "text/plain; charset=utf-8",
            "application/pdf",
            "text/html",
            "",
        ] {
            assert!(!is_previewable(not), "{not}");
        }
    }
}
