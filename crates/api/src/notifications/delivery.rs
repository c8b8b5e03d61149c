//! The `deliver_mail` jobs: sending the outbox (`mailer.rs` says where to).
//!
//! A claimed batch is read in one query and each mail built once; the mails then go out
//! side by side (`Mailer::concurrency`: pooled SMTP connections, or file writes), and what
//! has finished is recorded while the rest is still sending, in one transaction per group
//! (the messages' `sent_at`, the jobs done or failed). So a mail accepted by the SMTP server
//! is marked within moments, even while another send hangs. If the process dies between
//! the server's acceptance and that record, the job's lease (`GUICHET_MAIL_LEASE`, 2 minutes
//! by default) passes and the mail is sent again: at most the mails in flight at the crash
//! are sent twice, never one lost. A send cut before the server's answer was not accepted,
//! and is sent once after the lease (tests/api/mail_crash.rs).
use std::collections::HashMap;

use chrono::{SubsecRound, Utc};
use futures_util::stream::{self, StreamExt};
use lettre::message::Mailbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::mpsc;
use tracing::Instrument;

use super::mailer::{self, Outgoing};
use super::outbox::MailJob;
use crate::entities::{jobs, outbox_messages};
use crate::error::ApiResult;
use crate::jobs::queue::{self, Lease, Outcome};
use crate::state::AppState;

/// A job's end, with the outbox row it sent.
type Sent<'a> = (&'a jobs::Model, Option<i64>, Outcome);

/// Sends the mails of `jobs`, recording each as it ends.
pub async fn deliver(state: &AppState, lease: &Lease, jobs: Vec<jobs::Model>) -> ApiResult<()> {
    let mut ended: Vec<Sent<'_>> = Vec::new();
    let mut wanted: Vec<(&jobs::Model, String)> = Vec::new();
    for job in &jobs {
        match serde_json::from_str::<MailJob>(&job.payload) {
            Ok(payload) => wanted.push((job, payload.message_id)),
            Err(error) => ended.push((job, None, Outcome::Failed(format!("payload: {error}")))),
        }
    }
    let mut messages: HashMap<String, outbox_messages::Model> = outbox_messages::Entity::find()
        .filter(outbox_messages::Column::MessageId.is_in(wanted.iter().map(|(_, id)| id.as_str())))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|message| (message.message_id.clone(), message))
        .collect();
    let from = state
        .settings
        .mail_from
        .parse::<Mailbox>()
        .map_err(|e| format!("GUICHET_MAIL_FROM: {e}"));
    let ready_to_go = state.mailer.prepare().await.and(from);
    let mut ready: Vec<(&jobs::Model, Outgoing)> = Vec::new();
    for (job, message_id) in wanted {
        let built = match (&ready_to_go, messages.remove(&message_id)) {
            (Err(error), _) => Err(error.clone()),
            (Ok(_), None) => Err(format!("no outbox message {message_id}")),
            (Ok(from), Some(message)) => mailer::build(&message, from),
        };
        match built {
            Ok(outgoing) => ready.push((job, outgoing)),
            Err(error) => ended.push((job, None, Outcome::Failed(error))),
        }
    }
    if !ended.is_empty() {
        record(state, lease, &ended).await?;
    }

    let (ends, mut to_record) = mpsc::unbounded_channel::<Sent<'_>>();
    let sends: Vec<_> = ready
        .into_iter()
        .map(|(job, outgoing)| send(state, lease, job, outgoing).instrument(queue::span(job)))
        .collect();
    let sending = async move {
        let mut sends = stream::iter(sends).buffer_unordered(state.mailer.concurrency());
        while let Some(end) = sends.next().await {
            // The receiver lives until this sender is gone.
            let _ = ends.send(end);
        }
    };
    let recording = async {
        let mut failure = Ok(());
        while let Some(first) = to_record.recv().await {
            let mut group = vec![first];
            while let Ok(next) = to_record.try_recv() {
                group.push(next);
            }
            if let Err(error) = record(state, lease, &group).await {
                failure = Err(error);
            }
        }
        failure
    };
    let ((), recorded) = tokio::join!(sending, recording);
    recorded
}

/// Sends one mail, unless the lease has run short.
async fn send<'a>(
    state: &AppState,
    lease: &Lease,
    job: &'a jobs::Model,
    outgoing: Outgoing,
) -> Sent<'a> {
    let id = outgoing.id;
    let outcome = if !lease.may_start() {
        Outcome::NotStarted
    } else {
        match state.mailer.send(outgoing).await {
            Ok(()) => {
                tracing::info!(outbox_message = id, "mail sent");
                Outcome::Done
            }
            Err(error) => {
                tracing::warn!(outbox_message = id, %error, "mail not sent");
                Outcome::Failed(error)
            }
        }
    };
    (job, Some(id), outcome)
}

/// Records how the jobs of `group` ended, in one transaction: their messages' `sent_at`,
/// then the jobs themselves.
async fn record(state: &AppState, lease: &Lease, group: &[Sent<'_>]) -> ApiResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    let sent: Vec<i64> = group
        .iter()
        .filter(|(_, _, outcome)| *outcome == Outcome::Done)
        .filter_map(|(_, id, _)| *id)
        .collect();
    let outcomes: Vec<_> = group
        .iter()
        .map(|(job, _, outcome)| (*job, outcome.clone()))
        .collect();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if !sent.is_empty() {
        outbox_messages::Entity::update_many()
            .col_expr(outbox_messages::Column::SentAt, Expr::value(now))
            .filter(outbox_messages::Column::Id.is_in(sent))
            .exec(&txn)
            .await?;
    }
    queue::finish(&txn, lease, &outcomes).await?;
    txn.commit().await?;
    for (_, outcome) in &outcomes {
        match outcome {
            Outcome::Done => state.metrics.mail_sent(),
            Outcome::Failed(_) => state.metrics.mail_failed(),
            Outcome::NotStarted | Outcome::Later(_) => {}
        }
    }
    Ok(())
}
