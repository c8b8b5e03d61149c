//! Background jobs: periodic tasks run beside the HTTP server, on its runtime.
//!
//! Every instance runs every job. A job must therefore be safe to run concurrently with
//! itself on another instance: it claims its rows with `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL (SQLite has one writer at a time) and changes each row conditionally, so each
//! piece of work is done once. A failed run is logged and retried at the next tick.
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::web::Data;
use tokio::task::JoinHandle;

use crate::accounts::categories::CHECK_EVERY;
use crate::error::ApiResult;
use crate::state::AppState;

type Run = fn(Data<AppState>) -> Pin<Box<dyn Future<Output = ApiResult<usize>> + Send>>;

/// The running jobs; dropping this stops them.
pub struct Jobs(Vec<JoinHandle<()>>);

impl Drop for Jobs {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

/// Starts every job of the server.
pub fn start(state: Data<AppState>) -> Jobs {
    let auto_close_every = (state.settings.auto_close_after / 4)
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    let jobs: [(&'static str, Duration, Run); 4] = [
        ("auto_close", auto_close_every, |state| {
            Box::pin(async move { crate::tickets::auto_close::close_expired(&state).await })
        }),
        ("deliver_mail", Duration::from_secs(1), |state| {
            Box::pin(async move { crate::notifications::delivery::deliver_due(&state).await })
        }),
        ("account_mail", Duration::from_secs(1), |state| {
            Box::pin(async move { crate::auth::recovery::act_on_pending(&state).await })
        }),
        ("category_check", CHECK_EVERY, |state| {
            Box::pin(async move { state.categories.check(&state.db).await })
        }),
    ];
    Jobs(
        jobs.into_iter()
            .map(|(name, every, run)| spawn(name, every, run, state.clone()))
            .collect(),
    )
}

fn spawn(name: &'static str, every: Duration, run: Run, state: Data<AppState>) -> JoinHandle<()> {
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
