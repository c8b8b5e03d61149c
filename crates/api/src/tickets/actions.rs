//! What people do to a ticket, each through [`super::change::apply`]: follow-ups and
//! internal notes (and replies by mail), the solution (proposed, approved, rejected),
//! withdrawal, reopening and the satisfaction rating.
use guichet_types::policy::Action;
use guichet_types::{
    NewFollowup, Permission, SatisfactionRequest, Ticket, TicketEvent, TicketNumber, TicketStatus,
    TimelineEntry,
};
use sea_orm::EntityTrait;

use super::change::{allowed, apply, status_event, Change};
use super::open::FromMail;
use super::timeline::to_entries;
use crate::auth::SessionUser;
use crate::entities::{attachments, ticket_events};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::Made;
use crate::state::AppState;

/// Adds a public follow-up, or (agents) an internal note. Returns its timeline entry.
pub async fn add_followup(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    input: NewFollowup,
) -> ApiResult<TimelineEntry> {
    let internal = input.internal.unwrap_or(false);
    if internal && !user.can(Permission::TicketsWork) {
        return Err(ApiError::field(
            "internal",
            "not_allowed",
            "only the support team writes internal notes",
        ));
    }
    let (_, event_ids) = apply(state, user, number, None, |ticket| {
        let current = ticket.status;
        let action = if internal {
            Action::InternalNote
        } else {
            Action::Followup
        };
        let status = allowed(user, ticket, action)?;
        let body = input.body;
        let event = if internal {
            TicketEvent::InternalNote { body }
        } else {
            TicketEvent::Followup { body }
        };
        let mut events = vec![event];
        events.extend(status_event(current, status));
        Ok(Change {
            status: Some(status),
            events,
            ..Default::default()
        })
    })
    .await?;
    let id = event_ids
        .first()
        .copied()
        .ok_or_else(|| ApiError::internal("no event recorded"))?;
    followup_entry(state, Made::Event(id)).await
}

/// The timeline entry a follow-up made: its answer, also to a retry of a follow-up whose
/// instance died before answering.
pub async fn followup_entry(state: &AppState, made: Made) -> ApiResult<TimelineEntry> {
    let Made::Event(id) = made else {
        return Err(ApiError::internal("a follow-up's key made no event"));
    };
    let event = ticket_events::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    to_entries(&state.db, vec![event])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// A reply by mail from `user`: its text as a follow-up (when it has any), its files, and
/// its Message-ID, all in one transaction, so that a second delivery adds nothing.
pub async fn add_mail_reply(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    body: Option<String>,
    files: Vec<attachments::ActiveModel>,
    message_id: String,
) -> ApiResult<()> {
    apply(state, user, number, None, |ticket| {
        let current = ticket.status;
        // Files alone are attached; a text is a follow-up (both refused once closed).
        let action = if body.is_some() {
            Action::Followup
        } else {
            Action::Attach
        };
        let status = allowed(user, ticket, action)?;
        let mut events = Vec::new();
        if let Some(body) = body {
            events.push(TicketEvent::Followup { body });
            events.extend(status_event(current, status));
        }
        Ok(Change {
            status: Some(status),
            events,
            from_mail: FromMail {
                files,
                message_id: Some(message_id),
            },
            ..Default::default()
        })
    })
    .await?;
    Ok(())
}

pub async fn propose_solution(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    body: String,
) -> ApiResult<Ticket> {
    transition(state, user, number, Action::ProposeSolution, |from, to| {
        TicketEvent::SolutionProposed { body, from, to }
    })
    .await
}

pub async fn approve_solution(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    comment: Option<String>,
) -> ApiResult<Ticket> {
    let comment = comment.filter(|c| !c.trim().is_empty());
    transition(state, user, number, Action::ApproveSolution, |from, to| {
        TicketEvent::SolutionApproved { comment, from, to }
    })
    .await
}

pub async fn reject_solution(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    reason: String,
) -> ApiResult<Ticket> {
    transition(state, user, number, Action::RejectSolution, |from, to| {
        TicketEvent::SolutionRejected { reason, from, to }
    })
    .await
}

pub async fn withdraw(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    reason: String,
) -> ApiResult<Ticket> {
    transition(state, user, number, Action::Withdraw, |from, to| {
        TicketEvent::Withdrawn { reason, from, to }
    })
    .await
}

pub async fn reopen(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    reason: String,
) -> ApiResult<Ticket> {
    transition(state, user, number, Action::Reopen, |from, to| {
        TicketEvent::Reopened { reason, from, to }
    })
    .await
}

/// An action whose event carries the status it left and the new one: `event(from, to)`.
async fn transition(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    action: Action,
    event: impl FnOnce(TicketStatus, TicketStatus) -> TicketEvent,
) -> ApiResult<Ticket> {
    let (versioned, _) = apply(state, user, number, None, |ticket| {
        let current = ticket.status;
        let status = allowed(user, ticket, action)?;
        Ok(Change {
            status: Some(status),
            events: vec![event(current, status)],
            ..Default::default()
        })
    })
    .await?;
    Ok(versioned.ticket)
}

/// The requester rates a closed ticket, once.
pub async fn rate(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    input: SatisfactionRequest,
) -> ApiResult<Ticket> {
    let (versioned, _) = apply(state, user, number, None, |ticket| {
        allowed(user, ticket, Action::Rate)?;
        if ticket.satisfaction_rating.is_some() {
            return Err(ApiError::Conflict {
                code: "already_rated",
                detail: "this ticket is rated already".into(),
            });
        }
        let comment = input.comment.filter(|c| !c.trim().is_empty());
        Ok(Change {
            satisfaction: Some((i16::from(input.rating), comment.clone())),
            events: vec![TicketEvent::Rated {
                rating: input.rating,
                comment,
            }],
            ..Default::default()
        })
    })
    .await?;
    Ok(versioned.ticket)
}
