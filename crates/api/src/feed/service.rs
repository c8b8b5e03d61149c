//! Reading the feed: the query string checked, then one statement for a page.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guichet_types::{
    page_limit, Actor, CompanyId, EventFeed, EventFeedQuery, EventId, FeedEvent, FeedTicket,
    FieldError, Permission, Role, TicketEvent, TicketNumber, UserId, UserRef, LIST_LIMIT_DEFAULT,
};
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, FromQueryResult};

use crate::auth::extractor::person_name;
use crate::auth::SessionUser;
use crate::entities::{ticket_events, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::paging;
use crate::tickets::visibility::visible_to;

/// The place of an event in the feed: (transaction id, event id).
type Position = (i64, i64);

/// The query string of `GET /events`, parsed leniently so that every bad member is named.
pub fn parse_query(pairs: &HashMap<String, String>) -> Result<EventFeedQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut query = EventFeedQuery::default();
    for (name, value) in pairs {
        let value = value.trim();
        match name.as_str() {
            "after" => query.after = Some(value.to_owned()).filter(|a| !a.is_empty()),
            "limit" => match page_limit(Some(value)) {
                Ok(limit) => query.limit = Some(limit),
                Err(error) => errors.push(error),
            },
            "ticket" => match TicketNumber::try_from(value.to_owned()) {
                Ok(number) => query.ticket = Some(number),
                Err(_) => errors.push(FieldError::new(
                    "ticket",
                    "invalid",
                    "expected a ticket number such as T20261121.0001",
                )),
            },
            "company_id" => match value.parse() {
                Ok(id) => query.company_id = Some(CompanyId(id)),
                Err(_) => errors.push(FieldError::new(
                    "company_id",
                    "invalid_type",
                    "expected a company id",
                )),
            },
            "events" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if TicketEvent::NAMES.contains(&part) {
                        query.events.push(part.to_owned());
                    } else {
                        errors.push(FieldError::new(
                            "events",
                            "invalid_choice",
                            format!("expected {}", TicketEvent::NAMES.join(", ")),
                        ));
                        break;
                    }
                }
            }
            other => errors.push(FieldError::new(
                other,
                "unknown_field",
                "this parameter is not known",
            )),
        }
    }
    if let Some(after) = &query.after {
        if paging::decode::<Position>(after).is_none() {
            errors.push(FieldError::new(
                "after",
                "invalid",
                "not a cursor of the event feed",
            ));
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(errors)
    }
}

/// A row of the feed's statement.
#[derive(FromQueryResult)]
struct FeedRow {
    id: EventId,
    txid: i64,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    event: String,
    details: String,
    number: String,
    company_id: CompanyId,
    actor_first_name: Option<String>,
    actor_last_name: Option<String>,
    actor_email: Option<String>,
    actor_role: Option<Role>,
    assisted_by: Option<UserId>,
    assistant_first_name: Option<String>,
    assistant_last_name: Option<String>,
    assistant_email: Option<String>,
}

