//! Sharing a ticket with an address (a watcher), and taking it back.
use chrono::{SubsecRound, Utc};
use guichet_types::{normalize_email, EmailAddress, ShareOutcome, TicketEvent, TicketNumber};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::change::touch;
use super::timeline::{record_and_notify, record_events};
use super::visibility::{find_visible, Lock};
use crate::auth::SessionUser;
use crate::entities::{ticket_watchers, users};
use crate::error::ApiResult;
use crate::notifications::ticket_mail::Author;
use crate::state::AppState;

/// Shares the ticket with an address. An account of the ticket's company then sees it;
/// any other address will only get its notifications. The caller is told which of the two,
/// and nothing more: whether an address has an account in another company stays unsaid.
pub async fn share(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    email: &EmailAddress,
) -> ApiResult<ShareOutcome> {
    let email = email.as_str().to_owned();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let ticket = find_visible(&txn, user, number, Lock::ForUpdate).await?;
    let existing = ticket_watchers::Entity::find()
        .filter(ticket_watchers::Column::TicketId.eq(ticket.id))
        .filter(ticket_watchers::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        // Sharing again changes nothing; the answer is that of the first time.
        return Ok(ShareOutcome {
            email,
            sees_ticket: existing.user_id.is_some(),
        });
    }
    let colleague = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .filter(users::Column::CompanyId.eq(ticket.company_id))
        .one(&txn)
        .await?;
    let sees_ticket = colleague.is_some();
    let now = Utc::now().trunc_subsecs(6);
    ticket_watchers::ActiveModel {
        ticket_id: Set(ticket.id),
        email: Set(email.clone()),
        user_id: Set(colleague.map(|u| u.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    touch(&txn, &ticket, now).await?;
    record_and_notify(
        &txn,
        state,
        &ticket,
        Some(user),
        now,
        vec![TicketEvent::Shared {
            email: email.clone(),
        }],
    )
    .await?;
    state.commit(txn).await?;
    Ok(ShareOutcome { email, sees_ticket })
}

pub async fn unshare(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    email: &str,
) -> ApiResult<()> {
    // A path segment, not a checked address: it only has to match the share's.
    let email = normalize_email(email);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let ticket = find_visible(&txn, user, number, Lock::ForUpdate).await?;
    let removed = ticket_watchers::Entity::delete_many()
        .filter(ticket_watchers::Column::TicketId.eq(ticket.id))
        .filter(ticket_watchers::Column::Email.eq(email.as_str()))
        .exec(&txn)
        .await?;
    if removed.rows_affected > 0 {
        let now = Utc::now().trunc_subsecs(6);
        touch(&txn, &ticket, now).await?;
        record_events(
            &txn,
            state,
            &ticket,
            Some(Author::from(user)),
            now,
            &[TicketEvent::Unshared { email }],
        )
        .await?;
    }
    state.commit(txn).await?;
    Ok(())
}
