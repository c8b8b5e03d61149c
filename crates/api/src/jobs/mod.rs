//! Background work, run beside the HTTP server on its runtime, in every instance.
//!
//! - The job queue (`queue.rs`, table `jobs`): work written in the transaction of the change
//!   that asks for it, run by one worker per instance (`worker.rs`) that claims due jobs
//!   under a lease, dispatches them by kind (`kind.rs`) and retries failures with backoff
//!   until they are dead. Mail delivery, account mail and webhook deliveries are job kinds.
//! - Periodic tasks (auto-close, contract ending notices, the end of expired assisted
//!   sessions, the purge of webhook deliveries older than 14 days): each claims its rows with
//!   `FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL (SQLite has one writer at a time) and changes them conditionally, so each
//!   piece of work is done once. A failed run is logged and retried at the next tick.
//! - Admins see the dead jobs and try them again (`dead.rs`, `routes.rs`: `/dead-jobs`).
pub mod dead;
pub mod kind;
pub mod queue;
pub mod routes;
mod worker;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::web::Data;
use tokio::task::JoinHandle;

use crate::error::ApiResult;
use crate::state::AppState;

/// The running background work; dropping this stops it.
pub struct Jobs(Vec<JoinHandle<()>>);

impl Drop for Jobs {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

/// Starts the job worker and the periodic tasks of the server.
pub fn start(state: Data<AppState>) -> Jobs {
    let worker = {
        let state = state.clone();
        tokio::spawn(async move { worker::run(&state).await })
    };
    let auto_close_every = (state.settings.auto_close_after / 4)
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    let auto_close = periodic("auto_close", auto_close_every, state.clone(), |state| {
        Box::pin(async move { crate::tickets::auto_close::close_expired(&state).await })
    });
    let ending_notice = periodic(
        "contract_ending_notice",
        crate::contracts::ending_notice::CHECK_EVERY,
        state.clone(),
        |state| Box::pin(async move { crate::contracts::ending_notice::send_due(&state).await }),
    );
    // The end mail of an assisted session goes at its end even if nobody calls again.
    let session_sweep = periodic(
        "support_session_end",
        crate::support_access::service::SWEEP_EVERY,
        state.clone(),
        |state| Box::pin(async move { crate::support_access::service::end_expired(&state).await }),
    );
    let webhook_purge = periodic(
        "webhook_delivery_purge",
        Duration::from_secs(3_600),
        state,
        |state| Box::pin(async move { crate::webhooks::delivery::purge(&state).await }),
    );
    Jobs(vec![
        worker,
        auto_close,
        ending_notice,
        session_sweep,
        webhook_purge,
    ])
}

type Run = fn(Data<AppState>) -> Pin<Box<dyn Future<Output = ApiResult<usize>> + Send>>;

/// Runs `run` every `every`; a failed run is logged and retried at the next tick.
fn periodic(
    name: &'static str,
    every: Duration,
    state: Data<AppState>,
    run: Run,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match run(state.clone()).await {
                Ok(0) => {}
                Ok(done) => tracing::info!(job = name, done, "job ran"),
                Err(error) => {
                    tracing::warn!(job = name, %error, "job failed; retrying at the next tick")
                }
            }
        }
    })
}
