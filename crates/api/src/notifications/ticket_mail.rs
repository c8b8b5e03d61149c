//! Who is told of a ticket's change, and what they are told.
//!
//! Recipients: the requester (at the notification address, unless they turned mails off),
//! the watchers, the assignee, and the support address for new tickets and customer
//! messages on unassigned tickets. Never the author of the change, except the requester's
//! acknowledgement of a new ticket. Internal notes reach the support team only.
use chrono::{DateTime, Utc};
use guichet_types::{assisted_name, Locale, Role, TicketEvent, UserId};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationDef,
};

use super::outbox::{self, mail_host, OutgoingMail};
use super::reply_address;
use super::templates::{self, event_lines, summary_lines, Line, Summary};
use crate::auth::extractor::Assistance;
use crate::config::Settings;
use crate::entities::{ticket_watchers, tickets, users};
use crate::error::ApiResult;

/// Who made a change; `None` for the system (auto-close).
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub id: UserId,
    pub name: &'a str,
    pub email: &'a str,
    pub is_staff: bool,
    pub role: Role,
    /// The agent of an assisted session acting as this author (a customer).
    pub assisted: Option<&'a Assistance>,
}

impl Author<'_> {
    /// The name the mails give the author in `locale`: "Agnès Support pour Claire Martin"
    /// in an assisted session.
    pub fn name_in(&self, locale: Locale) -> String {
        match self.assisted {
            Some(assistance) => assisted_name(&assistance.agent.name, self.name, locale),
            None => self.name.to_owned(),
        }
    }
}

/// What an event means for the mails of its change.
#[derive(Debug, Clone, Copy, Default)]
struct Bearing {
    /// A new ticket: the support address hears of it, the requester gets an acknowledgement.
    opens: bool,
    /// A public message, which the support address hears of when nobody has the ticket.
    message: bool,
    /// The mails lead to the box where the solution is approved.
    proposes_solution: bool,
    /// The requester is invited to rate the service.
    closes: bool,
}

/// Every event is weighed here: a new variant does not compile until it is.
fn bearing(event: &TicketEvent) -> Bearing {
    let none = Bearing::default();
    match event {
        TicketEvent::Created { .. } => Bearing {
            opens: true,
            ..none
        },
        TicketEvent::Followup { .. } => Bearing {
            message: true,
            ..none
        },
        TicketEvent::SolutionProposed { .. } => Bearing {
            proposes_solution: true,
            ..none
        },
        // After any closing, withdrawal included.
        TicketEvent::SolutionApproved { .. }
        | TicketEvent::AutoClosed { .. }
        | TicketEvent::Withdrawn { .. } => Bearing {
            closes: true,
            ..none
        },
        TicketEvent::InternalNote { .. }
        | TicketEvent::AttachmentAdded { .. }
        | TicketEvent::StatusChanged { .. }
        | TicketEvent::Assigned { .. }
        | TicketEvent::CategoryChanged { .. }
        | TicketEvent::ImpactChanged { .. }
        | TicketEvent::SolutionRejected { .. }
        | TicketEvent::Reopened { .. }
        | TicketEvent::Shared { .. }
        | TicketEvent::Unshared { .. }
        | TicketEvent::Rated { .. } => none,
    }
}

struct Recipient {
    email: String,
    locale: Locale,
    is_requester: bool,
}

