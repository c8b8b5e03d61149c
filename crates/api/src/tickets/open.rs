//! Opening a ticket: checked input ([`create`]), then [`open`], the one writer of new
//! tickets, which every way in (the API, a mail, the lost-account form) ends at.
use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::{
    priority, AssetId, CategoryId, Channel, CompanyId, FieldError, Level, NewTicket, Permission,
    Ticket, TicketEvent, TicketKind, TicketStatus, UserId,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TryIntoModel};

use super::queries;
use super::requester::{self, Chosen};
use super::timeline::{attachment_info, record_and_notify_as};
use super::{number, search};
use crate::audit::Actor;
use crate::auth::extractor::display_name;
use crate::auth::SessionUser;
use crate::contracts::coverage;
use crate::entities::{assets, attachments, inbound_mails, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Made};
use crate::notifications::templates::Summary;
use crate::notifications::ticket_mail::Author;
use crate::people::accounts::{self, unusable_password, Creation};
use crate::state::AppState;

/// Opens a ticket for the caller, or, when an agent opens it on a customer's behalf, for
/// `requester_id` or the caller `requester` (see [`requester`]). The ticket and its
/// `created` event are written together, with the caller's new account if any.
pub async fn create(state: &AppState, user: &SessionUser, input: NewTicket) -> ApiResult<Ticket> {
    let db = &state.db;
    let mut errors = Vec::new();

    let requester = requester::choose(db, user, &input, &mut errors).await?;

    // A customer opens tickets only under a contract valid today, in the categories it
    // covers (403 `no_valid_contract`, 422 on `category_id`); an agent opening a ticket for
    // a customer is not held to it.
    let customers_company = requester
        .as_ref()
        .and_then(Chosen::company_id)
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

    let company_id = requester.as_ref().and_then(Chosen::company_id);
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
        .unwrap_or(requester.email())
        .to_owned();
    let requester = match requester {
        Chosen::Account(account) => Requester::Existing(account.id),
        Chosen::Caller { account, invite } => Requester::New(Box::new(Creation {
            account,
            unusable_password: unusable_password(&state.passwords).await?,
            invite,
            actor: Actor::from(user),
        })),
    };
    let opening = Opening {
        kind: input.kind,
        category_id: input.category_id,
        urgency,
        title: input.title,
        description: input.description,
        asset_id: input.asset_id,
        requester,
        company_id,
        notify: input.notify.unwrap_or(true),
        notify_email,
        channel: requester::channel(user, input.channel),
    };
    let new_caller = matches!(opening.requester, Requester::New(_));
    // A caller's address that got an account since it was looked up: named as sent.
    let row = open(
        state,
        opening,
        Some(Author::from(user)),
        FromMail::default(),
    )
    .await
    .map_err(|error| match error {
        ApiError::Taken("email") if new_caller => ApiError::Taken("requester.email"),
        other => other,
    })?;

    queries::resource(db, &categories, row.id, user.locale)
        .await?
        .ok_or_else(|| ApiError::internal("created ticket vanished"))
}

/// The ticket a creation made, as it is now: the answer to a retry of a creation whose
/// instance died before answering.
pub async fn created(state: &AppState, user: &SessionUser, made: Made) -> ApiResult<Ticket> {
    let Made::Ticket(id) = made else {
        return Err(ApiError::internal("a ticket creation's key made no ticket"));
    };
    let categories = state.categories.get(&state.db).await?;
    queries::resource(&state.db, &categories, id, user.locale)
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
    pub requester: Requester,
    pub company_id: CompanyId,
    pub notify: bool,
    pub notify_email: String,
    pub channel: Channel,
}

/// Who a new ticket is for.
pub enum Requester {
    Existing(UserId),
    /// Someone without an account: it is made in the ticket's transaction.
    New(Box<Creation>),
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

/// Writes a new ticket in one transaction: its requester's account if new, its number, the
/// row, its `created` event (who opened it for whom, by which channel), what came with it by
/// mail, and the mails announcing it. `opener` is who opened it; `None`, the requester.
/// Every way of opening a ticket ends here.
pub async fn open(
    state: &AppState,
    opening: Opening,
    opener: Option<Author<'_>>,
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
    let (requester_id, new_account) = match &opening.requester {
        Requester::Existing(id) => (*id, None),
        Requester::New(creation) => {
            let account = accounts::create(&txn, &state.settings, creation, now).await?;
            (account.id, Some(account))
        }
    };
    // Whoever wrote it without signing in is its author: they get the acknowledgement.
    let own_account;
    let own_name;
    let author = match opener {
        Some(author) => author,
        None => {
            own_account = match new_account {
                Some(account) => account,
                None => users::Entity::find_by_id(requester_id)
                    .one(&txn)
                    .await?
                    .ok_or_else(|| ApiError::internal("the requester vanished"))?,
            };
            own_name = display_name(&own_account);
            Author {
                id: own_account.id,
                name: &own_name,
                email: &own_account.email,
                is_staff: false,
                role: own_account.role,
                assisted: None,
            }
        }
    };
    let created = TicketEvent::Created {
        status: TicketStatus::New,
        on_behalf_of: (requester_id != author.id).then_some(requester_id),
        by_mail: (opening.channel == Channel::Mail).then_some(true),
        channel: Some(opening.channel),
    };
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
        requester_id: Set(requester_id),
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
    record_and_notify_as(&txn, state, &row, Some(author), Some(&summary), now, events).await?;
    idempotency::settle(&txn, Made::Ticket(row.id)).await?;
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
            role: user.role,
            assisted: user.assisted.as_ref(),
        }
    }
}
