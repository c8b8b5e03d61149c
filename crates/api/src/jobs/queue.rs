//! The job queue (`jobs`): enqueue in the caller's transaction, claim due jobs under a lease,
//! finish them (done, retried with backoff, dead after the kind's maximum of attempts).
//!
//! A claim leases a batch in one short transaction: on PostgreSQL `FOR UPDATE SKIP LOCKED`,
//! so instances never take the same job; on SQLite through the write gate, one writer at a
//! time. A worker finishes only the jobs it still holds (`leased_by`); a job whose worker
//! died is taken again once its lease has passed.
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::Notify;

use super::kind::{JobKind, JobState};
use crate::db::WriteGate;
use crate::entities::jobs;
use crate::error::ApiResult;
use crate::operations::request_id;

/// The queue's handle in `AppState`: wakes this instance's worker when a request wrote
/// jobs, so they do not wait for its next tick.
#[derive(Clone, Default)]
pub struct JobQueue {
    wake: Arc<Notify>,
}

impl JobQueue {
    /// Call after committing a transaction that enqueued jobs.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(super) async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// Writes jobs of `kind`, one per payload (JSON), in one statement on `db` (the caller's
/// transaction, so they commit with the change that asked for them), each with the id of
/// the request being handled, if any.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: JobKind,
    payloads: impl IntoIterator<Item = String>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let request_id = request_id::current();
    let rows: Vec<_> = payloads
        .into_iter()
        .map(|payload| jobs::ActiveModel {
            kind: Set(kind),
            payload: Set(payload),
            state: Set(JobState::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            leased_by: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            request_id: Set(request_id.clone()),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        jobs::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// The span of one job's run: its log lines name the job and the request that queued it.
pub fn span(job: &jobs::Model) -> tracing::Span {
    tracing::info_span!(
        "job",
        id = job.id,
        kind = ?job.kind,
        request_id = job.request_id.as_deref(),
    )
}

/// The queue by kind and state: how many jobs, and the earliest next attempt among them.
/// One grouped statement, read at each scrape of the metrics.
pub async fn depth(
    db: &impl ConnectionTrait,
) -> ApiResult<Vec<(JobKind, JobState, i64, Option<DateTime<Utc>>)>> {
    Ok(jobs::Entity::find()
        .select_only()
        .column(jobs::Column::Kind)
        .column(jobs::Column::State)
        .column_as(jobs::Column::Id.count(), "count")
        .column_as(jobs::Column::NextAttemptAt.min(), "oldest")
        .group_by(jobs::Column::Kind)
        .group_by(jobs::Column::State)
        .into_tuple()
        .all(db)
        .await?)
}

/// A worker's hold on the jobs of one claim.
#[derive(Debug, Clone)]
pub struct Lease {
    /// The worker and the claim, as written in `leased_by`.
    pub by: String,
    pub until: DateTime<Utc>,
    /// Past this, no new work starts: a job is never run while its lease may already have
    /// passed to another worker (half the lease is left for the work started before).
    pub start_before: DateTime<Utc>,
}

impl Lease {
    pub fn may_start(&self) -> bool {
        Utc::now() < self.start_before
    }
}

/// Leases up to `batch` due jobs, oldest first, to `by` (unique to this claim: the worker
/// and the claim's number).
pub async fn claim(
    db: &DatabaseConnection,
    writes: &WriteGate,
    by: String,
    length: chrono::Duration,
    batch: u64,
) -> ApiResult<(Lease, Vec<jobs::Model>)> {
    let now = Utc::now().trunc_subsecs(6);
    let lease = Lease {
        by,
        until: now + length,
        start_before: now + length / 2,
    };
    let (txn, _turn) = writes.begin(db).await?;
    let mut due = jobs::Entity::find()
        .filter(jobs::Column::State.eq(JobState::Pending))
        .filter(jobs::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(jobs::Column::LeaseUntil.is_null())
                .add(jobs::Column::LeaseUntil.lt(now)),
        )
        .order_by_asc(jobs::Column::NextAttemptAt)
        .order_by_asc(jobs::Column::Id)
        .limit(batch);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut due = due.all(&txn).await?;
    if !due.is_empty() {
        jobs::Entity::update_many()
            .col_expr(jobs::Column::LeaseUntil, Expr::value(lease.until))
            .col_expr(jobs::Column::LeasedBy, Expr::value(lease.by.as_str()))
            .filter(jobs::Column::Id.is_in(due.iter().map(|job| job.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    for job in &mut due {
        job.lease_until = Some(lease.until);
        job.leased_by = Some(lease.by.clone());
    }
    Ok((lease, due))
}

/// How a job's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Tried and failed: retried after a backoff, or dead after the kind's maximum.
    Failed(String),
    /// Not tried (the lease ran short): released at once for the next claim.
    NotStarted,
    /// Not tried yet, on purpose (it waits for other work): taken again at this time, its
    /// attempts unchanged.
    Later(DateTime<Utc>),
}

/// Records how the jobs ran, in a few statements whatever their number: the done ones
/// deleted, the others updated by group. Only jobs still held by `lease` change.
pub async fn finish(
    db: &impl ConnectionTrait,
    lease: &Lease,
    outcomes: &[(&jobs::Model, Outcome)],
) -> ApiResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    let held = || jobs::Column::LeasedBy.eq(lease.by.as_str());
    let mut done = Vec::new();
    let mut released = Vec::new();
    let mut later: BTreeMap<DateTime<Utc>, Vec<i64>> = BTreeMap::new();
    // (attempts, dead, error, next attempt) → jobs: one statement per group, usually one
    // (the kinds whose retries are spread have a group per job).
    let mut failed: BTreeMap<(i32, bool, &str, DateTime<Utc>), Vec<i64>> = BTreeMap::new();
    for (job, outcome) in outcomes {
        match outcome {
            Outcome::Done => done.push(job.id),
            Outcome::NotStarted => released.push(job.id),
            Outcome::Later(at) => later.entry(*at).or_default().push(job.id),
            Outcome::Failed(error) => {
                let attempts = job.attempts + 1;
                let dead = attempts >= job.kind.max_attempts();
                tracing::warn!(
                    job = job.id,
                    kind = ?job.kind,
                    request_id = job.request_id.as_deref(),
                    attempts,
                    dead,
                    %error,
                    "job failed"
                );
                let next = now + job.kind.retry_delay(attempts, job.id);
                failed
                    .entry((attempts, dead, error.as_str(), next))
                    .or_default()
                    .push(job.id);
            }
        }
    }
    if !done.is_empty() {
        jobs::Entity::delete_many()
            .filter(jobs::Column::Id.is_in(done))
            .filter(held())
            .exec(db)
            .await?;
    }
    let no_lease = Option::<DateTime<Utc>>::None;
    if !released.is_empty() {
        jobs::Entity::update_many()
            .col_expr(jobs::Column::LeaseUntil, Expr::value(no_lease))
            .col_expr(jobs::Column::LeasedBy, Expr::value(Option::<String>::None))
            .filter(jobs::Column::Id.is_in(released))
            .filter(held())
            .exec(db)
            .await?;
    }
    for (at, ids) in later {
        jobs::Entity::update_many()
            .col_expr(jobs::Column::NextAttemptAt, Expr::value(at))
            .col_expr(jobs::Column::LeaseUntil, Expr::value(no_lease))
            .col_expr(jobs::Column::LeasedBy, Expr::value(Option::<String>::None))
            .filter(jobs::Column::Id.is_in(ids))
            .filter(held())
            .exec(db)
            .await?;
    }
    for ((attempts, dead, error, next), ids) in failed {
        let state = if dead {
            JobState::Dead
        } else {
            JobState::Pending
        };
        jobs::Entity::update_many()
            .col_expr(jobs::Column::State, Expr::value(state))
            .col_expr(jobs::Column::Attempts, Expr::value(attempts))
            .col_expr(jobs::Column::NextAttemptAt, Expr::value(next))
            .col_expr(jobs::Column::LastError, Expr::value(error))
            .col_expr(jobs::Column::LeaseUntil, Expr::value(no_lease))
            .col_expr(jobs::Column::LeasedBy, Expr::value(Option::<String>::None))
            .filter(jobs::Column::Id.is_in(ids))
            .filter(held())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Takes `job` off the queue in `txn` if this worker still holds it: a handler whose work
/// is all in the database calls it first in that work's transaction, so the work and the
/// job's end commit together (exactly once). `false`: another worker has it now.
pub async fn take(db: &impl ConnectionTrait, lease: &Lease, job: &jobs::Model) -> ApiResult<bool> {
    let taken = jobs::Entity::delete_many()
        .filter(jobs::Column::Id.eq(job.id))
        .filter(jobs::Column::LeasedBy.eq(lease.by.as_str()))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}
