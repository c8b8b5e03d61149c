//! The transactional outbox. A mail is a row written with the change it announces, so a
//! change is never committed without its mails, nor a mail sent for a change rolled back.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::entities::outbox_messages;
use crate::error::ApiResult;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
/// Given up after too many failed attempts; kept for the support team to look at.
pub const DEAD: &str = "dead";

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

/// Writes `mail` to the outbox, to be delivered after the transaction commits; mail to an
/// address that is not [`deliverable`] is dropped here.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    public_url: &str,
    mail: OutgoingMail,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    enqueue_all(db, public_url, vec![mail], now).await
}

/// [`enqueue`] for several mails, written in one statement.
pub async fn enqueue_all(
    db: &impl ConnectionTrait,
    public_url: &str,
    mails: Vec<OutgoingMail>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let rows: Vec<_> = mails
        .into_iter()
        .filter(|mail| deliverable(&mail.to))
        .map(|mail| row(public_url, mail, now))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    outbox_messages::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

fn row(public_url: &str, mail: OutgoingMail, now: DateTime<Utc>) -> outbox_messages::ActiveModel {
    outbox_messages::ActiveModel {
        created_at: Set(now),
        recipient: Set(mail.to),
        subject: Set(mail.subject),
        text_body: Set(mail.text),
        html_body: Set(mail.html),
        message_id: Set(new_message_id(public_url)),
        thread_id: Set(mail.thread_id),
        reply_to: Set(mail.reply_to),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        leased_until: Set(None),
        last_error: Set(None),
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
