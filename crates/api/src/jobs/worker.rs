//! The worker of an instance: claims due jobs, runs each kind's handler, claims again at once
//! while there is work, and otherwise waits for the next tick or a wake-up from a request
//! that wrote jobs (`JobQueue::wake`).
use std::collections::HashMap;
use std::time::Duration;

use futures_util::future::join_all;

use super::kind::JobKind;
use super::queue::{self, Lease};
use crate::entities::jobs;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Jobs leased per claim.
const BATCH: u64 = 256;
/// How often an idle worker looks for due jobs (retries, other instances' jobs).
const TICK: Duration = Duration::from_secs(1);

/// Runs the kind's handler on jobs of that kind. A handler ends every job it is given with
/// `queue::finish` (or `queue::take` in its work's transaction); a job it leaves is taken
/// again when its lease has passed.
async fn dispatch(
    state: &AppState,
    lease: &Lease,
    kind: JobKind,
    jobs: Vec<jobs::Model>,
) -> ApiResult<()> {
    match kind {
        JobKind::DeliverMail => crate::notifications::delivery::deliver(state, lease, jobs).await,
        JobKind::AccountMail => crate::auth::recovery::act_on_jobs(state, lease, jobs).await,
        JobKind::DeliverWebhook => crate::webhooks::delivery::deliver(state, lease, jobs).await,
    }
}

pub async fn run(state: &AppState) {
    let worker = uuid::Uuid::new_v4().simple().to_string();
    let mut claims = 0u64;
    loop {
        claims += 1;
        match run_once(state, format!("{worker}/{claims}")).await {
            Ok(0) => {}
            Ok(claimed) => {
                tracing::debug!(claimed, "jobs ran");
                continue;
            }
            Err(error) => tracing::warn!(%error, "claiming jobs failed; retrying at the next tick"),
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = state.jobs.woken() => {}
        }
    }
}

/// One claim and its run: returns how many jobs were claimed.
async fn run_once(state: &AppState, by: String) -> ApiResult<usize> {
    let length =
        chrono::Duration::from_std(state.settings.mail_lease).map_err(ApiError::internal)?;
    let (lease, claimed) = queue::claim(&state.db, &state.writes, by, length, BATCH).await?;
    let count = claimed.len();
    let mut by_kind: HashMap<JobKind, Vec<jobs::Model>> = HashMap::new();
    for job in claimed {
        by_kind.entry(job.kind).or_default().push(job);
    }
    // Kinds run side by side: a slow one (argon2 for account mail) does not hold up mail.
    let runs: Vec<_> = by_kind
        .into_iter()
        .map(|(kind, jobs)| run_kind(state, &lease, kind, jobs))
        .collect();
    join_all(runs).await;
    Ok(count)
}

async fn run_kind(state: &AppState, lease: &Lease, kind: JobKind, jobs: Vec<jobs::Model>) {
    if let Err(error) = dispatch(state, lease, kind, jobs).await {
        tracing::warn!(?kind, %error, "jobs failed; taken again when their lease passes");
    }
}
