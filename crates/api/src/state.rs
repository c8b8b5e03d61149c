//! What every request handler can reach: the database, the settings, the auth keys and the
//! handles built once at start (mailer, category copy, attachment store).
use sea_orm::DatabaseConnection;

use crate::accounts::categories::CategoryCache;
use crate::attachments::storage::Storage;
use crate::auth::{password::Passwords, tokens::TokenKeys};
use crate::config::Settings;
use crate::db::WriteGate;
use crate::jobs::queue::JobQueue;
use crate::notifications::mailer::Mailer;

pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Settings,
    pub tokens: TokenKeys,
    pub passwords: Passwords,
    /// Start every write transaction here (see `WriteGate`).
    pub writes: WriteGate,
    /// Where the outbox is delivered.
    pub mailer: Mailer,
    /// Wakes the job worker after a commit that wrote jobs.
    pub jobs: JobQueue,
    /// The category tree, which every ticket resource names.
    pub categories: CategoryCache,
    /// Where attachment bytes live, built once from the settings.
    pub storage: Storage,
}
