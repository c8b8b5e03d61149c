//! Delivering the outbox: over SMTP when `GUICHET_SMTP_URL` is set, else as `.eml` files
//! under `GUICHET_DATA_DIR/outbox/`.
//!
//! Each run leases a batch of due messages in a short transaction (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so instances never take the same message), sends them outside
//! any transaction, then marks each one sent, or schedules a retry with exponential
//! backoff, or gives up (`dead`) after `MAX_ATTEMPTS`. If the process dies after the SMTP
//! server accepted a message but before it was marked sent, the lease (`GUICHET_MAIL_LEASE`,
//! 2 minutes by default) expires and that one message is sent again: at most one
//! duplicate, never a loss. A message whose sending was cut before the server's answer
//! was not accepted, and is sent once after the lease expires (tests/api/mail_crash.rs).
use std::path::PathBuf;
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::outbox::{DEAD, PENDING, SENT};
use crate::config::Settings;
use crate::entities::outbox_messages;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const BATCH: u64 = 20;
pub const MAX_ATTEMPTS: i32 = 8;

/// Where mail goes.
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        match &settings.smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Mailer::Smtp(builder.timeout(Some(Duration::from_secs(30))).build()))
                .map_err(|e| format!("GUICHET_SMTP_URL: {e}")),
            None => Ok(Mailer::Files(settings.data_dir.join("outbox"))),
        }
    }

    async fn send(&self, message: &outbox_messages::Model, from: &str) -> Result<(), String> {
        let email = build(message, from)?;
        match self {
            Mailer::Smtp(transport) => transport
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Mailer::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                let name = format!("{:010}.eml", message.id);
                tokio::fs::write(dir.join(name), email.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

fn build(message: &outbox_messages::Model, from: &str) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| format!("GUICHET_MAIL_FROM: {e}"))?;
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    let mut builder = Message::builder()
        .from(from)
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
    builder
        .multipart(MultiPart::alternative_plain_html(
            message.text_body.clone(),
            message.html_body.clone(),
        ))
        .map_err(|e| e.to_string())
}

/// One run of the delivery job: returns how many messages were sent.
pub async fn deliver_due(state: &AppState) -> ApiResult<usize> {
    let leased_at = Utc::now();
    let leased = lease(state).await?;
    // Past half the lease, the rest of the batch is left for a later run: a message is
    // never sent while its lease may already have passed to another instance.
    let stop_at = leased_at + lease_length(&state.settings) / 2;
    let mut sent = 0;
    for message in leased {
        if Utc::now() > stop_at {
            break;
        }
        let outcome = state.mailer.send(&message, &state.settings.mail_from).await;
        let now = Utc::now().trunc_subsecs(6);
        let (txn, _turn) = state.writes.begin(&state.db).await?;
        let mark = outbox_messages::Entity::update_many()
            .filter(outbox_messages::Column::Id.eq(message.id));
        match outcome {
            Ok(()) => {
                mark.col_expr(outbox_messages::Column::Status, Expr::value(SENT))
                    .col_expr(outbox_messages::Column::SentAt, Expr::value(now))
                    .col_expr(
                        outbox_messages::Column::LeasedUntil,
                        Expr::value(Option::<chrono::DateTime<Utc>>::None),
                    )
                    .exec(&txn)
                    .await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = message.attempts + 1;
                let status = if attempts >= MAX_ATTEMPTS {
                    DEAD
                } else {
                    PENDING
                };
                tracing::warn!(id = message.id, attempts, %error, "mail not delivered");
                mark.col_expr(outbox_messages::Column::Status, Expr::value(status))
                    .col_expr(outbox_messages::Column::Attempts, Expr::value(attempts))
                    .col_expr(
                        outbox_messages::Column::NextAttemptAt,
                        Expr::value(now + backoff(attempts)),
                    )
                    .col_expr(
                        outbox_messages::Column::LeasedUntil,
                        Expr::value(Option::<chrono::DateTime<Utc>>::None),
                    )
                    .col_expr(outbox_messages::Column::LastError, Expr::value(error))
                    .exec(&txn)
                    .await?;
            }
        }
        txn.commit().await?;
    }
    Ok(sent)
}

fn lease_length(settings: &Settings) -> chrono::Duration {
    chrono::Duration::from_std(settings.mail_lease).unwrap_or(chrono::Duration::minutes(2))
}

/// 5 s, 10 s, 20 s … capped at an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let seconds = 5i64.saturating_mul(1 << attempts.clamp(0, 20)) / 2;
    chrono::Duration::seconds(seconds.clamp(5, 3_600))
}

async fn lease(state: &AppState) -> ApiResult<Vec<outbox_messages::Model>> {
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut due = outbox_messages::Entity::find()
        .filter(outbox_messages::Column::Status.eq(PENDING))
        .filter(outbox_messages::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox_messages::Column::LeasedUntil.is_null())
                .add(outbox_messages::Column::LeasedUntil.lt(now)),
        )
        .order_by_asc(outbox_messages::Column::Id)
        .limit(BATCH);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    let due = due.all(&txn).await?;
    if !due.is_empty() {
        outbox_messages::Entity::update_many()
            .col_expr(
                outbox_messages::Column::LeasedUntil,
                Expr::value(now + lease_length(&state.settings)),
            )
            .filter(outbox_messages::Column::Id.is_in(due.iter().map(|m| m.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await.map_err(ApiError::from)?;
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1).num_seconds(), 5);
        assert_eq!(backoff(2).num_seconds(), 10);
        assert_eq!(backoff(3).num_seconds(), 20);
        assert_eq!(backoff(30).num_seconds(), 3_600);
    }
}
