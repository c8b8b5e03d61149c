//! Admins: the jobs given up after their last attempt (`dead`), with what each was about,
//! and "try again" (`retry`), which puts one back in the queue as if new.
use chrono::{SubsecRound, Utc};
use guichet_types::{DeadJob, DeadJobPage, DeliveryState, JobKindName, Permission};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::kind::{JobKind, JobState};
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::entities::{account_mail_requests, jobs, outbox_messages, webhook_deliveries, webhooks};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;

fn wire_kind(kind: JobKind) -> JobKindName {
    match kind {
        JobKind::DeliverMail => JobKindName::DeliverMail,
        JobKind::AccountMail => JobKindName::AccountMail,
        JobKind::DeliverWebhook => JobKindName::DeliverWebhook,
    }
}

fn job_kind(kind: JobKindName) -> JobKind {
    match kind {
        JobKindName::DeliverMail => JobKind::DeliverMail,
        JobKindName::AccountMail => JobKind::AccountMail,
        JobKindName::DeliverWebhook => JobKind::DeliverWebhook,
    }
}

/// The payload members that name what a job is about (each kind has one of them).
#[derive(Debug, Default, Deserialize)]
struct About {
    message_id: Option<String>,
    request_id: Option<i64>,
}

fn about(job: &jobs::Model) -> About {
    serde_json::from_str(&job.payload).unwrap_or_default()
}

/// Admins: the dead jobs, newest first, of one kind or all.
pub async fn list(
    state: &AppState,
    user: &SessionUser,
    kind: Option<JobKindName>,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<DeadJobPage> {
    user.require(Permission::Admin)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut query = jobs::Entity::find().filter(jobs::Column::State.eq(JobState::Dead));
    if let Some(kind) = kind {
        query = query.filter(jobs::Column::Kind.eq(job_kind(kind)));
    }
    let rows = newest_first(query, jobs::Column::Id, &request)
        .all(&state.db)
        .await?;
    let items = described(&state.db, rows).await?;
    Ok(request.page(items, |job| job.id))
}

/// `rows` with their recipient and subject: one query per kind present, whatever their number.
async fn described(db: &impl ConnectionTrait, rows: Vec<jobs::Model>) -> ApiResult<Vec<DeadJob>> {
    let message_ids = |kind: JobKind| -> Vec<String> {
        rows.iter()
            .filter(|job| job.kind == kind)
            .filter_map(|job| about(job).message_id)
            .collect()
    };
    let mail_ids = message_ids(JobKind::DeliverMail);
    let mails = if mail_ids.is_empty() {
        Vec::new()
    } else {
        outbox_messages::Entity::find()
            .filter(outbox_messages::Column::MessageId.is_in(mail_ids))
            .all(db)
            .await?
    };
    let request_ids: Vec<i64> = rows
        .iter()
        .filter(|job| job.kind == JobKind::AccountMail)
        .filter_map(|job| about(job).request_id)
        .collect();
    let requests = if request_ids.is_empty() {
        Vec::new()
    } else {
        account_mail_requests::Entity::find()
            .filter(account_mail_requests::Column::Id.is_in(request_ids))
            .all(db)
            .await?
    };
    let delivery_ids = message_ids(JobKind::DeliverWebhook);
    let deliveries = if delivery_ids.is_empty() {
        Vec::new()
    } else {
        webhook_deliveries::Entity::find()
            .filter(webhook_deliveries::Column::MessageId.is_in(delivery_ids))
            .all(db)
            .await?
    };
    let endpoint_ids: Vec<_> = deliveries
        .iter()
        .map(|delivery| delivery.webhook_id)
        .collect();
    let endpoints = if endpoint_ids.is_empty() {
        Vec::new()
    } else {
        webhooks::Entity::find()
            .filter(webhooks::Column::Id.is_in(endpoint_ids))
            .all(db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|job| {
            let about = about(&job);
            let (recipient, subject) = match job.kind {
                JobKind::DeliverMail => mails
                    .iter()
                    .find(|mail| Some(&mail.message_id) == about.message_id.as_ref())
                    .map(|mail| (Some(mail.recipient.clone()), Some(mail.subject.clone())))
                    .unwrap_or_default(),
                JobKind::AccountMail => requests
                    .iter()
                    .find(|request| Some(request.id) == about.request_id)
                    .map(|request| (Some(request.email.clone()), Some(request.purpose.clone())))
                    .unwrap_or_default(),
                JobKind::DeliverWebhook => deliveries
                    .iter()
                    .find(|delivery| Some(&delivery.message_id) == about.message_id.as_ref())
                    .map(|delivery| {
                        let endpoint = endpoints
                            .iter()
                            .find(|endpoint| endpoint.id == delivery.webhook_id);
                        (
                            endpoint.map(|endpoint| endpoint.url.clone()),
                            Some(delivery.event.clone()),
                        )
                    })
                    .unwrap_or_default(),
            };
            DeadJob {
                id: job.id,
                kind: wire_kind(job.kind),
                recipient,
                subject,
                attempts: u32::try_from(job.attempts).unwrap_or(0),
                last_error: job.last_error,
                created_at: job.created_at,
            }
        })
        .collect())
}

/// Admins: puts a dead job back in the queue, due now, with its attempts counted from zero
/// (a webhook delivery shows as pending again). Audited.
pub async fn retry(state: &AppState, user: &SessionUser, id: i64) -> ApiResult<()> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let job = jobs::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if job.state != JobState::Dead {
        return Err(ApiError::Conflict {
            code: "job_not_dead",
            detail: "this job is still being tried".to_owned(),
        });
    }
    jobs::Entity::update_many()
        .col_expr(jobs::Column::State, Expr::value(JobState::Pending))
        .col_expr(jobs::Column::Attempts, Expr::value(0))
        .col_expr(jobs::Column::NextAttemptAt, Expr::value(now))
        .col_expr(
            jobs::Column::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(jobs::Column::LeasedBy, Expr::value(Option::<String>::None))
        .filter(jobs::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if let (JobKind::DeliverWebhook, Some(message_id)) = (job.kind, about(&job).message_id) {
        webhook_deliveries::Entity::update_many()
            .col_expr(
                webhook_deliveries::Column::State,
                Expr::value(DeliveryState::Pending),
            )
            .col_expr(webhook_deliveries::Column::NextAttemptAt, Expr::value(now))
            .filter(webhook_deliveries::Column::MessageId.eq(message_id))
            .exec(&txn)
            .await?;
    }
    let mut changes = Changes::new();
    changes
        .set("state", "dead", "pending")
        .set("attempts", job.attempts, 0);
    audit::record(
        &txn,
        &Actor::from(user),
        "job.retried",
        Target::new("job", id),
        &changes,
    )
    .await?;
    state.commit(txn).await
}
