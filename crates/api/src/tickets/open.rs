//! Opening a ticket: checked input ([`create`]), then [`open`], the one writer of new
//! tickets, which every way in (the API, a mail, the lost-account form) ends at.
use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::{
    priority, AssetId, CategoryId, CompanyId, FieldError, Level, NewTicket, Permission, Ticket,
    TicketEvent, TicketKind, TicketStatus, UserId,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TryIntoModel};

use super::queries;
use super::timeline::{attachment_info, record_and_notify_as};
use super::{number, search};
use crate::auth::SessionUser;
use crate::contracts::coverage;
use crate::entities::{assets, attachments, inbound_mails, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::templates::Summary;
use crate::notifications::ticket_mail::Author;
use crate::state::AppState;

/// Opens a ticket for the caller, or for `requester_id` when an agent opens it on a
/// customer's behalf. The ticket and its `created` event are written together.
pub async fn create(state: &AppState, user: &SessionUser, input: NewTicket) -> ApiResult<Ticket> {
    let db = &state.db;
    let mut errors = Vec::new();

    let requester = match (
        user.can(Permission::TicketsCreateForCustomer),
        input.requester_id,
    ) {
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
            let found = users::Entity::find_by_id(id)
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

    // A customer opens tickets only under a contract valid today, in the categories it
    // covers (403 `no_valid_contract`, 422 on `category_id`); an agent opening a ticket for
    // a customer is not held to it.
    let customers_company = requester
        .as_ref()
        .and_then(|r| r.company_id)
        .filter(|_| !user.can(Permission::TicketsCreateForCustomer));
    let coverage = match customers_company {
        Some(company) => Some(coverage::required(state, company).await?),
        None => None,
    };

    let categories = state.categories.with(db, [input.category_id]).await?;
    match categories.get(input.category_id) {
        None => errors.push(FieldError::new(
            "category_id",
            "not_found",
            "no category has this id",
        )),
        Some(category) => {
            // Retired, or the server's own (the lost-account intake) offered to a customer.
            let offered = categories.offered(category.id)
                && (category.system_key.is_none() || user.can(Permission::TicketsWork));
            if !offered {
                errors.push(FieldError::new(
                    "category_id",
                    "not_offered",
                    "this category is not offered for new tickets",
                ));
            } else if category.kind.is_some_and(|kind| kind != input.kind) {
                errors.push(FieldError::new(
                    "category_id",
                    "kind_mismatch",
                    "this category is for the other kind of ticket",
                ));
            } else if coverage.as_ref().is_some_and(|coverage| {
                !coverage.admits(category.id, |id| {
                    categories.get(id).and_then(|c| c.parent_id)
                })
            }) {
                errors.push(FieldError::new(
                    "category_id",
                    "not_covered",
                    "your company's contract does not cover this category",
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
        let asset = assets::Entity::find_by_id(asset_id).one(db).await?;
        if asset.is_none_or(|a| a.company_id != company_id || !a.active) {
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
        category_id: input.category_id,
        urgency,
        title: input.title,
        description: input.description,
        asset_id: input.asset_id,
        requester_id: requester.id,
        company_id,
        notify: input.notify.unwrap_or(true),
        notify_email,
    };
    let created = TicketEvent::Created {
        status: TicketStatus::New,
        on_behalf_of: (requester.id != user.id).then_some(requester.id),
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

    queries::resource(db, &categories, row.id, user.locale)
        .await?
        .ok_or_else(|| ApiError::internal("created ticket vanished"))
}

/// A new ticket whose fields are checked, as [`open`] writes it.
pub struct Opening {
    pub kind: TicketKind,
    pub category_id: CategoryId,
    pub urgency: Level,
    pub title: String,
    pub description: String,
    pub asset_id: Option<AssetId>,
    pub requester_id: UserId,
    pub company_id: CompanyId,
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
        let attachment = attachment_info(file.insert(db).await?);
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
        kind: Set(opening.kind),
        status: Set(TicketStatus::New),
        urgency: Set(opening.urgency),
        impact: Set(impact),
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
    state.commit(txn).await?;
    Ok(row)
}

impl<'a> From<&'a SessionUser> for Author<'a> {
    fn from(user: &'a SessionUser) -> Self {
        Author {
            id: user.id,
            name: &user.name,
            email: &user.email,
            is_staff: user.can(Permission::TicketsWork),
        }
    }
}
