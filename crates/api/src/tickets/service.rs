//! Ticket rules as plain functions: creation, reading, listing, the timeline.
use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::{
    priority, Actor, CompanyId, EventId, FieldError, Level, NewTicket, Role, Scope, Ticket,
    TicketEvent, TicketKind, TicketListQuery, TicketNumber, TicketPage, TicketSort, TicketStatus,
    TimelineEntry, UserId, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX,
};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationDef, Set, TryIntoModel,
};

use super::cursor::Cursor;
use super::queries::{self, ListFilter, Reach};
use super::{number, search};
use crate::auth::extractor::{display_name, person_name};
use crate::auth::SessionUser;
use crate::config::Settings;
use crate::entities::{assets, attachments, inbound_mails, ticket_events, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::templates::Summary;
use crate::notifications::ticket_mail::{ticket_changed, Author};
use crate::state::AppState;

/// Opens a ticket for the caller, or for `requester_id` when an agent opens it on a
/// customer's behalf. The ticket and its `created` event are written together.
pub async fn create(state: &AppState, user: &SessionUser, input: NewTicket) -> ApiResult<Ticket> {
    let db = &state.db;
    let mut errors = Vec::new();

    let requester = match (user.is_staff(), input.requester_id) {
        (false, Some(_)) => {
            errors.push(FieldError::new(
                "requester_id",
                "not_allowed",
                "only the support team opens tickets for someone else",
            ));
            None
        }
        (false, None) => users::Entity::find_by_id(user.id).one(db).await?,
        (true, None) => {
            errors.push(FieldError::new(
                "requester_id",
                "required",
                "name the customer this ticket is for",
            ));
            None
        }
        (true, Some(id)) => {
            let found = users::Entity::find_by_id(id.0)
                .one(db)
                .await?
                .filter(|u| u.company_id.is_some());
            if found.is_none() {
                errors.push(FieldError::new(
                    "requester_id",
                    "not_found",
                    "no customer has this id",
                ));
            }
            found
        }
    };

    let categories = state.categories.with(db, [input.category_id.0]).await?;
    match categories.get(input.category_id.0) {
        None => errors.push(FieldError::new(
            "category_id",
            "not_found",
            "no category has this id",
        )),
        Some(category) => {
            if category
                .kind
                .as_deref()
                .is_some_and(|kind| kind != input.kind.as_str())
            {
                errors.push(FieldError::new(
                    "category_id",
                    "kind_mismatch",
                    "this category is for the other kind of ticket",
                ));
            }
        }
    }

    let urgency = state
        .settings
        .urgency_for
        .urgency(input.kind, input.urgency);
    if urgency.is_none() {
        errors.push(FieldError::new(
            "urgency",
            "required",
            "choose the urgency of this ticket",
        ));
    }

    let company_id = requester.as_ref().and_then(|r| r.company_id);
    if let (Some(asset_id), Some(company_id)) = (input.asset_id, company_id) {
        let asset = assets::Entity::find_by_id(asset_id.0).one(db).await?;
        if asset.is_none_or(|a| a.company_id != company_id) {
            errors.push(FieldError::new(
                "asset_id",
                "not_found",
                "no asset of the company has this id",
            ));
        }
    }
    let (Some(requester), Some(company_id), Some(urgency), true) =
        (requester, company_id, urgency, errors.is_empty())
    else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(ApiError::Validation(errors));
    };

    let notify_email = input
        .notify_email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .unwrap_or(&requester.email)
        .to_owned();
    let opening = Opening {
        kind: input.kind,
        category_id: input.category_id.0,
        urgency,
        title: input.title,
        description: input.description,
        asset_id: input.asset_id.map(|a| a.0),
        requester_id: requester.id,
        company_id,
        notify: input.notify.unwrap_or(true),
        notify_email,
    };
    let created = TicketEvent::Created {
        status: TicketStatus::New,
        on_behalf_of: (requester.id != user.id).then_some(UserId(requester.id)),
        by_mail: None,
    };
    let row = open(
        state,
        opening,
        Author::from(user),
        created,
        FromMail::default(),
    )
    .await?;

    queries::resource(db, &state.categories, row.id, user.locale)
        .await?
        .ok_or_else(|| ApiError::internal("created ticket vanished"))
}

