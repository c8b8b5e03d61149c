//! HTTP layer of attachments: `/tickets/{number}/attachments` and `/attachments/{id}`.
use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_multipart::{Multipart, MultipartError};
use actix_web::body::SizedStream;
use actix_web::error::PayloadError;
use actix_web::http::header::{self, ContentDisposition, HeaderMap};
use actix_web::web::Bytes;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::stream::{Stream, StreamExt};
use guichet_types::{AttachmentInfo, Problem, TicketNumber};

use super::service;
use super::storage::{Download, ServedAs, StorageKey};
use crate::auth::{AuthUser, SessionUser};
use crate::error::{ApiError, ApiResult};
use crate::openapi::{
    NotSignedIn, PasswordChangeRequired, StorageFull, StorageUnavailable, TicketNotFound,
};
use crate::state::AppState;

/// Room for the multipart framing around the file: boundaries, part headers, small fields.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// After an early answer, at most this much of the body is read and dropped, so that the
/// client gets the answer rather than a reset connection; past it the connection is closed.
const DRAIN_LIMIT: u64 = 16 * 1024 * 1024;
/// Downloads run nothing: a file opened in a browser tab gets no scripts, forms or plugins.
const DOWNLOAD_CSP: &str = "default-src 'none'; sandbox";

/// A multipart/form-data body with the file in the part `file`.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documents the multipart body, which is read as a stream"
)]
pub struct AttachmentUpload {
    /// The file, at most `GUICHET_ATTACHMENT_MAX_BYTES` (2 MB by default). Its name is kept
    /// for display and download, without directories or control characters.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// The file's bytes, as stored.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(
    dead_code,
    reason = "documents the downloaded bytes, which are streamed"
)]
pub struct FileBytes(Vec<u8>);

/// Attach a file to a ticket.
///
/// A multipart/form-data body whose part `file` is the file. Anyone who sees the ticket may
/// add files, until it is closed. The timeline gets an `attachment_added` entry.
#[utoipa::path(
    tag = "tickets",
    operation_id = "upload_attachment",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body(content = inline(AttachmentUpload), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = AttachmentInfo),
        NotSignedIn,
        PasswordChangeRequired,
        TicketNotFound,
        (status = 409, description = "The ticket is closed (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over the limit; nothing is stored", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `file` part, or a malformed multipart body", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
        StorageFull,
    )
)]
#[post("/tickets/{number}/attachments")]
pub async fn upload(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let limit = state.settings.attachment_max_bytes;
    let body = SharedBody::new(payload, limit.saturating_add(MULTIPART_OVERHEAD));
    let stored = receive(&state, &user, &number, req.headers(), body.clone()).await;
    if declared_length(req.headers()).is_none_or(|length| length <= DRAIN_LIMIT) {
        body.drain().await;
    }
    Ok(HttpResponse::Created().json(stored?))
}

async fn receive(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    headers: &HeaderMap,
    body: SharedBody,
) -> ApiResult<AttachmentInfo> {
    let ticket = service::ticket_taking_files(state, user, number).await?;
    let limit = state.settings.attachment_max_bytes;
    if declared_length(headers).is_some_and(|length| length > body.cap) {
        return Err(too_large(limit));
    }
    let mut multipart = Multipart::new(headers, body);
    while let Some(field) = multipart.next().await {
        let field = field.map_err(|e| multipart_error(e, limit))?;
        // Other parts are skipped: dropping a field makes the parser pass over its bytes.
        if field.name() != Some("file") {
            continue;
        }
        let file_name = field
            .content_disposition()
            .map(uploaded_name)
            .unwrap_or_default();
        let bytes = field.map(|chunk| chunk.map_err(|e| multipart_error(e, limit)));
        return service::attach(state, user, &ticket, &file_name, bytes).await;
    }
    Err(ApiError::field(
        "file",
        "required",
        "send the file as multipart/form-data, in a part named file",
    ))
}

