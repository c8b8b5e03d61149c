//! The Guichet server as a library: `Application::build` starts the whole portal on a
//! configured address; the `guichet` binary and the integration tests both use it.
//! `docs/ARCHITECTURE.md` says where things live.
pub mod accounts;
pub mod announcements;
pub mod app;
pub mod articles;
pub mod assets;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod companies;
pub mod config;
pub mod contracts;
pub mod db;
pub mod db_work;
pub mod demo;
pub mod entities;
pub mod error;
pub mod exports;
pub mod feed;
pub mod idempotency;
pub mod inbound;
pub mod jobs;
pub mod json;
pub mod notifications;
pub mod openapi;
pub mod operations;
pub mod paging;
pub mod people;
pub mod provider;
pub mod rate_limit;
pub mod state;
pub mod support_access;
pub mod tickets;
pub mod tokens;
pub mod transfer;
pub mod web;
pub mod webhooks;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{web as actix, HttpServer};
use sea_orm::ConnectionTrait;

use crate::auth::password::Passwords;
use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::state::AppState;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("data directory: {0}")]
    DataDir(std::io::Error),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("attachment store: {0}")]
    Storage(#[from] object_store::Error),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Setup(String),
}

impl From<error::ApiError> for StartupError {
    fn from(error: error::ApiError) -> Self {
        StartupError::Setup(error.to_string())
    }
}

/// The server's state without the server: the database connected and migrated (the demo
/// data seeded when asked), the keys and the mailer ready. `guichet mail-ingest` uses it
/// alone.
pub async fn open(mut settings: Settings, demo: bool) -> Result<AppState, StartupError> {
    settings.ensure_token_key().map_err(StartupError::DataDir)?;
    let key = settings
        .token_key
        .clone()
        .ok_or_else(|| StartupError::Setup("no signing key".into()))?;
    let db = db::connect(&settings.database_url).await?;
    db::migrate(&db, &settings.database_url).await?;
    let passwords = Passwords::new()?;
    let writes = db::WriteGate::for_backend(db.get_database_backend());
    if demo && demo::seed(&db, &writes, &passwords, settings.time_zone).await? {
        tracing::info!("demo data seeded");
    }
    let mailer =
        notifications::mailer::Mailer::from_settings(&settings).map_err(StartupError::Setup)?;
    let storage = attachments::storage::Storage::from_settings(&settings)?;
    // Read now, after the demo data, so that no request pays for them.
    let categories = categories::cache::CategoryCache::default();
    categories.reload(&db).await?;
    let webhooks = webhooks::Webhooks::new(&settings, &key).map_err(StartupError::Setup)?;
    webhooks.endpoints.get(&db).await?;
    let metrics = operations::metrics::Metrics::new()
        .map_err(|e| StartupError::Setup(format!("metrics: {e}")))?;
    Ok(AppState {
        webhooks,
        metrics,
        writes,
        mailer,
        jobs: jobs::queue::JobQueue::default(),
        categories,
        storage,
        db,
        tokens: TokenKeys::new(&key),
        passwords,
        settings,
    })
}

/// A started server, not yet awaited.
pub struct Application {
    server: Server,
    port: u16,
    state: actix::Data<AppState>,
}

impl Application {
    /// Connects and migrates the database, seeds the demo data when asked, and binds.
    pub async fn build(settings: Settings, demo: bool) -> Result<Self, StartupError> {
        let state = actix::Data::new(open(settings, demo).await?);
        let listener =
            TcpListener::bind(state.settings.bind).map_err(|source| StartupError::Bind {
                address: state.settings.bind.to_string(),
                source,
            })?;
        let port = listener.local_addr().map_err(StartupError::DataDir)?.port();
        let workers = state.settings.workers;
        let app_state = state.clone();
        // One set of counters for every worker thread of the instance.
        let rate_limits = actix::Data::new(rate_limit::RateLimits::new(&state.settings));
        let mut server =
            HttpServer::new(move || app::build(app_state.clone(), rate_limits.clone()))
                .listen(listener)
                .map_err(|source| StartupError::Bind {
                    address: format!("port {port}"),
                    source,
                })?
                .shutdown_timeout(20);
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Self {
            server: server.run(),
            port,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state its handlers share (tests act on it as the coming admin endpoints will).
    pub fn state(&self) -> actix::Data<AppState> {
        self.state.clone()
    }

    /// Serves, and runs the background jobs, until SIGTERM or SIGINT; then finishes the
    /// requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _jobs = jobs::start(self.state);
        self.server.await
    }
}
