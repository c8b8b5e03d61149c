//! What every request handler can reach: the database, the settings, the auth keys and the
//! handles built once at start (mailer, category copy, attachment store).
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use crate::attachments::storage::Storage;
use crate::auth::{password::Passwords, tokens::TokenKeys};
use crate::categories::cache::CategoryCache;
use crate::config::Settings;
use crate::db::WriteGate;
use crate::error::ApiResult;
use crate::jobs::queue::JobQueue;
use crate::notifications::mailer::Mailer;
use crate::operations::metrics::Metrics;
use crate::webhooks::Webhooks;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    /// Start every write transaction here (see `WriteGate`).
    pub writes: WriteGate,
    /// Where the outbox is delivered.
    pub mailer: Mailer,
    /// The job worker's bell, rung by [`AppState::commit`].
    pub jobs: JobQueue,
    /// The category tree, which every ticket resource names.
    pub categories: CategoryCache,
    /// Where attachment bytes live, built once from the settings.
    pub storage: Storage,
    /// The active endpoints, the HTTP client and the secrets' key of webhooks.
    pub webhooks: Webhooks,
    /// This instance's Prometheus series (`GET /metrics`).
    pub metrics: Metrics,
}

impl AppState {
    /// Commits the transaction of a change (a ticket's, an account mail's, an
    /// announcement's…). Whatever it queued (its mails) starts at once: the job worker is
    /// woken here, for every change, rather than by each writer that knows it queued work.
    pub async fn commit(&self, txn: DatabaseTransaction) -> ApiResult<()> {
        txn.commit().await?;
        self.jobs.wake();
        Ok(())
    }
}