/// Writes the mails announcing `events` (in order) on `ticket` to the outbox, in the
/// caller's transaction: one mail per recipient, telling every event of the change.
/// `summary` (a new ticket's) is added to the mails announcing its creation.
pub async fn ticket_changed(
    db: &impl ConnectionTrait,
    settings: &Settings,
    ticket: &tickets::Model,
    author: Option<Author<'_>>,
    events: &[TicketEvent],
    summary: Option<&Summary<'_>>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let has = |of: fn(Bearing) -> bool| events.iter().map(bearing).any(of);
    let opens = has(|b| b.opens);
    let internal_only = events.iter().all(TicketEvent::is_internal);
    let customer_message = author.is_some_and(|a| !a.is_staff) && has(|b| b.message);

    let people = users::Entity::find()
        .filter(
            users::Column::Id.is_in(
                [Some(ticket.requester_id), ticket.assignee_id]
                    .into_iter()
                    .flatten(),
            ),
        )
        .all(db)
        .await?;
    // A service account has no mailbox: it follows its tickets through the API.
    let requester = people
        .iter()
        .find(|u| u.id == ticket.requester_id && !u.service_account);
    let assignee = ticket
        .assignee_id
        .and_then(|id| people.iter().find(|u| u.id == id));
    // Each watcher's address with the language of the account that has it, if any.
    let account: RelationDef = ticket_watchers::Entity::belongs_to(users::Entity)
        .from(ticket_watchers::Column::Email)
        .to(users::Column::Email)
        .into();
    let watchers: Vec<(String, Option<String>)> = ticket_watchers::Entity::find()
        .select_only()
        .column(ticket_watchers::Column::Email)
        .column(users::Column::Locale)
        .join(JoinType::LeftJoin, account)
        .filter(ticket_watchers::Column::TicketId.eq(ticket.id))
        .order_by_asc(ticket_watchers::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let locale_of = |user: &users::Model| user.locale;

    let mut recipients: Vec<Recipient> = Vec::new();
    if !internal_only {
        if let (true, Some(requester)) = (ticket.notify, requester) {
            recipients.push(Recipient {
                email: ticket.notify_email.clone(),
                locale: locale_of(requester),
                is_requester: true,
            });
        }
        for (email, locale) in watchers {
            recipients.push(Recipient {
                email,
                locale: locale
                    .as_deref()
                    .and_then(Locale::parse)
                    .unwrap_or_default(),
                is_requester: false,
            });
        }
    }
    if let Some(assignee) = assignee {
        recipients.push(Recipient {
            email: assignee.email.clone(),
            locale: locale_of(assignee),
            is_requester: false,
        });
    }
    let unassigned = assignee.is_none();
    if opens || (unassigned && (customer_message || internal_only)) {
        recipients.push(Recipient {
            email: settings.support_email.clone(),
            locale: Locale::Fr,
            is_requester: false,
        });
    }

    let author_email = author.map(|a| a.email.to_lowercase());
    let author_is_requester = author.is_some_and(|a| a.id == ticket.requester_id);
    let mut told: Vec<String> = Vec::new();
    let mut mails: Vec<OutgoingMail> = Vec::new();
    let link = format!("{}/tickets/{}", settings.public_url, ticket.number);
    // A proposed solution's mail leads straight to the box where it is approved.
    let solution_link = format!("{link}#solution");
    let thread = Some(format!(
        "<{}@{}>",
        ticket.number,
        mail_host(&settings.public_url)
    ));
    for recipient in recipients {
        let address = recipient.email.to_lowercase();
        let acknowledgement = recipient.is_requester && author_is_requester && opens;
        let is_author = author_email.as_deref() == Some(address.as_str())
            || (recipient.is_requester && author_is_requester);
        if told.contains(&address) || (is_author && !acknowledgement) {
            continue;
        }
        let name = author
            .map(|a| a.name_in(recipient.locale))
            .unwrap_or_default();
        let mut lines: Vec<Line> = events
            .iter()
            .filter_map(|event| {
                event_lines(
                    event,
                    &name,
                    &ticket.number,
                    recipient.locale,
                    acknowledgement,
                )
            })
            .flatten()
            .collect();
        if lines.is_empty() {
            continue;
        }
        if let (true, Some(summary)) = (opens, summary) {
            lines.extend(summary_lines(summary, recipient.locale));
        }
        // Replying to the mail writes a follow-up on the ticket as this recipient.
        let reply_to = reply_address::for_recipient(settings, &ticket.number, &recipient.email);
        if reply_to.is_some() {
            lines.push(templates::reply_hint(recipient.locale));
        }
        let mail = templates::render(
            recipient.locale,
            &ticket.number,
            &ticket.title,
            &lines,
            if has(|b| b.proposes_solution) {
                &solution_link
            } else {
                &link
            },
        );
        mails.push(OutgoingMail {
            to: recipient.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            thread_id: thread.clone(),
            reply_to,
        });
        told.push(address);
    }

    // After any closing, the requester is invited to rate the service.
    if let (true, Some(requester)) = (has(|b| b.closes), requester) {
        let locale = locale_of(requester);
        let mail = templates::rating_invitation(locale, &ticket.number, &ticket.title, &link);
        let to = if ticket.notify {
            ticket.notify_email.clone()
        } else {
            requester.email.clone()
        };
        mails.push(OutgoingMail {
            to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            thread_id: thread,
            reply_to: None,
        });
    }
    outbox::enqueue_all(db, &settings.public_url, mails, now).await
}
