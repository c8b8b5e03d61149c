//! The rejected mails, for the support team: a keyset-paginated list, newest first, and
//! each one whole.
use guichet_types::{
    page_limit, FieldError, Permission, RejectReason, RejectedMail, RejectedMailPage,
    LIST_LIMIT_DEFAULT,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::auth::SessionUser;
use crate::entities::rejected_mails;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A page of rejected mails after `cursor` (the id of the last one seen).
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<RejectedMailPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let before = match cursor.map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            errors.push(FieldError::new(
                "cursor",
                "invalid",
                "not a cursor of this list",
            ));
            None
        }
    };
    let limit = page_limit(limit).unwrap_or_else(|error| {
        errors.push(error);
        LIST_LIMIT_DEFAULT
    });
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut query = rejected_mails::Entity::find()
        .select_only()
        .columns([
            rejected_mails::Column::Id,
            rejected_mails::Column::ReceivedAt,
            rejected_mails::Column::MessageId,
            rejected_mails::Column::Sender,
            rejected_mails::Column::Recipients,
            rejected_mails::Column::Subject,
            rejected_mails::Column::Reason,
        ])
        .order_by_desc(rejected_mails::Column::Id)
        .limit(limit + 1);
    if let Some(before) = before {
        query = query.filter(rejected_mails::Column::Id.lt(before));
    }
    let mut items: Vec<RejectedMail> = query
        .into_tuple::<(
            i64,
            chrono::DateTime<chrono::Utc>,
            String,
            String,
            String,
            String,
            String,
        )>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(
            |(id, received_at, message_id, sender, recipients, subject, reason)| RejectedMail {
                id,
                received_at,
                message_id,
                sender,
                recipients,
                subject,
                reason: RejectReason::parse(&reason).unwrap_or_default(),
            },
        )
        .collect();
    let more = items.len() as u64 > limit;
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = more
        .then(|| items.last().map(|m| m.id.to_string()))
        .flatten();
    Ok(RejectedMailPage { items, next_cursor })
}

/// The raw message of rejected mail `id`. To anyone but the support team it does not exist
/// (404 like a wrong id): a customer may not even learn that a mail was kept.
pub async fn raw(state: &AppState, user: &SessionUser, id: i64) -> ApiResult<Vec<u8>> {
    if !user.can(Permission::TicketsWork) {
        return Err(ApiError::NotFound);
    }
    let mail = rejected_mails::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(mail.raw)
}
