//! The transactional outbox. A mail is a row written with the change it announces, with the
//! `deliver_mail` job that sends it, so a change is never committed without its mails, nor a
//! mail sent for a change rolled back.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use crate::entities::outbox_messages;
use crate::error::{ApiError, ApiResult};
use crate::jobs::kind::JobKind;
use crate::jobs::queue;

/// The payload of a `deliver_mail` job: the message to send, by its Message-ID.
#[derive(Debug, Serialize, Deserialize)]
pub struct MailJob {
    pub message_id: String,
}

/// A mail to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Threads the mail: the Message-ID it answers (In-Reply-To and References).
    pub thread_id: Option<String>,
    pub reply_to: Option<String>,
}

/// `<unique@host>`, the host taken from the public URL.
pub fn new_message_id(public_url: &str) -> String {
    format!(
        "<{}@{}>",
        uuid::Uuid::new_v4().simple(),
        mail_host(public_url)
    )
}

/// The host part of the public URL, for Message-IDs.
pub fn mail_host(public_url: &str) -> String {
    let rest = public_url.split("://").nth(1).unwrap_or(public_url);
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if host.is_empty() {
        "guichet.invalid".to_owned()
    } else {
        host.to_owned()
    }
}

/// Whether mail to `address` can arrive: the reserved `.invalid` domain (RFC 2606) never
/// receives any, and the lost-account form's system account lives there.
pub fn deliverable(address: &str) -> bool {
    !address
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase()
        .ends_with(".invalid")
}

/// Writes `mail` to the outbox, to be delivered after the transaction commits (then
/// `AppState::commit` starts it at once); mail to an address that is not [`deliverable`] is
/// dropped here.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    public_url: &str,
    mail: OutgoingMail,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    enqueue_all(db, public_url, vec![mail], now).await
}

/// [`enqueue`] for several mails, written in two statements (the messages, their jobs).
pub async fn enqueue_all(
    db: &impl ConnectionTrait,
    public_url: &str,
    mails: Vec<OutgoingMail>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut rows = Vec::new();
    let mut jobs = Vec::new();
    for mail in mails.into_iter().filter(|mail| deliverable(&mail.to)) {
        let message_id = new_message_id(public_url);
        let job = MailJob {
            message_id: message_id.clone(),
        };
        jobs.push(serde_json::to_string(&job).map_err(ApiError::internal)?);
        rows.push(row(mail, message_id, now));
    }
    if rows.is_empty() {
        return Ok(());
    }
    outbox_messages::Entity::insert_many(rows).exec(db).await?;
    queue::enqueue(db, JobKind::DeliverMail, jobs, now).await
}

fn row(mail: OutgoingMail, message_id: String, now: DateTime<Utc>) -> outbox_messages::ActiveModel {
    outbox_messages::ActiveModel {
        created_at: Set(now),
        recipient: Set(mail.to),
        subject: Set(mail.subject),
        text_body: Set(mail.text),
        html_body: Set(mail.html),
        message_id: Set(message_id),
        thread_id: Set(mail.thread_id),
        reply_to: Set(mail.reply_to),
        sent_at: Set(None),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_use_the_public_host() {
        assert_eq!(
            mail_host("https://support.example.com/portal"),
            "support.example.com"
        );
        assert_eq!(mail_host("http://127.0.0.1:8080"), "127.0.0.1");
        let id = new_message_id("http://127.0.0.1:8080");
        assert!(id.starts_with('<') && id.ends_with("@127.0.0.1>"));
        assert_ne!(id, new_message_id("http://127.0.0.1:8080"));
    }

    #[test]
    fn the_invalid_domain_gets_no_mail() {
        assert!(!deliverable("intake@guichet.invalid"));
        assert!(!deliverable("Intake@Guichet.INVALID."));
        assert!(deliverable("support@guichet.test"));
        assert!(deliverable("invalid@example.com"));
    }
}