/// A new ticket whose fields are checked, as [`open`] writes it.
pub struct Opening {
    pub kind: TicketKind,
    pub category_id: i64,
    pub urgency: Level,
    pub title: String,
    pub description: String,
    pub asset_id: Option<i64>,
    pub requester_id: i64,
    pub company_id: i64,
    pub notify: bool,
    pub notify_email: String,
}

/// What came with a change by mail: its attachments, stored already, and its Message-ID.
#[derive(Default)]
pub struct FromMail {
    pub files: Vec<attachments::ActiveModel>,
    /// Recorded with the change (unique): a second delivery of the mail then writes nothing.
    pub message_id: Option<String>,
}

/// Writes the rows of `from_mail` for ticket `ticket_id` in the caller's transaction, and
/// returns the `attachment_added` events to record.
pub async fn write_from_mail(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    now: DateTime<Utc>,
    from_mail: FromMail,
) -> ApiResult<Vec<TicketEvent>> {
    let mut events = Vec::new();
    for mut file in from_mail.files {
        file.ticket_id = Set(ticket_id);
        file.created_at = Set(now);
        let attachment = crate::attachments::service::info(file.insert(db).await?);
        events.push(TicketEvent::AttachmentAdded { attachment });
    }
    if let Some(message_id) = from_mail.message_id {
        inbound_mails::ActiveModel {
            message_id: Set(message_id),
            ticket_id: Set(ticket_id),
            received_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(events)
}

/// Writes a new ticket in one transaction: its number, the row, its `created` event,
/// what came with it by mail, and the mails announcing it. Every way of opening a ticket
/// ends here.
pub async fn open(
    state: &AppState,
    opening: Opening,
    author: Author<'_>,
    created: TicketEvent,
    from_mail: FromMail,
) -> ApiResult<tickets::Model> {
    let db = &state.db;
    let now = Utc::now().trunc_subsecs(6);
    let impact = Level::Medium;
    // From memory: named in the mails announcing the ticket.
    let category = state
        .categories
        .get(db)
        .await?
        .get(opening.category_id)
        .cloned();

    let (txn, _turn) = state.writes.begin(db).await?;
    let number = number::allocate(&txn, state.settings.time_zone, now).await?;
    let mut row = tickets::ActiveModel {
        number: Set(number.to_string()),
        kind: Set(opening.kind.as_str().to_owned()),
        status: Set(TicketStatus::New.as_str().to_owned()),
        urgency: Set(opening.urgency.as_str().to_owned()),
        impact: Set(impact.as_str().to_owned()),
        priority: Set(i16::from(priority(opening.urgency, impact))),
        search_text: Set(search::search_text(&opening.title, &opening.description)),
        title: Set(opening.title),
        description: Set(opening.description),
        category_id: Set(opening.category_id),
        asset_id: Set(opening.asset_id),
        requester_id: Set(opening.requester_id),
        company_id: Set(opening.company_id),
        assignee_id: Set(None),
        notify: Set(opening.notify),
        notify_email: Set(opening.notify_email),
        created_at: Set(now),
        updated_at: Set(now),
        resolved_at: Set(None),
        closed_at: Set(None),
        version: Set(1),
        satisfaction_rating: Set(None),
        satisfaction_comment: Set(None),
        ..Default::default()
    };
    // Every column is known: only the id is read back (SQLite would read the whole row).
    let id = tickets::Entity::insert(row.clone())
        .exec(&txn)
        .await?
        .last_insert_id;
    row.id = Set(id);
    let row = row.try_into_model()?;
    let mut events = vec![created];
    events.extend(write_from_mail(&txn, row.id, now, from_mail).await?);
    let summary = Summary {
        kind: opening.kind,
        category_fr: category.as_ref().map_or("", |c| c.name_fr.as_str()),
        category_en: category.as_ref().map_or("", |c| c.name_en.as_str()),
        urgency: opening.urgency,
        description: &row.description,
    };
    record_and_notify_as(
        &txn,
        &state.settings,
        &row,
        Some(author),
        Some(&summary),
        now,
        events,
    )
    .await?;
    txn.commit().await?;
    state.jobs.wake();
    Ok(row)
}

impl<'a> From<&'a SessionUser> for Author<'a> {
    fn from(user: &'a SessionUser) -> Self {
        Author {
            id: user.id,
            name: &user.name,
            email: &user.email,
            is_staff: user.is_staff(),
        }
    }
}

/// Appends `events` to the ticket's timeline and writes the mails that announce them, in
/// the caller's transaction. `ticket` is the ticket as the change left it.
pub async fn record_and_notify(
    db: &impl ConnectionTrait,
    settings: &Settings,
    ticket: &tickets::Model,
    author: Option<&SessionUser>,
    now: DateTime<Utc>,
    events: Vec<TicketEvent>,
) -> ApiResult<Vec<i64>> {
    let author = author.map(Author::from);
    record_and_notify_as(db, settings, ticket, author, None, now, events).await
}

/// [`record_and_notify`] for an author who is not a signed-in caller, and with the summary
/// of a new ticket for the mails announcing it.
pub async fn record_and_notify_as(
    db: &impl ConnectionTrait,
    settings: &Settings,
    ticket: &tickets::Model,
    author: Option<Author<'_>>,
    summary: Option<&Summary<'_>>,
    now: DateTime<Utc>,
    events: Vec<TicketEvent>,
) -> ApiResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(events.len());
    for event in &events {
        ids.push(record_event(db, ticket.id, now, author.map(|a| a.id), event).await?);
    }
    ticket_changed(db, settings, ticket, author, &events, summary, now).await?;
    Ok(ids)
}

