//! The `deliver_webhook` jobs: each sends one delivery and records the attempt.
//!
//! - In order per endpoint and ticket: a delivery does not go while an earlier one of the
//!   same endpoint and ticket is pending; it waits for it (`Outcome::Later`).
//! - A 2xx answer delivers; anything else is retried on the queue's schedule for this kind
//!   (5 s, 30 s, 2 min … 8 h, about a day in all), then the delivery is dead. Every attempt
//!   records its time, status, error, the answer's first KB and its duration.
//! - The attempts' records and the jobs' ends are written in one transaction per claim. A
//!   crash between a send and that record sends it again with the same `webhook-id`, which
//!   receivers use to drop repeats.
//! - An endpoint whose event deliveries have all failed for [`DISABLE_AFTER`] is disabled,
//!   and the admin who registered it is mailed.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use futures_util::{stream, StreamExt};
use guichet_types::{DeliveryState, WebhookId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tracing::Instrument;

use super::cache::EndpointCache;
use super::enqueue::DeliveryJob;
use super::sender::{Attempt, Sender};
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::extractor::display_name;
use crate::entities::{jobs, users, webhook_deliveries, webhooks};
use crate::error::ApiResult;
use crate::jobs::kind::JobKind;
use crate::jobs::queue::{self, Lease, Outcome};
use crate::notifications::outbox::{self, OutgoingMail};
use crate::notifications::webhook_mail::{disabled_notice, DisabledNotice};
use crate::state::AppState;

/// An endpoint failing this long is disabled.
pub const DISABLE_AFTER: chrono::Duration = chrono::Duration::days(3);
/// Deliveries are kept this long.
pub const KEEP: chrono::Duration = chrono::Duration::days(14);
/// Requests in flight at once per claim.
const PARALLEL: usize = 16;
/// The longest a delivery waits for an earlier one before it looks again.
const WAIT_AT_MOST: chrono::Duration = chrono::Duration::minutes(10);

/// Per endpoint and ticket, the first pending delivery: its id and next attempt.
type FirstPending = HashMap<(WebhookId, i64), (i64, Option<DateTime<Utc>>)>;
/// A pending delivery's id, endpoint, ticket and next attempt.
type PendingRow = (i64, WebhookId, Option<i64>, Option<DateTime<Utc>>);

/// What a claimed job comes to before anything is sent.
enum Step {
    End(Outcome),
    /// Given up without a request (the endpoint is off): the delivery is dead.
    Drop(webhook_deliveries::Model, &'static str),
    Send(webhook_deliveries::Model, Vec<String>),
}

pub async fn deliver(state: &AppState, lease: &Lease, claimed: Vec<jobs::Model>) -> ApiResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    let message_ids: Vec<Option<String>> = claimed
        .iter()
        .map(|job| {
            serde_json::from_str::<DeliveryJob>(&job.payload)
                .ok()
                .map(|p| p.message_id)
        })
        .collect();
    let deliveries: HashMap<String, webhook_deliveries::Model> = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::MessageId.is_in(message_ids.iter().flatten().cloned()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| (d.message_id.clone(), d))
        .collect();
    let endpoint_ids: HashSet<WebhookId> = deliveries.values().map(|d| d.webhook_id).collect();
    let endpoints: HashMap<WebhookId, webhooks::Model> = webhooks::Entity::find()
        .filter(webhooks::Column::Id.is_in(endpoint_ids.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|w| (w.id, w))
        .collect();
    let first_pending = first_pending(&state.db, deliveries.values()).await?;

    let mut steps = Vec::with_capacity(claimed.len());
    for (job, message_id) in claimed.iter().zip(message_ids) {
        let delivery = message_id.and_then(|id| deliveries.get(&id)).cloned();
        let step = match delivery {
            None if !lease.may_start() => Step::End(Outcome::NotStarted),
            // Its endpoint was deleted, or the delivery purged.
            None => Step::End(Outcome::Done),
            Some(_) if !lease.may_start() => Step::End(Outcome::NotStarted),
            Some(delivery) => plan(state, delivery, &endpoints, &first_pending, now),
        };
        steps.push((job, step));
    }

    let requests: Vec<Request> = steps
        .iter()
        .filter_map(|(job, step)| match step {
            Step::Send(delivery, secrets) => Some(Request {
                job: job.id,
                span: queue::span(job),
                url: endpoints
                    .get(&delivery.webhook_id)
                    .map(|w| w.url.clone())
                    .unwrap_or_default(),
                message_id: delivery.message_id.clone(),
                body: delivery.payload.clone(),
                secrets: secrets.clone(),
            }),
            _ => None,
        })
        .collect();
    let sender = &state.webhooks.sender;
    let attempts: HashMap<i64, Attempt> = stream::iter(requests)
        .map(|request| request.send(sender))
        .buffer_unordered(PARALLEL)
        .collect()
        .await;

    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut outcomes = Vec::with_capacity(steps.len());
    let mut answered = HashSet::new();
    let mut failing: HashMap<WebhookId, String> = HashMap::new();
    for (job, step) in steps {
        let outcome = match step {
            Step::End(outcome) => outcome,
            Step::Drop(delivery, reason) => {
                record(
                    &txn,
                    &delivery,
                    DeliveryState::Dead,
                    None,
                    None,
                    Some(reason),
                )
                .await?;
                Outcome::Done
            }
            Step::Send(delivery, _) => {
                let Some(attempt) = attempts.get(&job.id) else {
                    outcomes.push((job, Outcome::NotStarted));
                    continue;
                };
                let attempts_now = job.attempts + 1;
                let (state_after, next, outcome) = if attempt.delivered() {
                    (DeliveryState::Delivered, None, Outcome::Done)
                } else if attempts_now >= JobKind::DeliverWebhook.max_attempts() {
                    (DeliveryState::Dead, None, failure(attempt))
                } else {
                    let next = Utc::now().trunc_subsecs(6)
                        + JobKind::DeliverWebhook.retry_delay(attempts_now, job.id);
                    (DeliveryState::Pending, Some(next), failure(attempt))
                };
                record(&txn, &delivery, state_after, next, Some(attempt), None).await?;
                // Test events tell nothing of the endpoint's health.
                if delivery.event_id.is_some() {
                    if attempt.delivered() {
                        answered.insert(delivery.webhook_id);
                    } else {
                        failing.insert(
                            delivery.webhook_id,
                            attempt.error.clone().unwrap_or_default(),
                        );
                    }
                }
                outcome
            }
        };
        outcomes.push((job, outcome));
    }
    failing.retain(|id, _| !answered.contains(id));
    health(state, &txn, &endpoints, &answered, &failing, now).await?;
    queue::finish(&txn, lease, &outcomes).await?;
    state.commit(txn).await?;
    for attempt in attempts.values() {
        state.metrics.webhook_delivery(attempt.delivered());
    }
    Ok(())
}

/// One request to make, owning what it sends.
struct Request {
    job: i64,
    span: tracing::Span,
    url: String,
    message_id: String,
    body: String,
    secrets: Vec<String>,
}

impl Request {
    async fn send(self, sender: &Sender) -> (i64, Attempt) {
        let attempt = sender
            .send(&self.url, &self.message_id, &self.body, &self.secrets)
            .instrument(self.span.clone())
            .await;
        self.span.in_scope(|| {
            if attempt.delivered() {
                tracing::info!(status = attempt.status, "webhook delivered");
            } else {
                tracing::info!(
                    status = attempt.status,
                    error = attempt.error.as_deref(),
                    "webhook not delivered"
                );
            }
        });
        (self.job, attempt)
    }
}

fn failure(attempt: &Attempt) -> Outcome {
    Outcome::Failed(attempt.error.clone().unwrap_or_else(|| "failed".to_owned()))
}

/// What to do with a pending delivery: send it (with the secrets that sign it), wait for an
/// earlier one, or drop it.
fn plan(
    state: &AppState,
    delivery: webhook_deliveries::Model,
    endpoints: &HashMap<WebhookId, webhooks::Model>,
    first_pending: &FirstPending,
    now: DateTime<Utc>,
) -> Step {
    if delivery.state != DeliveryState::Pending {
        return Step::End(Outcome::Done);
    }
    let Some(endpoint) = endpoints.get(&delivery.webhook_id) else {
        return Step::End(Outcome::Done);
    };
    let is_test = delivery.event_id.is_none();
    if !is_test && endpoint.disabled_at.is_some() {
        return Step::Drop(delivery, "the endpoint is disabled");
    }
    if !is_test && !endpoint.active {
        return Step::Drop(delivery, "the endpoint is inactive");
    }
    if let Some(ticket) = delivery.ticket_id {
        if let Some((first, next)) = first_pending.get(&(delivery.webhook_id, ticket)) {
            if *first < delivery.id.0 {
                let after = next.unwrap_or(now).max(now).min(now + WAIT_AT_MOST);
                return Step::End(Outcome::Later(after + chrono::Duration::seconds(1)));
            }
        }
    }
    match secrets(state, endpoint, now) {
        Ok(secrets) => Step::Send(delivery, secrets),
        Err(error) => {
            tracing::error!(webhook = endpoint.id.0, %error, "webhook secret unreadable");
            Step::End(Outcome::Failed(
                "the endpoint's secret is unreadable".to_owned(),
            ))
        }
    }
}

/// The secrets that sign now: the current one, and the previous one while it is valid.
fn secrets(
    state: &AppState,
    endpoint: &webhooks::Model,
    now: DateTime<Utc>,
) -> ApiResult<Vec<String>> {
    let mut secrets = vec![state.webhooks.secrets.open(&endpoint.secret)?];
    if let (Some(previous), Some(until)) =
        (&endpoint.previous_secret, endpoint.previous_secret_until)
    {
        if until > now {
            secrets.push(state.webhooks.secrets.open(previous)?);
        }
    }
    Ok(secrets)
}

/// The first pending delivery (id, next attempt) of each endpoint and ticket of `batch`, in
/// one statement.
async fn first_pending<'a>(
    db: &impl ConnectionTrait,
    batch: impl Iterator<Item = &'a webhook_deliveries::Model>,
) -> ApiResult<FirstPending> {
    let mut tickets = HashSet::new();
    let mut endpoints = HashSet::new();
    for delivery in batch {
        if let Some(ticket) = delivery.ticket_id {
            tickets.insert(ticket);
            endpoints.insert(delivery.webhook_id);
        }
    }
    if tickets.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<PendingRow> = webhook_deliveries::Entity::find()
        .select_only()
        .columns([
            webhook_deliveries::Column::Id,
            webhook_deliveries::Column::WebhookId,
            webhook_deliveries::Column::TicketId,
            webhook_deliveries::Column::NextAttemptAt,
        ])
        .filter(webhook_deliveries::Column::TicketId.is_in(tickets))
        .filter(webhook_deliveries::Column::WebhookId.is_in(endpoints))
        .filter(webhook_deliveries::Column::State.eq(DeliveryState::Pending))
        .order_by_asc(webhook_deliveries::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut first = HashMap::new();
    for (id, webhook, ticket, next) in rows {
        if let Some(ticket) = ticket {
            first.entry((webhook, ticket)).or_insert((id, next));
        }
    }
    Ok(first)
}

/// Writes an attempt (or a drop) on its delivery.
async fn record(
    db: &impl ConnectionTrait,
    delivery: &webhook_deliveries::Model,
    state: DeliveryState,
    next: Option<DateTime<Utc>>,
    attempt: Option<&Attempt>,
    dropped: Option<&str>,
) -> ApiResult<()> {
    let mut update = webhook_deliveries::Entity::update_many()
        .col_expr(webhook_deliveries::Column::State, Expr::value(state))
        .col_expr(webhook_deliveries::Column::NextAttemptAt, Expr::value(next))
        .filter(webhook_deliveries::Column::Id.eq(delivery.id));
    if let Some(attempt) = attempt {
        update = update
            .col_expr(
                webhook_deliveries::Column::Attempts,
                Expr::col(webhook_deliveries::Column::Attempts).add(1),
            )
            .col_expr(
                webhook_deliveries::Column::RequestedAt,
                Expr::value(attempt.requested_at),
            )
            .col_expr(
                webhook_deliveries::Column::StatusCode,
                Expr::value(attempt.status.map(i32::from)),
            )
            .col_expr(
                webhook_deliveries::Column::Error,
                Expr::value(attempt.error.clone()),
            )
            .col_expr(
                webhook_deliveries::Column::ResponseExcerpt,
                Expr::value(attempt.excerpt.clone()),
            )
            .col_expr(
                webhook_deliveries::Column::DurationMs,
                Expr::value(attempt.duration_ms),
            );
    }
    if let Some(reason) = dropped {
        update = update.col_expr(webhook_deliveries::Column::Error, Expr::value(reason));
    }
    update.exec(db).await?;
    Ok(())
}

/// Marks the endpoints that answered as healthy and those that failed as failing; disables
/// those failing for [`DISABLE_AFTER`] and mails their owners.
async fn health(
    state: &AppState,
    txn: &impl ConnectionTrait,
    endpoints: &HashMap<WebhookId, webhooks::Model>,
    answered: &HashSet<WebhookId>,
    failing: &HashMap<WebhookId, String>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let no_time = Option::<DateTime<Utc>>::None;
    if !answered.is_empty() {
        webhooks::Entity::update_many()
            .col_expr(webhooks::Column::FailingSince, Expr::value(no_time))
            .filter(webhooks::Column::Id.is_in(answered.iter().copied()))
            .filter(webhooks::Column::FailingSince.is_not_null())
            .exec(txn)
            .await?;
    }
    if failing.is_empty() {
        return Ok(());
    }
    webhooks::Entity::update_many()
        .col_expr(webhooks::Column::FailingSince, Expr::value(now))
        .filter(webhooks::Column::Id.is_in(failing.keys().copied()))
        .filter(webhooks::Column::FailingSince.is_null())
        .exec(txn)
        .await?;
    for (id, error) in failing {
        let Some(endpoint) = endpoints.get(id) else {
            continue;
        };
        let Some(since) = endpoint
            .failing_since
            .filter(|since| *since < now - DISABLE_AFTER)
        else {
            continue;
        };
        let reason = format!("failing since {}: {error}", since.to_rfc3339());
        let disabled = webhooks::Entity::update_many()
            .col_expr(webhooks::Column::DisabledAt, Expr::value(now))
            .col_expr(
                webhooks::Column::DisabledReason,
                Expr::value(reason.as_str()),
            )
            .filter(webhooks::Column::Id.eq(*id))
            .filter(webhooks::Column::DisabledAt.is_null())
            .exec(txn)
            .await?;
        if disabled.rows_affected != 1 {
            continue;
        }
        tracing::warn!(webhook = id.0, %reason, "webhook endpoint disabled");
        EndpointCache::changed(txn).await?;
        let mut changes = Changes::new();
        changes.set("disabled_at", Option::<DateTime<Utc>>::None, Some(now));
        audit::record(
            txn,
            &Actor::command_line(),
            "webhook.disabled",
            Target::new("webhook", id),
            &changes,
        )
        .await?;
        tell_owner(state, txn, endpoint, since, error, now).await?;
    }
    Ok(())
}

async fn tell_owner(
    state: &AppState,
    txn: &impl ConnectionTrait,
    endpoint: &webhooks::Model,
    since: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(owner) = endpoint.created_by else {
        return Ok(());
    };
    let Some(owner) = users::Entity::find_by_id(owner)
        .one(txn)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(());
    };
    let link = format!(
        "{}/admin/webhooks",
        state.settings.public_url.trim_end_matches('/')
    );
    let mail = disabled_notice(
        owner.locale,
        &display_name(&owner),
        &DisabledNotice {
            url: &endpoint.url,
            failing_since: since,
            last_error: error,
            link: &link,
        },
    );
    outbox::enqueue(
        txn,
        &state.settings.public_url,
        OutgoingMail {
            to: owner.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            thread_id: None,
            reply_to: None,
        },
        now,
    )
    .await
}

/// Deletes the deliveries older than [`KEEP`]; their jobs, if any, find nothing and end.
pub async fn purge(state: &AppState) -> ApiResult<usize> {
    let before = Utc::now() - KEEP;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let purged = webhook_deliveries::Entity::delete_many()
        .filter(webhook_deliveries::Column::CreatedAt.lt(before))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(usize::try_from(purged.rows_affected).unwrap_or(usize::MAX))
}
