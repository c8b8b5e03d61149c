//! Support access as plain functions: asked by an agent, granted, refused or revoked by the
//! ticket's requester, assisted sessions started and ended, the sweep that ends the expired
//! ones. Every act is audited and mailed in its own transaction.
use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::{
    AssistedToken, Page, Permission, SupportAccess, SupportAccessGrant, SupportAccessPage,
    SupportAccessState, SupportSessionEnd, TicketEvent, TicketNumber, UserRef,
};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::queries::{self, times};
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::extractor::display_name;
use crate::auth::SessionUser;
use crate::entities::{support_accesses, support_sessions, ticket_events, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::outbox::{self, mail_host, OutgoingMail};
use crate::notifications::support_access_mail::{self, AccessTicket, SessionEnd};
use crate::notifications::templates::Rendered;
use crate::paging::PageRequest;
use crate::state::AppState;
use crate::tickets::visibility::{find_visible, Lock};

/// Sessions ended per sweep at most; the next sweep takes the rest.
const SWEEP_BATCH: u64 = 100;
/// How often each instance looks for sessions past their end: the end mail goes within this.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

fn conflict(code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::Conflict {
        code,
        detail: detail.into(),
    }
}

fn vanished(what: &str) -> ApiError {
    ApiError::internal(format!("the {what} of a support access vanished"))
}

/// A mail to the customer about `ticket`, threaded with the ticket's own mails.
fn to_customer(
    state: &AppState,
    customer: &users::Model,
    ticket: &tickets::Model,
    mail: Rendered,
) -> OutgoingMail {
    OutgoingMail {
        to: customer.email.clone(),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        thread_id: Some(format!(
            "<{}@{}>",
            ticket.number,
            mail_host(&state.settings.public_url)
        )),
        reply_to: None,
    }
}

fn ticket_link(state: &AppState, ticket: &tickets::Model) -> String {
    format!("{}/tickets/{}", state.settings.public_url, ticket.number)
}

async fn user(db: &impl ConnectionTrait, id: guichet_types::UserId) -> ApiResult<users::Model> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| vanished("person"))
}

async fn ticket(db: &impl ConnectionTrait, id: i64) -> ApiResult<tickets::Model> {
    tickets::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| vanished("ticket"))
}

/// Access `id`, locked until the transaction ends on PostgreSQL (SQLite's writers queue at
/// the write gate).
async fn locked_access(
    db: &impl ConnectionTrait,
    id: i64,
) -> ApiResult<Option<support_accesses::Model>> {
    let mut query = support_accesses::Entity::find_by_id(id);
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    Ok(query.one(db).await?)
}

/// The caller's own access `id` (they are the customer who answers); anyone else's is a 404.
async fn own_access(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    id: i64,
) -> ApiResult<support_accesses::Model> {
    locked_access(db, id)
        .await?
        .filter(|row| row.customer_id == user.id)
        .ok_or(ApiError::NotFound)
}

async fn resource(
    state: &AppState,
    row: support_accesses::Model,
    now: DateTime<Utc>,
) -> ApiResult<SupportAccess> {
    queries::resources(&state.db, vec![row], now)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a support access without its resource"))
}