/// The events after `query.after` that `user` may see, oldest first, in one statement.
pub async fn read(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: EventFeedQuery,
) -> ApiResult<EventFeed> {
    let backend = db.get_database_backend();
    let after = match query.after.as_deref() {
        Some(text) => Some(paging::decode::<Position>(text).ok_or_else(|| {
            ApiError::field("after", "invalid", "not a cursor of the event feed")
        })?),
        None => None,
    };
    let events = Alias::new("ticket_events");
    let txid = Expr::col((events.clone(), Alias::new("txid")));
    let event_id = Expr::col((events.clone(), ticket_events::Column::Id));
    let mut condition = Condition::all().add(visible_to(user, backend));
    if let Some((last_txid, last_id)) = after {
        condition = condition.add(
            Expr::tuple([txid.clone().into(), event_id.clone().into()])
                .gt(Expr::tuple([Expr::value(last_txid), Expr::value(last_id)])),
        );
    }
    if backend == DbBackend::Postgres {
        // Only events whose every possible predecessor has committed or rolled back.
        condition = condition.add(txid.clone().lt(Expr::cust(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        )));
    }
    if !user.can(Permission::TicketsWork) {
        condition = condition.add(ticket_events::Column::Internal.eq(false));
    }
    if let Some(number) = &query.ticket {
        condition = condition.add(tickets::Column::Number.eq(number.as_str()));
    }
    if let Some(company) = query.company_id {
        condition = condition.add(tickets::Column::CompanyId.eq(company));
    }
    if !query.events.is_empty() {
        condition = condition.add(ticket_events::Column::Event.is_in(query.events.clone()));
    }
    let actor = Alias::new("actor");
    // The agent of an assisted session, when the event was made in one.
    let assistant = Alias::new("assistant");
    let mut select = Query::select();
    select
        .columns(
            [
                ticket_events::Column::Id,
                ticket_events::Column::At,
                ticket_events::Column::ActorId,
                ticket_events::Column::Event,
                ticket_events::Column::Details,
                ticket_events::Column::AssistedBy,
            ]
            .map(|column| (ticket_events::Entity, column)),
        )
        .expr_as(txid.clone(), Alias::new("txid"))
        .columns([
            (tickets::Entity, tickets::Column::Number),
            (tickets::Entity, tickets::Column::CompanyId),
        ])
        .expr_as(
            Expr::col((actor.clone(), users::Column::FirstName)),
            Alias::new("actor_first_name"),
        )
        .expr_as(
            Expr::col((actor.clone(), users::Column::LastName)),
            Alias::new("actor_last_name"),
        )
        .expr_as(
            Expr::col((actor.clone(), users::Column::Email)),
            Alias::new("actor_email"),
        )
        .expr_as(
            Expr::col((actor.clone(), users::Column::Role)),
            Alias::new("actor_role"),
        )
        .expr_as(
            Expr::col((assistant.clone(), users::Column::FirstName)),
            Alias::new("assistant_first_name"),
        )
        .expr_as(
            Expr::col((assistant.clone(), users::Column::LastName)),
            Alias::new("assistant_last_name"),
        )
        .expr_as(
            Expr::col((assistant.clone(), users::Column::Email)),
            Alias::new("assistant_email"),
        )
        .from(ticket_events::Entity)
        .join(
            JoinType::InnerJoin,
            tickets::Entity,
            Expr::col((tickets::Entity, tickets::Column::Id))
                .equals((ticket_events::Entity, ticket_events::Column::TicketId)),
        )
        .join_as(
            JoinType::LeftJoin,
            users::Entity,
            actor.clone(),
            Expr::col((actor, users::Column::Id))
                .equals((ticket_events::Entity, ticket_events::Column::ActorId)),
        )
        .join_as(
            JoinType::LeftJoin,
            users::Entity,
            assistant.clone(),
            Expr::col((assistant, users::Column::Id))
                .equals((ticket_events::Entity, ticket_events::Column::AssistedBy)),
        )
        .cond_where(condition)
        .order_by_expr(txid.into(), Order::Asc)
        .order_by_expr(event_id.into(), Order::Asc)
        .limit(query.limit.unwrap_or(LIST_LIMIT_DEFAULT));
    let rows = FeedRow::find_by_statement(backend.build(&select))
        .all(db)
        .await?;
    let items = rows.into_iter().map(item).collect::<ApiResult<Vec<_>>>()?;
    let next_cursor = match items.last() {
        Some(last) => Some(last.cursor.clone()),
        None => query.after,
    };
    Ok(EventFeed { items, next_cursor })
}

/// A row as the feed shows it; a row that does not read as a [`TicketEvent`] fails the
/// answer (and is logged) rather than vanish from the feed.
fn item(row: FeedRow) -> ApiResult<FeedEvent> {
    let event = TicketEvent::from_parts(&row.event, &row.details).map_err(|error| {
        ApiError::internal(format!(
            "event {} ({}) does not read: {error}",
            row.id, row.event
        ))
    })?;
    let number = TicketNumber::try_from(row.number)
        .map_err(|_| ApiError::internal(format!("event {} has a bad ticket number", row.id)))?;
    let actor = row.actor_id.zip(row.actor_email).map(|(id, email)| Actor {
        id,
        name: person_name(
            row.actor_first_name.as_deref().unwrap_or_default(),
            row.actor_last_name.as_deref().unwrap_or_default(),
            &email,
        ),
        role: row.actor_role.unwrap_or_default(),
        assisted_by: row
            .assisted_by
            .zip(row.assistant_email)
            .map(|(id, email)| UserRef {
                id,
                name: person_name(
                    row.assistant_first_name.as_deref().unwrap_or_default(),
                    row.assistant_last_name.as_deref().unwrap_or_default(),
                    &email,
                ),
            }),
    });
    Ok(FeedEvent {
        cursor: paging::encode(&(row.txid, row.id.0)),
        id: row.id,
        at: row.at,
        ticket: FeedTicket {
            number,
            company_id: row.company_id,
        },
        actor,
        event,
    })
}