/// Appends an entry to a ticket's timeline: the only writer of `ticket_events`.
pub async fn record_event(
    db: &impl ConnectionTrait,
    ticket_id: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    event: &TicketEvent,
) -> ApiResult<i64> {
    let row = ticket_events::ActiveModel {
        ticket_id: Set(ticket_id),
        at: Set(at),
        actor_id: Set(actor_id),
        event: Set(event.name().to_owned()),
        internal: Set(event.is_internal()),
        details: Set(serde_json::Value::Object(event.details()).to_string()),
        ..Default::default()
    };
    // Only the id is read back (SQLite would read the whole row).
    Ok(ticket_events::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}

/// The query string of `GET /tickets`, parsed leniently so that every bad member is named.
pub fn parse_list_query(
    pairs: &HashMap<String, String>,
) -> Result<TicketListQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut query = TicketListQuery::default();
    fn invalid(errors: &mut Vec<FieldError>, field: &str, allowed: &str) {
        errors.push(FieldError::new(
            field,
            "invalid_choice",
            format!("expected {allowed}"),
        ));
    }
    fn choices<T: std::fmt::Display>(all: &[T]) -> String {
        all.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
    for (name, value) in pairs {
        let value = value.trim();
        match name.as_str() {
            "status" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    match TicketStatus::parse(part) {
                        Some(status) => query.status.push(status),
                        None => invalid(&mut errors, "status", &choices(TicketStatus::ALL)),
                    }
                }
            }
            "kind" => match TicketKind::parse(value) {
                Some(kind) => query.kind = Some(kind),
                None => invalid(&mut errors, "kind", &choices(TicketKind::ALL)),
            },
            "scope" => match Scope::parse(value) {
                Some(scope) => query.scope = Some(scope),
                None => invalid(&mut errors, "scope", &choices(Scope::ALL)),
            },
            "sort" => match TicketSort::parse(value) {
                Some(sort) => query.sort = Some(sort),
                None => invalid(&mut errors, "sort", &choices(TicketSort::ALL)),
            },
            "urgency" => match Level::parse(value) {
                Some(level) => query.urgency = Some(level),
                None => invalid(&mut errors, "urgency", &choices(Level::ALL)),
            },
            "q" => query.q = Some(value.to_owned()).filter(|q| !q.is_empty()),
            "cursor" => query.cursor = Some(value.to_owned()).filter(|c| !c.is_empty()),
            "company_id" => match value.parse() {
                Ok(id) => query.company_id = Some(CompanyId(id)),
                Err(_) => errors.push(FieldError::new(
                    "company_id",
                    "invalid_type",
                    "expected a company id",
                )),
            },
            "assignee_id" => match value.parse() {
                Ok(id) => query.assignee_id = Some(UserId(id)),
                Err(_) => errors.push(FieldError::new(
                    "assignee_id",
                    "invalid_type",
                    "expected a user id",
                )),
            },
            "requester_id" => match value.parse() {
                Ok(id) => query.requester_id = Some(UserId(id)),
                Err(_) => errors.push(FieldError::new(
                    "requester_id",
                    "invalid_type",
                    "expected a user id",
                )),
            },
            "priority" => match value.parse::<u8>() {
                Ok(p @ 1..=5) => query.priority = Some(p),
                _ => errors.push(FieldError::new(
                    "priority",
                    "invalid_choice",
                    "expected 1 to 5",
                )),
            },
            // An int64, as the document says; larger limits are clamped rather than refused.
            "limit" => match value.parse::<i64>().map(u64::try_from) {
                Ok(Ok(n)) if n > 0 => query.limit = Some(n.min(LIST_LIMIT_MAX)),
                _ => errors.push(FieldError::new(
                    "limit",
                    "invalid_type",
                    "expected a positive number",
                )),
            },
            other => errors.push(FieldError::new(
                other,
                "unknown_field",
                "this parameter is not known",
            )),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(errors)
    }
}

