//! The one way a ticket changes after its creation: [`apply`] loads the ticket the caller
//! may see, locked, lets the action decide a [`Change`], and writes it in one transaction
//! (bumping the version, the ETag) with its timeline entries and their mails. Also the
//! `PATCH` of a ticket: agents' status, assignee, category and impact; the requester's
//! notification choice.
use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::policy::{next_status, who_may, Action, Move, TicketFacts};
use guichet_types::{
    priority, CategoryId, CategoryRef, EventId, FieldError, Level, Permission, Ticket, TicketEvent,
    TicketNumber, TicketStatus, TicketUpdate, UserId, UserRef,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::open::{write_from_mail, FromMail};
use super::queries;
use super::timeline::record_and_notify;
use super::visibility::{find_visible, Lock};
use crate::auth::extractor::display_name;
use crate::auth::password::LOCKED_HASH;
use crate::auth::SessionUser;
use crate::entities::{tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Made};
use crate::state::AppState;

/// A ticket with the version its ETag is made of.
pub struct Versioned {
    pub ticket: Ticket,
    pub version: i64,
}

impl Versioned {
    pub fn etag(&self) -> String {
        etag(self.version)
    }
}

pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// What an action does to a ticket.
#[derive(Default)]
pub(super) struct Change {
    pub(super) status: Option<TicketStatus>,
    /// `Some(None)` unassigns.
    pub(super) assignee_id: Option<Option<UserId>>,
    pub(super) category_id: Option<CategoryId>,
    pub(super) impact: Option<Level>,
    /// The requester's notification choice: whether, and where.
    pub(super) notify: Option<(bool, String)>,
    pub(super) satisfaction: Option<(i16, Option<String>)>,
    /// Timeline entries, in order.
    pub(super) events: Vec<TicketEvent>,
    /// What came with the change when it came by mail.
    pub(super) from_mail: FromMail,
}

/// Loads the ticket visible to `user`, lets `decide` say what changes, and writes it all
/// in one transaction. `expected_version` (from If-Match) must match or nothing happens.
pub(super) async fn apply(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    expected_version: Option<i64>,
    decide: impl FnOnce(&tickets::Model) -> ApiResult<Change>,
) -> ApiResult<(Versioned, Vec<EventId>)> {
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let ticket = find_visible(&txn, user, number, Lock::ForUpdate).await?;
    if expected_version.is_some_and(|v| v != ticket.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let change = decide(&ticket)?;
    let now = Utc::now().trunc_subsecs(6);
    let current = ticket.status;
    let status = change.status.unwrap_or(current);

    let mut update = tickets::Entity::update_many()
        .col_expr(tickets::Column::Version, Expr::value(ticket.version + 1))
        .col_expr(tickets::Column::UpdatedAt, Expr::value(now))
        .filter(tickets::Column::Id.eq(ticket.id))
        .filter(tickets::Column::Version.eq(ticket.version));
    if status != current {
        update = update.col_expr(tickets::Column::Status, Expr::value(status));
        let (resolved_at, closed_at): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = match status
        {
            TicketStatus::Resolved => (Some(now), None),
            TicketStatus::Closed => (ticket.resolved_at, Some(now)),
            _ => (None, None),
        };
        update = update
            .col_expr(tickets::Column::ResolvedAt, Expr::value(resolved_at))
            .col_expr(tickets::Column::ClosedAt, Expr::value(closed_at));
    }
    if let Some(assignee) = change.assignee_id {
        update = update.col_expr(tickets::Column::AssigneeId, Expr::value(assignee));
    }
    if let Some(category) = change.category_id {
        update = update.col_expr(tickets::Column::CategoryId, Expr::value(category));
    }
    if let Some(impact) = change.impact {
        let urgency = ticket.urgency;
        update = update
            .col_expr(tickets::Column::Impact, Expr::value(impact))
            .col_expr(
                tickets::Column::Priority,
                Expr::value(i16::from(priority(urgency, impact))),
            );
    }
    if let Some((notify, notify_email)) = change.notify {
        update = update
            .col_expr(tickets::Column::Notify, Expr::value(notify))
            .col_expr(tickets::Column::NotifyEmail, Expr::value(notify_email));
    }
    if let Some((rating, comment)) = change.satisfaction {
        update = update
            .col_expr(tickets::Column::SatisfactionRating, Expr::value(rating))
            .col_expr(tickets::Column::SatisfactionComment, Expr::value(comment));
    }
    // The row is locked (or, on SQLite, the gate held) so this only fails if the version moved.
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    let updated = tickets::Entity::find_by_id(ticket.id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut events = change.events;
    events.extend(write_from_mail(&txn, ticket.id, now, change.from_mail).await?);
    // A change of the requester's notification choice alone is no news to anyone.
    let event_ids = if events.is_empty() {
        Vec::new()
    } else {
        record_and_notify(&txn, state, &updated, Some(user), now, events).await?
    };
    if let Some(first) = event_ids.first() {
        idempotency::settle(&txn, Made::Event(*first)).await?;
    }
    state.commit(txn).await?;
    let version = updated.version;
    let categories = state
        .categories
        .with(&state.db, [updated.category_id])
        .await?;
    let ticket = queries::resource(&state.db, &categories, updated.id, user.locale)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((Versioned { ticket, version }, event_ids))
}

/// What the shared policy needs to know of a ticket row.
pub fn facts(ticket: &tickets::Model) -> TicketFacts {
    TicketFacts {
        status: ticket.status,
        requester: ticket.requester_id,
        company: ticket.company_id,
        assignee: ticket.assignee_id,
        rated: ticket.satisfaction_rating.is_some(),
    }
}

/// The shared policy's two questions about `action` on `ticket` by `user`: is it theirs to
/// take (else 403), and does the ticket's status take it (else 409, naming the status).
/// Returns the status the action leaves the ticket in.
pub fn allowed(
    user: &SessionUser,
    ticket: &tickets::Model,
    action: Action,
) -> ApiResult<TicketStatus> {
    let viewer = user.viewer();
    who_may(&viewer, &facts(ticket), action)?;
    match action.requested_move(&viewer) {
        Some(requested) => Ok(next_status(ticket.status, requested)?),
        None => Ok(ticket.status),
    }
}

pub(super) fn status_event(from: TicketStatus, to: TicketStatus) -> Option<TicketEvent> {
    (from != to).then_some(TicketEvent::StatusChanged { from, to })
}

/// `PATCH`, with the ETag the change was based on: agents change status, assignee, category
/// and impact; the requester changes their notification choice. Anyone sending members
/// that are not theirs gets a 422 naming each (`not_allowed`), and nothing changes.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    input: TicketUpdate,
    if_match: Option<i64>,
) -> ApiResult<Versioned> {
    let if_match = if_match.ok_or(ApiError::PreconditionRequired)?;
    let works = user.can(Permission::TicketsWork);
    let (not_theirs, why) = if works {
        (
            input.requester_members(),
            "only the requester chooses their notifications",
        )
    } else {
        (input.agent_members(), "only the support team changes this")
    };
    if !not_theirs.is_empty() {
        return Err(ApiError::Validation(
            not_theirs
                .into_iter()
                .map(|member| FieldError::new(member, "not_allowed", why))
                .collect(),
        ));
    }
    if works {
        agent_update(state, user, number, input, if_match).await
    } else {
        requester_update(state, user, number, input, if_match).await
    }
}

/// The requester turns the ticket's mails on or off, or sends them elsewhere.
async fn requester_update(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    input: TicketUpdate,
    if_match: i64,
) -> ApiResult<Versioned> {
    let (versioned, _) = apply(state, user, number, Some(if_match), |ticket| {
        allowed(user, ticket, Action::ChangeNotifications)?;
        let notify_email = input
            .notify_email
            .as_deref()
            .map(guichet_types::normalize_email)
            .unwrap_or_else(|| ticket.notify_email.clone());
        Ok(Change {
            notify: Some((input.notify.unwrap_or(ticket.notify), notify_email)),
            ..Default::default()
        })
    })
    .await?;
    Ok(versioned)
}

/// Whom an agent's PATCH assigns the ticket to.
enum Assignment {
    Unchanged,
    Nobody,
    Agent { id: UserId, name: String },
}

async fn agent_update(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    input: TicketUpdate,
    if_match: i64,
) -> ApiResult<Versioned> {
    let mut errors = Vec::new();
    let assignment = match input.assignee_id {
        None => Assignment::Unchanged,
        Some(None) => Assignment::Nobody,
        Some(Some(id)) => {
            let found = users::Entity::find_by_id(id).one(&state.db).await?;
            let active_staff = found.filter(|u| {
                u.role.can(Permission::TicketsWork)
                    && u.password_hash != LOCKED_HASH
                    && !u.service_account
            });
            match active_staff {
                Some(agent) => Assignment::Agent {
                    id: agent.id,
                    name: display_name(&agent),
                },
                None => {
                    errors.push(FieldError::new(
                        "assignee_id",
                        "not_found",
                        "no active agent or admin has this id",
                    ));
                    Assignment::Unchanged
                }
            }
        }
    };
    let category = match input.category_id {
        None => None,
        Some(id) => {
            let categories = state.categories.with(&state.db, [id]).await?;
            let found = categories.get(id).cloned();
            if found.is_none() {
                errors.push(FieldError::new(
                    "category_id",
                    "not_found",
                    "no category has this id",
                ));
            } else if !categories.offered(id) {
                errors.push(FieldError::new(
                    "category_id",
                    "not_offered",
                    "this category is retired",
                ));
            }
            found
        }
    };
    if let Some(status) = input.status {
        if !matches!(status, TicketStatus::InProgress | TicketStatus::Waiting) {
            errors.push(FieldError::new(
                "status",
                "not_allowed",
                "set in_progress or waiting here; resolve with a solution",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let categories = state.categories.get(&state.db).await?;
    let (versioned, _) = apply(state, user, number, Some(if_match), |ticket| {
        let (viewer, facts) = (user.viewer(), facts(ticket));
        let current = ticket.status;
        let mut status = current;
        let mut change = Change::default();
        // Whoever sets an unassigned ticket in progress takes it, unless the same change
        // says whom it goes to.
        let takes_it = ticket.assignee_id.is_none()
            && input.status == Some(TicketStatus::InProgress)
            && matches!(assignment, Assignment::Unchanged);
        let new_assignee = match &assignment {
            Assignment::Agent { id, name } => Some(Some((*id, name.clone()))),
            Assignment::Nobody => Some(None),
            Assignment::Unchanged if takes_it => Some(Some((user.id, user.name.clone()))),
            Assignment::Unchanged => None,
        };
        if let Some(assignee) = new_assignee {
            let assignee_id = assignee.as_ref().map(|(id, _)| *id);
            if ticket.assignee_id != assignee_id {
                who_may(&viewer, &facts, Action::Assign)?;
                if assignee_id.is_some() {
                    status = next_status(status, Move::Assign)?;
                }
                change.assignee_id = Some(assignee_id);
                let assignee = assignee.map(|(id, name)| UserRef { id, name });
                change.events.push(TicketEvent::Assigned { assignee });
            }
        }
        if let Some(requested) = input.status {
            who_may(&viewer, &facts, Action::SetStatus(requested))?;
            status = next_status(status, Move::SetStatus(requested))?;
        }
        if category.is_some() || input.impact.is_some() {
            who_may(&viewer, &facts, Action::Classify)?;
        }
        if let Some(category) = &category {
            if category.kind.is_some_and(|kind| kind != ticket.kind) {
                return Err(ApiError::field(
                    "category_id",
                    "kind_mismatch",
                    "this category is for the other kind of ticket",
                ));
            }
            if category.id != ticket.category_id {
                change.category_id = Some(category.id);
                let named = |id: CategoryId| CategoryRef {
                    id,
                    name: categories
                        .name(id, user.locale)
                        .unwrap_or_default()
                        .to_owned(),
                };
                change.events.push(TicketEvent::CategoryChanged {
                    from: named(ticket.category_id),
                    to: named(category.id),
                });
            }
        }
        if let Some(impact) = input.impact {
            let current = ticket.impact;
            if impact != current {
                change.impact = Some(impact);
                change.events.push(TicketEvent::ImpactChanged {
                    from: current,
                    to: impact,
                });
            }
        }
        change.events.extend(status_event(current, status));
        change.status = Some(status);
        Ok(change)
    })
    .await?;
    Ok(versioned)
}

/// Records a change that is not a column of the ticket (a share): new version, new time.
pub(super) async fn touch(
    db: &impl ConnectionTrait,
    ticket: &tickets::Model,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    tickets::Entity::update_many()
        .col_expr(tickets::Column::Version, Expr::value(ticket.version + 1))
        .col_expr(tickets::Column::UpdatedAt, Expr::value(now))
        .filter(tickets::Column::Id.eq(ticket.id))
        .exec(db)
        .await?;
    Ok(())
}