/// `filename*` (RFC 5987, may carry any character) when present, else `filename`.
fn uploaded_name(disposition: &ContentDisposition) -> String {
    match disposition.get_filename_ext() {
        // Clients send UTF-8 here; another charset only costs the odd character.
        Some(extended) => String::from_utf8_lossy(&extended.value).into_owned(),
        None => disposition.get_filename().unwrap_or_default().to_owned(),
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge {
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    }
}

fn multipart_error(error: MultipartError, limit: u64) -> ApiError {
    match error {
        MultipartError::Payload(PayloadError::Overflow) => too_large(limit),
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => ApiError::field(
            "file",
            "required",
            "send the file as multipart/form-data, in a part named file",
        ),
        other => ApiError::field(
            "file",
            "malformed",
            &format!("unreadable multipart body: {other}"),
        ),
    }
}

/// The request body, shared with the multipart parser so that whatever it leaves unread can
/// be drained once the answer is known. Past `cap` bytes it fails with `Overflow`, whatever
/// the body declared.
#[derive(Clone)]
struct SharedBody {
    payload: Rc<RefCell<web::Payload>>,
    received: Rc<Cell<u64>>,
    cap: u64,
}

impl SharedBody {
    fn new(payload: web::Payload, cap: u64) -> Self {
        Self {
            payload: Rc::new(RefCell::new(payload)),
            received: Rc::new(Cell::new(0)),
            cap,
        }
    }

    /// Reads and drops the rest of the body, up to `DRAIN_LIMIT`.
    async fn drain(mut self) {
        while let Some(chunk) = self.next().await {
            let overflowed = matches!(chunk, Err(PayloadError::Overflow));
            if (chunk.is_err() && !overflowed) || self.received.get() > DRAIN_LIMIT {
                break;
            }
        }
    }
}

impl Stream for SharedBody {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.payload.borrow_mut().poll_next_unpin(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            let received = self.received.get() + chunk.len() as u64;
            self.received.set(received);
            if received > self.cap {
                return Poll::Ready(Some(Err(PayloadError::Overflow)));
            }
        }
        polled
    }
}

/// The files of a ticket, oldest first.
#[utoipa::path(
    tag = "tickets",
    operation_id = "list_attachments",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    responses(
        (status = 200, description = "The files", body = Vec<AttachmentInfo>),
        NotSignedIn,
        PasswordChangeRequired,
        TicketNotFound,
    )
)]
#[get("/tickets/{number}/attachments")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
) -> ApiResult<web::Json<Vec<AttachmentInfo>>> {
    Ok(web::Json(service::list(&state, &user, &number).await?))
}

/// Download a file, under its original name.
///
/// Always served as an attachment (`Content-Disposition`), with a type from a safe list by
/// extension, else `application/octet-stream`: HTML, SVG and scripts are never rendered.
#[utoipa::path(
    tag = "tickets",
    operation_id = "download_attachment",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file's bytes", content_type = "application/octet-stream", body = inline(FileBytes),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"…\"; filename*=UTF-8''…"))),
        (status = 302, description = "With `GUICHET_STORAGE_PRESIGN` on an S3 store: the file is at a presigned URL of the store, valid a few minutes, whose signature fixes the same `Content-Disposition: attachment` and type",
            headers(("Location" = String, description = "The presigned URL"))),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 404, description = "No such file, or its ticket is not visible to the caller", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let attachment = service::visible_attachment(&state, &user, id).await?;
    // Recomputed rather than read back, so that a narrower list applies to old files too.
    let content_type = service::content_type_for(&attachment.file_name);
    let served = ServedAs {
        content_disposition: &service::content_disposition(&attachment.file_name),
        content_type,
    };
    stored_file(
        &state,
        &format!("attachment {id}"),
        &attachment.storage_key,
        attachment.size,
        &served,
        DOWNLOAD_CSP,
    )
    .await
}

/// The answer that serves a stored file (`what` names it in errors): its bytes streamed with
/// `served`'s headers and `csp`, or a redirect to a presigned URL when the store gives one.
pub async fn stored_file(
    state: &AppState,
    what: &str,
    storage_key: &str,
    size: i64,
    served: &ServedAs<'_>,
    csp: &str,
) -> ApiResult<HttpResponse> {
    let key = StorageKey::parse(storage_key)
        .ok_or_else(|| ApiError::internal(format!("{what} has a malformed storage key")))?;
    let found = state
        .storage
        .download(&key, served.content_disposition, served.content_type)
        .await
        .map_err(|error| match error {
            object_store::Error::NotFound { .. } => ApiError::internal(format!("{what}: {error}")),
            other => ApiError::StorageUnavailable(format!("{what}: {other}")),
        })?;
    let bytes = match found {
        Download::Stream(bytes) => bytes,
        // The caller was checked before; the URL alone lets whoever holds it read the file,
        // briefly, and must not be kept by caches.
        Download::Redirect(url) => {
            return Ok(HttpResponse::Found()
                .insert_header((header::LOCATION, url))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish())
        }
    };
    let size = u64::try_from(size).unwrap_or_default();
    Ok(HttpResponse::Ok()
        .content_type(served.content_type)
        .insert_header((header::CONTENT_DISPOSITION, served.content_disposition))
        .insert_header((header::CONTENT_SECURITY_POLICY, csp))
        .body(SizedStream::new(size, bytes)))
}