pub async fn list(
    state: &AppState,
    user: &SessionUser,
    query: TicketListQuery,
) -> ApiResult<TicketPage> {
    let staff = user.is_staff();
    let agent_only = [
        ("company_id", query.company_id.is_some()),
        ("assignee_id", query.assignee_id.is_some()),
        ("urgency", query.urgency.is_some()),
        ("priority", query.priority.is_some()),
    ];
    let refused: Vec<FieldError> = agent_only
        .iter()
        .filter(|(_, given)| *given && !staff)
        .map(|(field, _)| {
            FieldError::new(
                *field,
                "not_allowed",
                "only the support team filters by this",
            )
        })
        .collect();
    if !refused.is_empty() {
        return Err(ApiError::Validation(refused));
    }

    let scope = query
        .scope
        .unwrap_or(if staff { Scope::All } else { Scope::Mine });
    // What the scope shows, within what the user may see.
    let reach = match (scope, user.role, user.company_id) {
        (Scope::Mine, Role::Agent | Role::Admin, _) => Reach::AssignedTo(user.id),
        (Scope::Mine, _, _) => Reach::RequestedOrShared(user.id),
        (Scope::Company, Role::Referent, Some(company)) => Reach::Company(company),
        (Scope::All, Role::Agent | Role::Admin, _) => Reach::Everything,
        _ => {
            return Err(ApiError::Forbidden(format!(
                "the scope {scope} is not open to you"
            )))
        }
    };

    let mut conditions: Vec<SimpleExpr> = Vec::new();
    if !query.status.is_empty() {
        conditions.push(tickets::Column::Status.is_in(query.status.iter().map(|s| s.as_str())));
    }
    if let Some(kind) = query.kind {
        conditions.push(tickets::Column::Kind.eq(kind.as_str()));
    }
    if let Some(company) = query.company_id {
        conditions.push(tickets::Column::CompanyId.eq(company.0));
    }
    if let Some(assignee) = query.assignee_id {
        conditions.push(tickets::Column::AssigneeId.eq(assignee.0));
    }
    // Within the scope's reach: another company's requester finds nothing.
    if let Some(requester) = query.requester_id {
        conditions.push(tickets::Column::RequesterId.eq(requester.0));
    }
    if let Some(urgency) = query.urgency {
        conditions.push(tickets::Column::Urgency.eq(urgency.as_str()));
    }
    if let Some(priority) = query.priority {
        conditions.push(tickets::Column::Priority.eq(i16::from(priority)));
    }
    // A ticket number (pasted from a mail's subject) finds that ticket, not words like it.
    let number = query.q.as_deref().and_then(TicketNumber::in_query);
    let words = match &number {
        Some(number) => {
            conditions.push(tickets::Column::Number.eq(number.as_str()));
            None
        }
        None => query.q.as_deref().and_then(search::query_words),
    };
    let sort = query.sort.unwrap_or_default();
    let after = match query.cursor.as_deref() {
        None => None,
        Some(text) => Some(Cursor::decode(text, sort).ok_or_else(|| {
            ApiError::field(
                "cursor",
                "invalid",
                "this cursor is not valid for this list",
            )
        })?),
    };
    let filter = ListFilter {
        reach,
        conditions,
        sort,
        after,
        limit: query
            .limit
            .unwrap_or(LIST_LIMIT_DEFAULT)
            .clamp(1, LIST_LIMIT_MAX),
        search: words,
        search_walk: state.settings.search_walk,
    };
    let (rows, next) = queries::list(&state.db, filter).await?;
    Ok(TicketPage {
        items: queries::to_resources(&state.db, &state.categories, rows, user.locale).await?,
        next_cursor: next.map(|c| c.encode()),
    })
}

