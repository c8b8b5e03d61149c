//! What people do to a ticket, each through [`super::change::apply`]: follow-ups and
//! internal notes (and replies by mail), the solution (proposed, approved, rejected),
//! withdrawal, reopening and the satisfaction rating.

use guichet_types::{
    NewFollowup, Role, SatisfactionRequest, Ticket, TicketEvent, TicketNumber, TicketStatus,
    TimelineEntry,
};
use sea_orm::EntityTrait;

use super::change::{apply, status_event, Change};
use super::lifecycle::{next_status, Move};
use super::open::FromMail;
use super::timeline::to_entries;
use crate::auth::SessionUser;
use crate::entities::{attachments, ticket_events, tickets};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn staff_only(user: &SessionUser) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the support team can do this".into(),
        ))
    }
}

/// The requester, or a referent of the ticket's company: who answers a solution.
fn requester_side(user: &SessionUser, ticket: &tickets::Model) -> ApiResult<()> {
    let referent = user.role == Role::Referent && user.company_id == Some(ticket.company_id);
    if ticket.requester_id == user.id || referent {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only the requester or a referent of the company can do this".into(),
        ))
    }
}

/// Adds a public follow-up, or (agents) an internal note. Returns its timeline entry.
pub async fn add_followup(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    input: NewFollowup,
) -> ApiResult<TimelineEntry> {
    let internal = input.internal.unwrap_or(false);
    if internal && !user.is_staff() {
        return Err(ApiError::field(
            "internal",
            "not_allowed",
            "only the support team writes internal notes",
        ));
    }
    let (_, event_ids) = apply(state, user, number, None, |ticket| {
        let current = ticket.status;
        let requested = match (internal, user.is_staff()) {
            (true, _) => Move::InternalNote,
            (false, true) => Move::AgentFollowup,
            (false, false) => Move::CustomerFollowup,
        };
        let status = next_status(current, requested)?;
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
        if current == TicketStatus::Closed {
            return Err(ApiError::InvalidTransition(current));
        }
        let mut status = current;
        let mut events = Vec::new();
        if let Some(body) = body {
            let requested = if user.is_staff() {
                Move::AgentFollowup
            } else {
                Move::CustomerFollowup
            };
            status = next_status(current, requested)?;
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
    staff_only(user)?;
    transition(
        state,
        user,
        number,
        Move::ProposeSolution,
        |from, to| TicketEvent::SolutionProposed { body, from, to },
        |_| Ok(()),
    )
    .await
}

pub async fn approve_solution(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    comment: Option<String>,
) -> ApiResult<Ticket> {
    let comment = comment.filter(|c| !c.trim().is_empty());
    transition(
        state,
        user,
        number,
        Move::ApproveSolution,
        |from, to| TicketEvent::SolutionApproved { comment, from, to },
        |t| requester_side(user, t),
    )
    .await
}

pub async fn reject_solution(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    reason: String,
) -> ApiResult<Ticket> {
    transition(
        state,
        user,
        number,
        Move::RejectSolution,
        |from, to| TicketEvent::SolutionRejected { reason, from, to },
        |t| requester_side(user, t),
    )
    .await
}

pub async fn withdraw(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    reason: String,
) -> ApiResult<Ticket> {
    transition(
        state,
        user,
        number,
        Move::Withdraw,
        |from, to| TicketEvent::Withdrawn { reason, from, to },
        |ticket| {
            if ticket.requester_id == user.id {
                Ok(())
            } else {
                Err(ApiError::Forbidden(
                    "only the requester withdraws a ticket".into(),
                ))
            }
        },
    )
    .await
}

pub async fn reopen(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    reason: String,
) -> ApiResult<Ticket> {
    staff_only(user)?;
    transition(
        state,
        user,
        number,
        Move::Reopen,
        |from, to| TicketEvent::Reopened { reason, from, to },
        |_| Ok(()),
    )
    .await
}

/// A move whose event carries the status it left and the new one: `event(from, to)`.
async fn transition(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    requested: Move,
    event: impl FnOnce(TicketStatus, TicketStatus) -> TicketEvent,
    allowed: impl FnOnce(&tickets::Model) -> ApiResult<()>,
) -> ApiResult<Ticket> {
    let (versioned, _) = apply(state, user, number, None, |ticket| {
        allowed(ticket)?;
        let current = ticket.status;
        let status = next_status(current, requested)?;
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
        if ticket.requester_id != user.id {
            return Err(ApiError::Forbidden(
                "only the requester rates a ticket".into(),
            ));
        }
        let current = ticket.status;
        if current != TicketStatus::Closed {
            return Err(ApiError::InvalidTransition(current));
        }
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
