//! Turning one received mail into a follow-up, a new ticket, or a rejected mail.
//!
//! - A mail to a signed ticket address (see `notifications::reply_address`) from the very
//!   recipient it was made for, who may still see the ticket, becomes a follow-up by them,
//!   with its attachments and without its quoted history.
//! - A mail to the support address from a known customer opens a ticket for them, if
//!   their company has a contract valid today.
//! - Anything else (unsigned, forged or mismatched address, unknown sender, closed ticket,
//!   automatic reply…) creates nothing and is kept whole in `rejected_mails`.
//!
//! The Message-ID is recorded in the transaction that writes the follow-up, so the same
//! mail delivered twice is added once.
use actix_web::web::Bytes;
use chrono::{SubsecRound, Utc};
use guichet_types::{
    Channel, InboundOutcome, InboundResult, Level, Permission, RejectReason, TicketKind,
    TicketNumber, UserId,
};
use mail_parser::{Message, MessageParser, MimeHeaders};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use super::quoted;
use crate::attachments::service as files;
use crate::auth::password::LOCKED_HASH;
use crate::auth::SessionUser;
use crate::contracts::coverage::{today, CompanyContracts};
use crate::entities::{attachments, categories, inbound_mails, rejected_mails, tickets, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::reply_address;
use crate::notifications::ticket_mail::Author;
use crate::state::AppState;
use crate::tickets::actions::add_mail_reply;
use crate::tickets::open::{self as ticket_open, FromMail, Opening, Requester};
use crate::tickets::visibility::{find_visible, Lock};

/// The largest mail taken: room for several attachments at the default size limit.
pub const INBOUND_MAX_BYTES: usize = 25 * 1024 * 1024;
/// What is kept of a mail too large to take.
const KEPT_OF_TOO_LARGE: usize = 64 * 1024;
const BODY_MAX_CHARS: usize = 20_000;
const TITLE_MAX_CHARS: usize = 200;

/// What a mail turned into, before it is answered.
enum Verdict {
    Done(InboundOutcome, TicketNumber),
    Rejected(RejectReason),
}

/// Takes one raw RFC 5322 message.
pub async fn ingest(state: &AppState, raw: &[u8]) -> ApiResult<InboundResult> {
    if raw.len() > INBOUND_MAX_BYTES {
        let kept = &raw[..KEPT_OF_TOO_LARGE];
        return reject(state, kept, None, RejectReason::TooLarge).await;
    }
    let Some(message) = MessageParser::default().parse(raw) else {
        return reject(state, raw, None, RejectReason::Unreadable).await;
    };
    let message_id = message_id(&message, raw);
    if let Some(number) = already_taken(state, &message_id).await? {
        return Ok(done(InboundOutcome::Duplicate, number));
    }
    let verdict = match decide(state, &message, &message_id).await {
        Ok(verdict) => verdict,
        // Two deliveries of one mail at once: the second one's insert failed.
        Err(error) => match already_taken(state, &message_id).await? {
            Some(number) => Verdict::Done(InboundOutcome::Duplicate, number),
            None => return Err(error),
        },
    };
    match verdict {
        Verdict::Done(outcome, number) => Ok(done(outcome, number)),
        Verdict::Rejected(reason) => reject(state, raw, Some(&message), reason).await,
    }
}

fn done(outcome: InboundOutcome, number: TicketNumber) -> InboundResult {
    InboundResult {
        outcome,
        ticket: Some(number),
        reason: None,
    }
}

/// The mail's Message-ID, or for a mail without one a digest of its bytes (a second
/// delivery of it is byte for byte the same).
fn message_id(message: &Message, raw: &[u8]) -> String {
    match message.message_id() {
        Some(id) if !id.trim().is_empty() => format!("<{}>", id.trim()),
        _ => {
            let digest = Sha256::digest(raw);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("<sha256.{hex}@guichet.invalid>")
        }
    }
}

async fn already_taken(state: &AppState, message_id: &str) -> ApiResult<Option<TicketNumber>> {
    let Some(seen) = inbound_mails::Entity::find()
        .filter(inbound_mails::Column::MessageId.eq(message_id))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let ticket = tickets::Entity::find_by_id(seen.ticket_id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(TicketNumber::try_from(ticket.number).ok())
}

fn sender(message: &Message) -> Option<String> {
    let address = message.from()?.first()?.address()?.trim().to_lowercase();
    guichet_types::is_valid_email(&address).then_some(address)
}

/// Every address the mail was sent to: `To`, `Cc`, and the envelope recipient that MTAs
/// record in `Delivered-To` or `X-Original-To`.
fn recipients(message: &Message) -> Vec<String> {
    let mut all: Vec<String> = message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(|list| list.iter())
        .filter_map(|addr| addr.address())
        .map(|a| a.trim().to_lowercase())
        .collect();
    for header in ["Delivered-To", "X-Original-To"] {
        if let Some(value) = message.header_raw(header) {
            let value = value.trim().trim_matches(['<', '>']).to_lowercase();
            if !value.is_empty() {
                all.push(value);
            }
        }
    }
    all.dedup();
    all
}

/// Automatic replies and bulk mail would loop with our own notifications.
fn is_automatic(message: &Message, state: &AppState, sender: &str) -> bool {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let auto_submitted = header("Auto-Submitted");
    let precedence = header("Precedence");
    let ours = |address: &str| {
        address
            .rsplit('<')
            .next()
            .unwrap_or(address)
            .trim_end_matches('>')
            == sender
    };
    (!auto_submitted.is_empty() && auto_submitted != "no")
        || matches!(precedence.as_str(), "bulk" | "junk" | "list")
        || ours(&state.settings.mail_from.to_lowercase())
        || ours(&state.settings.support_email.to_lowercase())
}

async fn decide(state: &AppState, message: &Message<'_>, message_id: &str) -> ApiResult<Verdict> {
    let Some(sender) = sender(message) else {
        return Ok(Verdict::Rejected(RejectReason::UnknownSender));
    };
    if is_automatic(message, state, &sender) {
        return Ok(Verdict::Rejected(RejectReason::AutoReply));
    }
    let recipients = recipients(message);
    let support = state.settings.support_email.trim().to_lowercase();
    let tagged = recipients
        .iter()
        .find_map(|address| reply_address::parse(&state.settings, address));
    match tagged {
        Some(tagged) => {
            if !reply_address::verify(&state.settings, &tagged, &sender) {
                return Ok(Verdict::Rejected(RejectReason::BadSignature));
            }
            reply(state, message, message_id, &tagged.number, &sender).await
        }
        None if recipients.contains(&support) => {
            new_ticket(state, message, message_id, &sender).await
        }
        None => Ok(Verdict::Rejected(RejectReason::UnknownRecipient)),
    }
}

/// The account behind `sender` on `ticket`: theirs, or the requester's when it is the
/// ticket's notification address.
async fn author(
    state: &AppState,
    sender: &str,
    ticket: Option<&tickets::Model>,
) -> ApiResult<Option<SessionUser>> {
    // Locked accounts (the lost-account intake) never act.
    let mut account = users::Entity::find()
        .filter(users::Column::Email.eq(sender))
        .filter(users::Column::PasswordHash.ne(LOCKED_HASH))
        .one(&state.db)
        .await?;
    if let (None, Some(ticket)) = (&account, ticket) {
        if ticket.notify_email.trim().to_lowercase() == sender {
            account = users::Entity::find_by_id(ticket.requester_id)
                .one(&state.db)
                .await?;
        }
    }
    account.map(|a| SessionUser::of_account(a, 0)).transpose()
}

/// The new text of the mail, `None` when it says nothing new; `Err` when it is too long.
fn new_text(message: &Message) -> Result<Option<String>, RejectReason> {
    let body = message.body_text(0).unwrap_or_default();
    let text = quoted::strip(&body);
    if text.chars().count() > BODY_MAX_CHARS {
        return Err(RejectReason::TooLarge);
    }
    Ok((!text.is_empty()).then_some(text))
}

/// Stores the mail's attachments; nothing stays stored if one of them is refused.
async fn store_files(
    state: &AppState,
    message: &Message<'_>,
    uploader: UserId,
) -> ApiResult<Result<Vec<attachments::ActiveModel>, RejectReason>> {
    let mut stored = Vec::new();
    for part in message.attachments() {
        let name = part.attachment_name().unwrap_or("attachment");
        let bytes = Bytes::copy_from_slice(part.contents());
        let body = futures_util::stream::once(async move { Ok(bytes) });
        match files::store(state, uploader, name, body).await {
            Ok(row) => stored.push(row),
            Err(error) => {
                forget_all(state, &stored).await;
                return match error {
                    ApiError::PayloadTooLarge { .. } => Ok(Err(RejectReason::AttachmentTooLarge)),
                    other => Err(other),
                };
            }
        }
    }
    Ok(Ok(stored))
}

async fn forget_all(state: &AppState, stored: &[attachments::ActiveModel]) {
    for row in stored {
        files::forget(&state.storage, row).await;
    }
}

async fn reply(
    state: &AppState,
    message: &Message<'_>,
    message_id: &str,
    number: &str,
    sender: &str,
) -> ApiResult<Verdict> {
    let Ok(number) = TicketNumber::try_from(number.to_owned()) else {
        return Ok(Verdict::Rejected(RejectReason::BadSignature));
    };
    let ticket = tickets::Entity::find()
        .filter(tickets::Column::Number.eq(number.as_str()))
        .one(&state.db)
        .await?;
    let Some(user) = author(state, sender, ticket.as_ref()).await? else {
        return Ok(Verdict::Rejected(RejectReason::UnknownSender));
    };
    match find_visible(&state.db, &user, &number, Lock::No).await {
        Ok(_) => {}
        Err(ApiError::NotFound) => return Ok(Verdict::Rejected(RejectReason::NotAllowed)),
        Err(error) => return Err(error),
    }
    let text = match new_text(message) {
        Ok(text) => text,
        Err(reason) => return Ok(Verdict::Rejected(reason)),
    };
    let stored = match store_files(state, message, user.id).await? {
        Ok(stored) => stored,
        Err(reason) => return Ok(Verdict::Rejected(reason)),
    };
    if text.is_none() && stored.is_empty() {
        return Ok(Verdict::Rejected(RejectReason::Empty));
    }
    let written = add_mail_reply(
        state,
        &user,
        &number,
        text,
        stored.clone(),
        message_id.to_owned(),
    )
    .await;
    match written {
        Ok(()) => Ok(Verdict::Done(InboundOutcome::Followup, number)),
        Err(error) => {
            forget_all(state, &stored).await;
            match error {
                ApiError::InvalidTransition(_) => Ok(Verdict::Rejected(RejectReason::TicketClosed)),
                ApiError::NotFound => Ok(Verdict::Rejected(RejectReason::NotAllowed)),
                other => Err(other),
            }
        }
    }
}

/// The category of tickets opened by mail: the first top-level one for requests (or for
/// any kind), other than the lost-account intake's unless it is the only one.
async fn mail_category(state: &AppState) -> ApiResult<Option<categories::Model>> {
    let candidates = categories::Entity::find()
        .filter(categories::Column::ParentId.is_null())
        .filter(
            Condition::any()
                .add(categories::Column::Kind.is_null())
                .add(categories::Column::Kind.eq(TicketKind::Request.as_str())),
        )
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(&state.db)
        .await?;
    let preferred = candidates
        .iter()
        .position(|c| c.system_key.as_deref() != Some(guichet_migrations::LOST_ACCOUNT_INTAKE))
        .unwrap_or(0);
    Ok(candidates.into_iter().nth(preferred))
}

async fn new_ticket(
    state: &AppState,
    message: &Message<'_>,
    message_id: &str,
    sender: &str,
) -> ApiResult<Verdict> {
    let Some(user) = author(state, sender, None).await? else {
        return Ok(Verdict::Rejected(RejectReason::UnknownSender));
    };
    let Some(company_id) = user
        .company_id
        .filter(|_| !user.can(Permission::TicketsWork))
    else {
        return Ok(Verdict::Rejected(RejectReason::NotAllowed));
    };
    // As on the portal, a customer opens tickets only under a contract valid today. The
    // mail's category is the provider's choice, not the customer's: coverage is not asked.
    let contracts = CompanyContracts::load(&state.db, company_id).await?;
    if !contracts.any_valid_on(today(&state.settings)) {
        return Ok(Verdict::Rejected(RejectReason::NoValidContract));
    }
    let Some(category) = mail_category(state).await? else {
        return Ok(Verdict::Rejected(RejectReason::NoCategory));
    };
    let text = match new_text(message) {
        Ok(text) => text,
        Err(reason) => return Ok(Verdict::Rejected(reason)),
    };
    let subject: String = message
        .subject()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(TITLE_MAX_CHARS)
        .collect();
    let (title, description) = match (subject.is_empty(), text) {
        (true, None) => return Ok(Verdict::Rejected(RejectReason::Empty)),
        (false, None) => (subject.clone(), subject),
        (true, Some(text)) => (first_line(&text), text),
        (false, Some(text)) => (subject, text),
    };
    let stored = match store_files(state, message, user.id).await? {
        Ok(stored) => stored,
        Err(reason) => return Ok(Verdict::Rejected(reason)),
    };
    let opening = Opening {
        kind: category.kind.unwrap_or(TicketKind::Request),
        category_id: category.id,
        urgency: Level::Medium,
        title,
        description,
        asset_id: None,
        requester: Requester::Existing(user.id),
        company_id,
        notify: true,
        notify_email: sender.to_owned(),
        channel: Channel::Mail,
    };
    // The ticket, its files and the Message-ID in one transaction.
    let from_mail = FromMail {
        files: stored.clone(),
        message_id: Some(message_id.to_owned()),
    };
    match ticket_open::open(state, opening, Some(Author::from(&user)), from_mail).await {
        Ok(ticket) => {
            let number = TicketNumber::try_from(ticket.number)
                .map_err(|_| ApiError::internal("malformed ticket number"))?;
            Ok(Verdict::Done(InboundOutcome::Ticket, number))
        }
        Err(error) => {
            forget_all(state, &stored).await;
            Err(error)
        }
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .chars()
        .take(TITLE_MAX_CHARS)
        .collect()
}

/// Keeps the mail for the support team and says why it created nothing.
async fn reject(
    state: &AppState,
    raw: &[u8],
    message: Option<&Message<'_>>,
    reason: RejectReason,
) -> ApiResult<InboundResult> {
    let header = |value: Option<String>| value.unwrap_or_default();
    let sender = header(message.and_then(|m| {
        m.from()
            .and_then(|f| f.first())
            .and_then(|a| a.address())
            .map(str::to_owned)
    }));
    let recipients = message.map(recipients).unwrap_or_default().join(", ");
    let subject = header(message.and_then(|m| m.subject().map(str::to_owned)));
    let message_id = header(message.and_then(|m| m.message_id().map(|id| format!("<{id}>"))));
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    rejected_mails::ActiveModel {
        message_id: Set(message_id),
        sender: Set(sender),
        recipients: Set(recipients),
        subject: Set(subject),
        reason: Set(reason),
        raw: Set(raw.to_vec()),
        received_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    state.commit(txn).await?;
    tracing::info!(reason = reason.as_str(), "mail rejected");
    Ok(InboundResult {
        outcome: InboundOutcome::Rejected,
        ticket: None,
        reason: Some(reason),
    })
}
