//! The timeline: [`record_event`], the only writer of `ticket_events`; [`record_events`],
//! which also queues the webhook deliveries of the events, and [`record_and_notify`], their
//! mails too; and reading the history back as the API shows it.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guichet_types::{
    Actor, AttachmentInfo, EventId, Permission, Role, TicketEvent, TicketNumber, TimelineEntry,
    UserId, UserRef,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, Set,
};

use super::visibility::{find_visible, Lock};
use crate::auth::extractor::{display_name, person_name, Assistance};
use crate::auth::SessionUser;
use crate::entities::{attachments, ticket_events, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::templates::Summary;
use crate::notifications::ticket_mail::{ticket_changed, Author};
use crate::state::AppState;
use crate::webhooks::enqueue::{self, EventTicket};

/// Appends `events` to the ticket's timeline and writes the mails that announce them, in
/// the caller's transaction. `ticket` is the ticket as the change left it.
pub async fn record_and_notify(
    db: &impl ConnectionTrait,
    state: &AppState,
    ticket: &tickets::Model,
    author: Option<&SessionUser>,
    now: DateTime<Utc>,
    events: Vec<TicketEvent>,
) -> ApiResult<Vec<EventId>> {
    let author = author.map(Author::from);
    record_and_notify_as(db, state, ticket, author, None, now, events).await
}

/// [`record_and_notify`] for an author who is not a signed-in caller, and with the summary
/// of a new ticket for the mails announcing it.
pub async fn record_and_notify_as(
    db: &impl ConnectionTrait,
    state: &AppState,
    ticket: &tickets::Model,
    author: Option<Author<'_>>,
    summary: Option<&Summary<'_>>,
    now: DateTime<Utc>,
    events: Vec<TicketEvent>,
) -> ApiResult<Vec<EventId>> {
    let ids = record_events(db, state, ticket, author, now, &events).await?;
    ticket_changed(db, &state.settings, ticket, author, &events, summary, now).await?;
    Ok(ids)
}

/// Appends `events` to the ticket's timeline and queues their deliveries to the webhook
/// endpoints that want them, in the caller's transaction (no mail).
pub async fn record_events(
    db: &impl ConnectionTrait,
    state: &AppState,
    ticket: &tickets::Model,
    author: Option<Author<'_>>,
    now: DateTime<Utc>,
    events: &[TicketEvent],
) -> ApiResult<Vec<EventId>> {
    let mut ids = Vec::with_capacity(events.len());
    let assisted = author.and_then(|a| a.assisted);
    for event in events {
        ids.push(insert_event(db, ticket.id, now, author.map(|a| a.id), assisted, event).await?);
    }
    let actor = author.map(|a| Actor {
        id: a.id,
        name: a.name.to_owned(),
        role: a.role,
        assisted_by: a.assisted.map(|assistance| assistance.agent.clone()),
    });
    let recorded: Vec<(EventId, &TicketEvent)> = ids.iter().copied().zip(events).collect();
    enqueue::deliveries(
        db,
        &state.webhooks.endpoints,
        EventTicket {
            id: ticket.id,
            number: &ticket.number,
            company_id: ticket.company_id,
        },
        actor.as_ref(),
        now,
        &recorded,
    )
    .await?;
    Ok(ids)
}

/// Appends an entry to a ticket's timeline: the only writer of `ticket_events`. Changes go
/// through [`record_events`], which also queues its webhook deliveries; only the demo data,
/// written on an empty database without endpoints, calls this alone.
pub async fn record_event(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    event: &TicketEvent,
) -> ApiResult<EventId> {
    insert_event(db, ticket_id, at, actor_id, None, event).await
}

/// [`record_event`] by an actor who may be assisted (support access): the row keeps the
/// session's agent and the session, for the timeline and the session's end mail.
async fn insert_event(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    assisted: Option<&Assistance>,
    event: &TicketEvent,
) -> ApiResult<EventId> {
    let row = ticket_events::ActiveModel {
        ticket_id: Set(ticket_id),
        at: Set(at),
        actor_id: Set(actor_id),
        event: Set(event.name().to_owned()),
        internal: Set(event.is_internal()),
        details: Set(serde_json::Value::Object(event.details()).to_string()),
        assisted_by: Set(assisted.map(|a| a.agent.id)),
        support_session_id: Set(assisted.map(|a| a.session_id)),
        ..Default::default()
    };
    // Only the id is read back (SQLite would read the whole row).
    Ok(ticket_events::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// The ticket's history, oldest first; customers get its public part only.
pub async fn timeline(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<Vec<TimelineEntry>> {
    let ticket_id = find_visible(&state.db, user, number, Lock::No).await?.id;
    // The actors are joined rather than read by a second query.
    let actor: RelationDef = ticket_events::Entity::belongs_to(users::Entity)
        .from(ticket_events::Column::ActorId)
        .to(users::Column::Id)
        .into();
    let mut query = ticket_events::Entity::find()
        .select_only()
        .columns([
            ticket_events::Column::Id,
            ticket_events::Column::At,
            ticket_events::Column::ActorId,
            ticket_events::Column::Event,
            ticket_events::Column::Details,
            ticket_events::Column::AssistedBy,
        ])
        .column_as(users::Column::FirstName, "actor_first_name")
        .column_as(users::Column::LastName, "actor_last_name")
        .column_as(users::Column::Email, "actor_email")
        .column_as(users::Column::Role, "actor_role")
        .join(JoinType::LeftJoin, actor)
        .filter(ticket_events::Column::TicketId.eq(ticket_id));
    if !user.can(Permission::TicketsWork) {
        query = query.filter(ticket_events::Column::Internal.eq(false));
    }
    let rows = query
        .order_by_asc(ticket_events::Column::Id)
        .into_model::<EntryRow>()
        .all(&state.db)
        .await?;
    let agents = assisting_agents(&state.db, rows.iter().filter_map(|r| r.assisted_by)).await?;
    rows.into_iter()
        .map(|row| {
            let actor = row.actor_id.zip(row.actor_email).map(|(id, email)| Actor {
                id,
                name: person_name(
                    row.actor_first_name.as_deref().unwrap_or_default(),
                    row.actor_last_name.as_deref().unwrap_or_default(),
                    &email,
                ),
                role: row.actor_role.unwrap_or_default(),
                assisted_by: row.assisted_by.and_then(|id| agents.get(&id).cloned()),
            });
            entry(row.id, row.at, actor, &row.event, &row.details)
        })
        .collect()
}

/// A timeline entry with its actor's name, as [`timeline`] reads it.
#[derive(FromQueryResult)]
struct EntryRow {
    id: EventId,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    event: String,
    details: String,
    actor_first_name: Option<String>,
    actor_last_name: Option<String>,
    actor_email: Option<String>,
    actor_role: Option<Role>,
    assisted_by: Option<UserId>,
}

/// The agents of assisted sessions named by a history's events, by id: one query, only when
/// some event was made in an assisted session.
pub async fn assisting_agents(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = UserId>,
) -> ApiResult<HashMap<UserId, UserRef>> {
    let mut ids: Vec<UserId> = ids.collect();
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            let agent = UserRef {
                id: u.id,
                name: display_name(&u),
            };
            (u.id, agent)
        })
        .collect())
}

/// Timeline entries of `events`, their actors loaded in one query.
pub async fn to_entries(
    db: &impl ConnectionTrait,
    events: Vec<ticket_events::Model>,
) -> ApiResult<Vec<TimelineEntry>> {
    let actor_ids: Vec<UserId> = events
        .iter()
        .flat_map(|e| [e.actor_id, e.assisted_by])
        .flatten()
        .collect();
    let actors: HashMap<UserId, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    events
        .into_iter()
        .map(|event| {
            let actor = event
                .actor_id
                .and_then(|id| actors.get(&id))
                .map(|u| Actor {
                    id: u.id,
                    name: display_name(u),
                    role: u.role,
                    assisted_by: event
                        .assisted_by
                        .and_then(|id| actors.get(&id))
                        .map(|agent| UserRef {
                            id: agent.id,
                            name: display_name(agent),
                        }),
                });
            entry(event.id, event.at, actor, &event.event, &event.details)
        })
        .collect()
}

/// A row of `ticket_events` as the API shows it. A row that does not read as a
/// [`TicketEvent`] fails the answer (and is logged with its id) rather than vanish from
/// the history.
fn entry(
    id: EventId,
    at: DateTime<Utc>,
    actor: Option<Actor>,
    event: &str,
    details: &str,
) -> ApiResult<TimelineEntry> {
    let event = TicketEvent::from_parts(event, details).map_err(|error| {
        ApiError::internal(format!(
            "timeline entry {id} ({event}) does not read: {error}"
        ))
    })?;
    Ok(TimelineEntry {
        id,
        at,
        actor,
        event,
    })
}

/// An attachment's row as the API and its `attachment_added` event show it.
pub fn attachment_info(row: attachments::Model) -> AttachmentInfo {
    AttachmentInfo {
        id: row.id,
        file_name: row.file_name,
        size: u64::try_from(row.size).unwrap_or_default(),
        content_type: row.content_type,
    }
}
