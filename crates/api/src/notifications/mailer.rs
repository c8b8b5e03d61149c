//! Where mail goes: an SMTP server when `GUICHET_SMTP_URL` is set (over a pool of reused
//! connections, `smtp.rs`), else `.eml` files under `GUICHET_DATA_DIR/outbox/`.
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::smtp::SmtpPool;

use crate::config::Settings;
use crate::entities::outbox_messages;

/// SMTP connections kept open, and so mails sent at once.
const SMTP_CONNECTIONS: usize = 8;
/// Files written at once.
const FILE_WRITES: usize = 32;

pub enum Mailer {
    Smtp(SmtpPool),
    Files(PathBuf),
}

/// A message ready to go, built once.
pub struct Outgoing {
    /// The outbox row's id, which names its `.eml` file.
    pub id: i64,
    pub email: Message,
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        match &settings.smtp_url {
            Some(url) => SmtpPool::from_url(url, SMTP_CONNECTIONS, Duration::from_secs(30))
                .map(Mailer::Smtp)
                .map_err(|e| format!("GUICHET_SMTP_URL: {e}")),
            None => Ok(Mailer::Files(settings.data_dir.join("outbox"))),
        }
    }

    /// How many mails to send at once.
    pub fn concurrency(&self) -> usize {
        match self {
            Mailer::Smtp(_) => SMTP_CONNECTIONS,
            Mailer::Files(_) => FILE_WRITES,
        }
    }

    /// Readies the way out before a batch (the outbox directory).
    pub async fn prepare(&self) -> Result<(), String> {
        match self {
            Mailer::Smtp(_) => Ok(()),
            Mailer::Files(dir) => tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| e.to_string()),
        }
    }

    pub async fn send(&self, message: Outgoing) -> Result<(), String> {
        match self {
            Mailer::Smtp(pool) => pool.send(&message.email).await,
            Mailer::Files(dir) => {
                let name = format!("{:010}.eml", message.id);
                tokio::fs::write(dir.join(name), message.email.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// The mail of an outbox row, from `from` (`GUICHET_MAIL_FROM`, parsed once per batch).
pub fn build(message: &outbox_messages::Model, from: &Mailbox) -> Result<Outgoing, String> {
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(message.subject.clone())
        .message_id(Some(message.message_id.clone()))
        .date(message.created_at.into());
    if let Some(thread) = &message.thread_id {
        builder = builder
            .in_reply_to(thread.clone())
            .references(thread.clone());
    }
    if let Some(reply_to) = &message.reply_to {
        builder = builder.reply_to(reply_to.parse().map_err(|e| format!("reply-to: {e}"))?);
    }
    let email = builder
        .multipart(MultiPart::alternative_plain_html(
            message.text_body.clone(),
            message.html_body.clone(),
        ))
        .map_err(|e| e.to_string())?;
    Ok(Outgoing {
        id: message.id,
        email,
    })
}
