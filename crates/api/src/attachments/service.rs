//! Attachment rules as plain functions: who may add and read files, the size limit, the
//! displayed name and the served type, and keeping the stored files and the rows in step.
use actix_web::web::Bytes;
use chrono::{SubsecRound, Utc};
use futures_util::stream::{Stream, StreamExt};
use guichet_types::policy::Action;
use guichet_types::{AttachmentInfo, TicketEvent, TicketNumber, TicketStatus, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::storage::{self, PutError, ServedAs, Storage, StorageKey};
use crate::auth::SessionUser;
use crate::entities::{attachments, tickets};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tickets::change::allowed;
use crate::tickets::timeline::{attachment_info, record_and_notify};
use crate::tickets::visibility::{find_visible, Lock, TicketKey};

const FILE_NAME_MAX_CHARS: usize = 255;
const FALLBACK_FILE_NAME: &str = "file";

/// The ticket `number` if `user` may add files to it: visible to them and not closed.
pub async fn ticket_taking_files(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<tickets::Model> {
    let ticket = find_visible(&state.db, user, number, Lock::No).await?;
    allowed(user, &ticket, Action::Attach)?;
    Ok(ticket)
}

/// Stores `body` as a file of `ticket` named `file_name`, with its row and its
/// `attachment_added` event. Over `state.settings.attachment_max_bytes` it is refused, and
/// whatever fails, nothing stays behind: no file, no row, no event.
pub async fn attach(
    state: &AppState,
    user: &SessionUser,
    ticket: &tickets::Model,
    file_name: &str,
    body: impl Stream<Item = ApiResult<Bytes>>,
) -> ApiResult<AttachmentInfo> {
    let row = store(state, user.id, file_name, body).await?;
    let saved = record(state, user, ticket, row.clone()).await;
    if saved.is_err() {
        forget(&state.storage, &row).await;
    }
    saved
}

/// Stores `body` as a file named `file_name` and returns its row, ticket and time not set
/// yet. Over `state.settings.attachment_max_bytes` it is refused and nothing is stored. The
/// caller writes the row, or calls [`forget`] when it cannot.
pub async fn store(
    state: &AppState,
    uploaded_by: UserId,
    file_name: &str,
    body: impl Stream<Item = ApiResult<Bytes>>,
) -> ApiResult<attachments::ActiveModel> {
    let limit = state.settings.attachment_max_bytes;
    let too_large = || ApiError::PayloadTooLarge {
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    };
    let key = StorageKey::generate();
    let mut size = 0u64;
    let mut hasher = Sha256::new();
    // Counted as it arrives: the declared length, when there is one, may lie.
    let counted = body.map(|chunk| {
        let chunk = chunk?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large());
        }
        hasher.update(&chunk);
        Ok(chunk)
    });
    let file_name = display_name(file_name);
    let content_type = content_type_for(&file_name);
    let served = ServedAs {
        content_disposition: &content_disposition(&file_name),
        content_type,
    };
    match state.storage.put(&key, &served, counted).await {
        Ok(()) => {}
        Err(PutError::Body(error)) => return Err(error),
        Err(PutError::Storage(error)) => return Err(upload_failure(&error)),
    }

    Ok(attachments::ActiveModel {
        file_name: Set(file_name),
        content_type: Set(content_type.to_owned()),
        size: Set(i64::try_from(size).map_err(|_| too_large())?),
        sha256: Set(hex(&hasher.finalize())),
        storage_key: Set(key.as_str().to_owned()),
        uploaded_by: Set(uploaded_by),
        ..Default::default()
    })
}

/// A store that cannot take the file: full (507) or unreachable (503), never a bare 500.
pub fn upload_failure(error: &object_store::Error) -> ApiError {
    if storage::is_full(error) {
        ApiError::StorageFull(error.to_string())
    } else {
        ApiError::StorageUnavailable(error.to_string())
    }
}

/// Removes the file of a row that could not be written.
pub async fn forget(storage: &Storage, row: &attachments::ActiveModel) {
    let ActiveValue::Set(key) = &row.storage_key else {
        return;
    };
    let Some(key) = StorageKey::parse(key) else {
        return;
    };
    if let Err(error) = storage.delete(&key).await {
        tracing::error!(%error, key = key.as_str(), "orphan attachment file");
    }
}

async fn record(
    state: &AppState,
    user: &SessionUser,
    ticket: &tickets::Model,
    mut row: attachments::ActiveModel,
) -> ApiResult<AttachmentInfo> {
    let now = Utc::now().trunc_subsecs(6);
    row.ticket_id = Set(ticket.id);
    row.created_at = Set(now);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    // The ticket may have been closed while the file was arriving: the status is checked
    // again by the write itself, which also marks the ticket as updated.
    let touched = tickets::Entity::update_many()
        .col_expr(tickets::Column::UpdatedAt, Expr::value(now))
        .filter(tickets::Column::Id.eq(ticket.id))
        .filter(tickets::Column::Status.ne(TicketStatus::Closed))
        .exec(&txn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(ApiError::InvalidTransition(TicketStatus::Closed));
    }
    let info = attachment_info(row.insert(&txn).await?);
    let event = TicketEvent::AttachmentAdded {
        attachment: info.clone(),
    };
    record_and_notify(&txn, state, ticket, Some(user), now, vec![event]).await?;
    state.commit(txn).await?;
    Ok(info)
}