/// The ticket's history, oldest first; customers get its public part only.
pub async fn timeline(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<Vec<TimelineEntry>> {
    let ticket_id = queries::find_visible_id(&state.db, user, number)
        .await?
        .ok_or(ApiError::NotFound)?;
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
        ])
        .column_as(users::Column::FirstName, "actor_first_name")
        .column_as(users::Column::LastName, "actor_last_name")
        .column_as(users::Column::Email, "actor_email")
        .column_as(users::Column::Role, "actor_role")
        .join(JoinType::LeftJoin, actor)
        .filter(ticket_events::Column::TicketId.eq(ticket_id));
    if !user.is_staff() {
        query = query.filter(ticket_events::Column::Internal.eq(false));
    }
    let rows = query
        .order_by_asc(ticket_events::Column::Id)
        .into_model::<EntryRow>()
        .all(&state.db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let actor = row.actor_id.zip(row.actor_email).map(|(id, email)| Actor {
                id: UserId(id),
                name: person_name(
                    row.actor_first_name.as_deref().unwrap_or_default(),
                    row.actor_last_name.as_deref().unwrap_or_default(),
                    &email,
                ),
                role: row
                    .actor_role
                    .as_deref()
                    .and_then(Role::parse)
                    .unwrap_or_default(),
            });
            entry(row.id, row.at, actor, &row.event, &row.details)
        })
        .collect()
}

/// A timeline entry with its actor's name, as [`timeline`] reads it.
#[derive(FromQueryResult)]
struct EntryRow {
    id: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    event: String,
    details: String,
    actor_first_name: Option<String>,
    actor_last_name: Option<String>,
    actor_email: Option<String>,
    actor_role: Option<String>,
}

/// Timeline entries of `events`, their actors loaded in one query.
pub async fn to_entries(
    db: &impl ConnectionTrait,
    events: Vec<ticket_events::Model>,
) -> ApiResult<Vec<TimelineEntry>> {
    let actor_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
    let actors: HashMap<i64, users::Model> = users::Entity::find()
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
                    id: UserId(u.id),
                    name: display_name(u),
                    role: Role::parse(&u.role).unwrap_or_default(),
                });
            entry(event.id, event.at, actor, &event.event, &event.details)
        })
        .collect()
}

/// A row of `ticket_events` as the API shows it. A row that does not read as a
/// [`TicketEvent`] fails the answer (and is logged with its id) rather than vanish from
/// the history.
fn entry(
    id: i64,
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
        id: EventId(id),
        at,
        actor,
        event,
    })
}
