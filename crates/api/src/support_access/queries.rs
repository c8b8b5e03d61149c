//! Reading accesses back as the API shows them: a page of rows, then their tickets, people
//! and sessions in one query each (four statements whatever the page's length).
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use guichet_types::{
    AccessTimes, SupportAccess, SupportAccessTicket, SupportSession, SupportSessionEnd,
    TicketNumber, UserId, UserRef, GRACE_HOURS, LAPSE_HOURS,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::extractor::display_name;
use crate::entities::{support_accesses, support_sessions, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};

pub fn times(row: &support_accesses::Model) -> AccessTimes {
    AccessTimes {
        requested_at: row.requested_at,
        granted_at: row.granted_at,
        until: row.until,
        refused_at: row.refused_at,
        revoked_at: row.revoked_at,
    }
}

/// A ticket's accesses, newest first.
pub async fn of_ticket(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    request: &PageRequest<i64>,
) -> ApiResult<Vec<support_accesses::Model>> {
    let query =
        support_accesses::Entity::find().filter(support_accesses::Column::TicketId.eq(ticket_id));
    Ok(newest_first(query, support_accesses::Column::Id, request)
        .all(db)
        .await?)
}

/// A customer's accesses still pending (not lapsed) or granted (sessions may still run),
/// newest first.
pub async fn open_of_customer(
    db: &impl ConnectionTrait,
    customer: UserId,
    now: DateTime<Utc>,
    request: &PageRequest<i64>,
) -> ApiResult<Vec<support_accesses::Model>> {
    let pending = Condition::all()
        .add(support_accesses::Column::GrantedAt.is_null())
        .add(support_accesses::Column::RequestedAt.gt(now - Duration::hours(LAPSE_HOURS)));
    let granted = Condition::all()
        .add(support_accesses::Column::GrantedAt.is_not_null())
        .add(support_accesses::Column::Until.gt(now - Duration::hours(GRACE_HOURS)));
    let query = support_accesses::Entity::find()
        .filter(support_accesses::Column::CustomerId.eq(customer))
        .filter(support_accesses::Column::RefusedAt.is_null())
        .filter(support_accesses::Column::RevokedAt.is_null())
        .filter(Condition::any().add(pending).add(granted));
    Ok(newest_first(query, support_accesses::Column::Id, request)
        .all(db)
        .await?)
}

/// The API's view of `rows`, at `now`.
pub async fn resources(
    db: &impl ConnectionTrait,
    rows: Vec<support_accesses::Model>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<SupportAccess>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let access_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let sessions = support_sessions::Entity::find()
        .filter(support_sessions::Column::AccessId.is_in(access_ids))
        .order_by_asc(support_sessions::Column::Id)
        .all(db)
        .await?;
    let tickets: HashMap<i64, tickets::Model> = tickets::Entity::find()
        .filter(tickets::Column::Id.is_in(rows.iter().map(|row| row.ticket_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|ticket| (ticket.id, ticket))
        .collect();
    let people_ids: Vec<UserId> = rows
        .iter()
        .flat_map(|row| [row.agent_id, row.customer_id])
        .chain(sessions.iter().map(|session| session.agent_id))
        .collect();
    let people: HashMap<UserId, UserRef> = users::Entity::find()
        .filter(users::Column::Id.is_in(people_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|user| {
            let person = UserRef {
                id: user.id,
                name: display_name(&user),
            };
            (user.id, person)
        })
        .collect();
    let person = |id: UserId| {
        people
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal(format!("user {id} of a support access vanished")))
    };
    let mut by_access: HashMap<i64, Vec<SupportSession>> = HashMap::new();
    for session in sessions {
        let agent = person(session.agent_id)?;
        by_access
            .entry(session.access_id)
            .or_default()
            .push(session_resource(session, agent));
    }
    rows.into_iter()
        .map(|row| {
            let ticket = tickets
                .get(&row.ticket_id)
                .ok_or_else(|| ApiError::internal("the ticket of a support access vanished"))?;
            let number =
                TicketNumber::try_from(ticket.number.clone()).map_err(ApiError::internal)?;
            let times = times(&row);
            Ok(SupportAccess {
                id: row.id,
                ticket: SupportAccessTicket {
                    number,
                    title: ticket.title.clone(),
                },
                agent: person(row.agent_id)?,
                customer: person(row.customer_id)?,
                state: times.state(now),
                requested_at: row.requested_at,
                lapses_at: times.lapses_at(),
                granted_at: row.granted_at,
                until: row.until,
                note: row.note,
                refused_at: row.refused_at,
                revoked_at: row.revoked_at,
                sessions: by_access.remove(&row.id).unwrap_or_default(),
            })
        })
        .collect()
}

pub fn session_resource(row: support_sessions::Model, agent: UserRef) -> SupportSession {
    SupportSession {
        id: row.id,
        agent,
        started_at: row.started_at,
        expires_at: row.expires_at,
        ended_at: row.ended_at,
        end_reason: row.end_reason.as_deref().and_then(SupportSessionEnd::parse),
    }
}