/// The files of the ticket `number`, oldest first.
pub async fn list(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<Vec<AttachmentInfo>> {
    let ticket = find_visible(&state.db, user, number, Lock::No).await?;
    Ok(attachments::Entity::find()
        .filter(attachments::Column::TicketId.eq(ticket.id))
        .order_by_asc(attachments::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(attachment_info)
        .collect())
}

/// The attachment `id`, if `user` may see its ticket.
pub async fn visible_attachment(
    state: &AppState,
    user: &SessionUser,
    id: i64,
) -> ApiResult<attachments::Model> {
    let attachment = attachments::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Visibility is the ticket's, decided in one place.
    find_visible(
        &state.db,
        user,
        TicketKey::Id(attachment.ticket_id),
        Lock::No,
    )
    .await?;
    Ok(attachment)
}

/// The uploaded name, kept for display and download only: no directories (`/` or `\`), no
/// control characters, at most 255 characters, `file` when nothing is left.
pub fn display_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX_CHARS)
        .collect();
    match clean.trim() {
        "" | "." | ".." => FALLBACK_FILE_NAME.to_owned(),
        name => name.to_owned(),
    }
}

/// The type a file is served with, from its extension and a list of types browsers do not
/// run: HTML, SVG, XML and scripts, like anything unknown, are plain bytes.
pub fn content_type_for(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    SERVED_TYPES
        .iter()
        .find(|(extensions, _)| extensions.contains(&extension.as_str()))
        .map_or(UNLISTED_TYPE, |(_, content_type)| content_type)
}

/// The extensions served with their own type; the OpenAPI document lists these types too.
const SERVED_TYPES: &[(&[&str], &str)] = &[
    (&["png"], "image/png"),
    (&["jpg", "jpeg"], "image/jpeg"),
    (&["gif"], "image/gif"),
    (&["webp"], "image/webp"),
    (&["pdf"], "application/pdf"),
    (&["txt", "log"], "text/plain; charset=utf-8"),
    (&["csv"], "text/csv; charset=utf-8"),
    (&["zip"], "application/zip"),
    (
        &["docx"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        &["xlsx"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        &["pptx"],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (&["odt"], "application/vnd.oasis.opendocument.text"),
    (&["ods"], "application/vnd.oasis.opendocument.spreadsheet"),
    (&["eml"], "message/rfc822"),
    (&["mp4"], "video/mp4"),
];
const UNLISTED_TYPE: &str = "application/octet-stream";

/// Every type a download can be served with.
pub fn served_content_types() -> impl Iterator<Item = &'static str> {
    SERVED_TYPES
        .iter()
        .map(|(_, content_type)| *content_type)
        .chain([UNLISTED_TYPE])
}

/// `attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` (RFC 6266): old
/// clients read the ASCII name, accents dropped; the others the exact one.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(file_name, ATTR_CHAR_ENCODE);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Everything but RFC 5987's `attr-char` is percent-encoded.
const ATTR_CHAR_ENCODE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_directories_and_control_characters() {
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(
            display_name("C:\\Users\\claire\\facture.pdf"),
            "facture.pdf"
        );
        assert_eq!(display_name("a\0b\r\nc.txt"), "abc.txt");
        assert_eq!(display_name("photo écran.png"), "photo écran.png");
        for empty in ["", "/", "dir/", "..", " . ", "\u{7}"] {
            assert_eq!(display_name(empty), "file", "{empty:?}");
        }
        let long = "é".repeat(300) + ".txt";
        assert_eq!(display_name(&long).chars().count(), 255);
    }

    #[test]
    fn only_safe_types_are_served_as_such() {
        assert_eq!(content_type_for("capture.PNG"), "image/png");
        assert_eq!(content_type_for("notes.txt"), "text/plain; charset=utf-8");
        for risky in [
            "page.html",
            "page.htm",
            "logo.svg",
            "data.xml",
            "run.js",
            "noext",
        ] {
            assert_eq!(
                content_type_for(risky),
                "application/octet-stream",
                "{risky}"
            );
        }
    }

    #[test]
    fn disposition_has_an_ascii_name_and_the_exact_one() {
        assert_eq!(
            content_disposition("rapport été \"final\".pdf"),
            "attachment; filename=\"rapport ete _final_.pdf\"; \
             filename*=UTF-8''rapport%20%C3%A9t%C3%A9%20%22final%22.pdf"
        );
    }
}