/// An agent asks the ticket's requester for access to their account: one open access per
/// ticket (409 `support_access_open`), never for a service account (409
/// `requester_not_a_person`). The requester is mailed.
pub async fn request(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<SupportAccess> {
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    // Who may act is asked of a ticket one sees: another company's ticket is a 404.
    let ticket = find_visible(&txn, user, number, Lock::ForUpdate).await?;
    user.require(Permission::TicketsWork)?;
    let customer = self::user(&txn, ticket.requester_id).await?;
    if customer.service_account || customer.system_key.is_some() || !customer.active {
        return Err(conflict(
            "requester_not_a_person",
            "the ticket's requester is not a person who can grant access",
        ));
    }
    let earlier = support_accesses::Entity::find()
        .filter(support_accesses::Column::TicketId.eq(ticket.id))
        .filter(support_accesses::Column::RefusedAt.is_null())
        .filter(support_accesses::Column::RevokedAt.is_null())
        .all(&txn)
        .await?;
    if earlier.iter().any(|row| times(row).state(now).is_open()) {
        return Err(conflict(
            "support_access_open",
            "the ticket already has a pending or granted support access",
        ));
    }
    let row = support_accesses::ActiveModel {
        ticket_id: Set(ticket.id),
        customer_id: Set(customer.id),
        agent_id: Set(user.id),
        requested_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "support_access.requested",
        Target::new("support_access", row.id),
        &Changes::created(json!({"ticket": ticket.number, "customer_id": customer.id})),
    )
    .await?;
    let link = ticket_link(state, &ticket);
    let about = AccessTicket {
        number: &ticket.number,
        title: &ticket.title,
        link: &link,
    };
    let mail = support_access_mail::access_requested(customer.locale, &user.name, &about);
    let mail = to_customer(state, &customer, &ticket, mail);
    outbox::enqueue_all(&txn, &state.settings.public_url, vec![mail], now).await?;
    state.commit(txn).await?;
    resource(state, row, now).await
}

/// The requester grants access `id` until `input.until` (at most 7 days ahead), only while
/// it is pending: a lapsed request is a 409 `support_access_lapsed`, an answered one 409
/// `support_access_answered`.
pub async fn grant(
    state: &AppState,
    user: &SessionUser,
    id: i64,
    input: SupportAccessGrant,
) -> ApiResult<SupportAccess> {
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = own_access(&txn, user, id).await?;
    let errors = input.errors(now);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    match times(&row).state(now) {
        SupportAccessState::Requested => {}
        SupportAccessState::Lapsed => {
            return Err(conflict(
                "support_access_lapsed",
                "the request lapsed 48 hours after it was made: the agent must ask again",
            ))
        }
        other => {
            return Err(conflict(
                "support_access_answered",
                format!("the access is {other}"),
            ))
        }
    }
    let note = input
        .note
        .map(|note| note.trim().to_owned())
        .filter(|note| !note.is_empty());
    let until = input.until.trunc_subsecs(6);
    let mut changes = Changes::new();
    changes
        .set("until", None::<DateTime<Utc>>, until)
        .set("note", None::<String>, &note);
    let mut active: support_accesses::ActiveModel = row.into();
    active.granted_at = Set(Some(now));
    active.until = Set(Some(until));
    active.note = Set(note);
    let row = active.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "support_access.granted",
        Target::new("support_access", row.id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    resource(state, row, now).await
}

/// The requester answers no to a pending request, or ends a granted access at any time: every
/// live session of it ends at once (their next call is a 401), each with its end mail.
pub async fn revoke(state: &AppState, user: &SessionUser, id: i64) -> ApiResult<SupportAccess> {
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = own_access(&txn, user, id).await?;
    let times = times(&row);
    let state_now = times.state(now);
    let mut active: support_accesses::ActiveModel = row.clone().into();
    let action = if state_now == SupportAccessState::Requested {
        active.refused_at = Set(Some(now));
        "support_access.refused"
    } else if state_now == SupportAccessState::Granted || times.sessions_may_run(now) {
        active.revoked_at = Set(Some(now));
        "support_access.revoked"
    } else {
        return Err(conflict(
            "support_access_closed",
            format!("the access is {state_now}"),
        ));
    };
    let row = active.update(&txn).await?;
    let mut changes = Changes::new();
    changes.set("state", state_now, queries::times(&row).state(now));
    audit::record(
        &txn,
        &Actor::from(user),
        action,
        Target::new("support_access", row.id),
        &changes,
    )
    .await?;
    let live = support_sessions::Entity::find()
        .filter(support_sessions::Column::AccessId.eq(row.id))
        .filter(support_sessions::Column::EndedAt.is_null())
        .all(&txn)
        .await?;
    if !live.is_empty() {
        let ticket = self::ticket(&txn, row.ticket_id).await?;
        for session in live {
            let end = Ending {
                reason: SupportSessionEnd::Revoked,
                at: now,
                actor: Actor::from(user),
            };
            end_session(&txn, state, &row, &ticket, session, end).await?;
        }
    }
    state.commit(txn).await?;
    resource(state, row, now).await
}

/// The requesting agent or the ticket's assignee starts an assisted session while the access
/// is granted (not after `until`): a token acting as the customer, for at most 30 minutes and
/// never past `until` + 1 hour. Customers get a 404, other agents a 403.
pub async fn start_session(
    state: &AppState,
    user: &SessionUser,
    id: i64,
) -> ApiResult<AssistedToken> {
    if !user.can(Permission::TicketsWork) {
        return Err(ApiError::NotFound);
    }
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let access = locked_access(&txn, id).await?.ok_or(ApiError::NotFound)?;
    let ticket = self::ticket(&txn, access.ticket_id).await?;
    if user.id != access.agent_id && ticket.assignee_id != Some(user.id) {
        return Err(ApiError::Forbidden(
            "only the agent who asked or the ticket's assignee may start an assisted session"
                .to_owned(),
        ));
    }
    let times = times(&access);
    if !times.may_start_session(now) {
        return Err(conflict(
            "support_access_not_granted",
            format!("the access is {}", times.state(now)),
        ));
    }
    let expires_at = times.session_expiry(now);
    let session = support_sessions::ActiveModel {
        access_id: Set(access.id),
        agent_id: Set(user.id),
        started_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut changes = Changes::new();
    changes
        .set("customer_id", (), access.customer_id)
        .set("expires_at", (), expires_at);
    audit::record(
        &txn,
        &Actor::from(user),
        "support_session.started",
        Target::new("support_session", session.id),
        &changes,
    )
    .await?;
    let customer = self::user(&txn, access.customer_id).await?;
    let link = ticket_link(state, &ticket);
    let about = AccessTicket {
        number: &ticket.number,
        title: &ticket.title,
        link: &link,
    };
    let mail = support_access_mail::session_started(customer.locale, &user.name, &about);
    let mail = to_customer(state, &customer, &ticket, mail);
    outbox::enqueue_all(&txn, &state.settings.public_url, vec![mail], now).await?;
    state.commit(txn).await?;
    let expires_in = u64::try_from((expires_at - now).num_seconds()).unwrap_or_default();
    let access_token = state
        .tokens
        .issue_assisted(
            access.customer_id,
            user.id,
            session.id,
            u64::try_from(expires_at.timestamp()).unwrap_or_default(),
        )
        .map_err(ApiError::internal)?;
    let agent = UserRef {
        id: user.id,
        name: user.name.clone(),
    };
    Ok(AssistedToken {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in,
        session: queries::session_resource(session, agent),
    })
}

/// Ends the caller's session on access `id`: with an assisted token, its own session; with
/// the agent's own credentials, every live session of theirs on it. Nothing to end: 404.
pub async fn end_current(state: &AppState, user: &SessionUser, id: i64) -> ApiResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let live = support_sessions::Entity::find()
        .filter(support_sessions::Column::AccessId.eq(id))
        .filter(support_sessions::Column::EndedAt.is_null())
        .filter(support_sessions::Column::ExpiresAt.gt(now));
    let live = match &user.assisted {
        Some(assistance) if assistance.access_id == id => {
            live.filter(support_sessions::Column::Id.eq(assistance.session_id))
        }
        None if user.can(Permission::TicketsWork) => {
            live.filter(support_sessions::Column::AgentId.eq(user.id))
        }
        _ => return Err(ApiError::NotFound),
    };
    let live = live.all(&txn).await?;
    if live.is_empty() {
        return Err(ApiError::NotFound);
    }
    let access = locked_access(&txn, id).await?.ok_or(ApiError::NotFound)?;
    let ticket = self::ticket(&txn, access.ticket_id).await?;
    for session in live {
        let end = Ending {
            reason: SupportSessionEnd::Agent,
            at: now,
            actor: Actor::from(user),
        };
        end_session(&txn, state, &access, &ticket, session, end).await?;
    }
    state.commit(txn).await
}

/// Ends the sessions past their latest end that nobody ended, each once even when several
/// instances sweep together; run periodically, so the end mail goes even if nobody calls.
pub async fn end_expired(state: &AppState) -> ApiResult<usize> {
    let now = Utc::now().trunc_subsecs(6);
    let due = || {
        support_sessions::Entity::find()
            .filter(support_sessions::Column::EndedAt.is_null())
            .filter(support_sessions::Column::ExpiresAt.lte(now))
    };
    // Most sweeps find nothing: a read, without a transaction or the write gate.
    if due().one(&state.db).await?.is_none() {
        return Ok(0);
    }
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut due = due()
        .order_by_asc(support_sessions::Column::ExpiresAt)
        .limit(SWEEP_BATCH);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due = due.all(&txn).await?;
    let mut ended = 0;
    for session in due {
        let access = support_accesses::Entity::find_by_id(session.access_id)
            .one(&txn)
            .await?
            .ok_or_else(|| vanished("access"))?;
        let ticket = self::ticket(&txn, access.ticket_id).await?;
        let end = Ending {
            reason: SupportSessionEnd::Expired,
            at: session.expires_at,
            actor: Actor::command_line(),
        };
        if end_session(&txn, state, &access, &ticket, session, end).await? {
            ended += 1;
        }
    }
    state.commit(txn).await?;
    Ok(ended)
}

/// How and when a session ends, and who ended it (the audit's actor).
struct Ending {
    reason: SupportSessionEnd,
    at: DateTime<Utc>,
    actor: Actor,
}

/// Ends `session` if it still runs, with its audit entry and the customer's mail listing the
/// public changes made in it; `false` if another writer ended it first.
async fn end_session(
    txn: &impl ConnectionTrait,
    state: &AppState,
    access: &support_accesses::Model,
    ticket: &tickets::Model,
    session: support_sessions::Model,
    end: Ending,
) -> ApiResult<bool> {
    let ended = support_sessions::Entity::update_many()
        .col_expr(support_sessions::Column::EndedAt, Expr::value(end.at))
        .col_expr(
            support_sessions::Column::EndReason,
            Expr::value(end.reason.as_str()),
        )
        .filter(support_sessions::Column::Id.eq(session.id))
        .filter(support_sessions::Column::EndedAt.is_null())
        .exec(txn)
        .await?;
    if ended.rows_affected != 1 {
        return Ok(false);
    }
    let mut changes = Changes::new();
    changes.set("end_reason", (), end.reason.as_str());
    audit::record(
        txn,
        &end.actor,
        "support_session.ended",
        Target::new("support_session", session.id),
        &changes,
    )
    .await?;
    let made: Vec<(String, String)> = ticket_events::Entity::find()
        .select_only()
        .columns([ticket_events::Column::Event, ticket_events::Column::Details])
        .filter(ticket_events::Column::SupportSessionId.eq(session.id))
        .filter(ticket_events::Column::Internal.eq(false))
        .order_by_asc(ticket_events::Column::Id)
        .into_tuple()
        .all(txn)
        .await?;
    let made = made
        .iter()
        .map(|(name, details)| TicketEvent::from_parts(name, details))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    let customer = self::user(txn, access.customer_id).await?;
    let agent = self::user(txn, session.agent_id).await?;
    let (agent_name, customer_name) = (display_name(&agent), display_name(&customer));
    let link = ticket_link(state, ticket);
    let about = AccessTicket {
        number: &ticket.number,
        title: &ticket.title,
        link: &link,
    };
    let told = SessionEnd {
        agent: &agent_name,
        customer: &customer_name,
        reason: end.reason,
        changes: &made,
    };
    let mail = support_access_mail::session_ended(customer.locale, &told, &about);
    let mail = to_customer(state, &customer, ticket, mail);
    let now = Utc::now().trunc_subsecs(6);
    outbox::enqueue_all(txn, &state.settings.public_url, vec![mail], now).await?;
    Ok(true)
}

/// The accesses of ticket `number`, newest first: for the support team and the ticket's
/// requester; anyone else gets the ticket's 404.
pub async fn of_ticket(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<SupportAccessPage> {
    let mut errors = Vec::new();
    let request = PageRequest::parse(cursor, limit, &mut errors);
    let ticket = find_visible(&state.db, user, number, Lock::No).await?;
    if !(user.can(Permission::TicketsWork) || ticket.requester_id == user.id) {
        return Err(ApiError::NotFound);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let rows = queries::of_ticket(&state.db, ticket.id, &request).await?;
    page(state, &request, rows).await
}

/// The caller's pending and granted accesses (their profile's panel), newest first.
pub async fn mine(
    state: &AppState,
    user: &SessionUser,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<SupportAccessPage> {
    let mut errors = Vec::new();
    let request = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = Utc::now().trunc_subsecs(6);
    let rows = queries::open_of_customer(&state.db, user.id, now, &request).await?;
    page(state, &request, rows).await
}

async fn page(
    state: &AppState,
    request: &PageRequest<i64>,
    rows: Vec<support_accesses::Model>,
) -> ApiResult<SupportAccessPage> {
    let now = Utc::now().trunc_subsecs(6);
    let Page { items, next_cursor } = request.page(rows, |row| row.id);
    Ok(Page {
        items: queries::resources(&state.db, items, now).await?,
        next_cursor,
    })
}
