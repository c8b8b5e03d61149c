//! Database connection and migrations, for SQLite (embedded) and PostgreSQL (scale-out).
use std::time::Duration;

use guichet_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionTrait,
};

/// How long a request waits for a free connection (or for the database to answer a new one)
/// before it is answered 503 `database_unavailable`: long enough for a burst to drain, short
/// enough that a client learns of an outage and retries rather than hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Any number key; it only has to be the same for every instance.
const MIGRATION_LOCK: i64 = 0x0067_7569_6368_6574;

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).acquire_timeout(ACQUIRE_TIMEOUT);
    if url.starts_with("sqlite:") {
        // WAL lets readers run beside the one writer; writers wait for each other up to
        // the busy timeout instead of failing. Each connection keeps its own page cache
        // (2 MiB by default) on top of the operating system's: 4 connections of 1 MiB keep
        // the server's memory small, and one writer plus three readers is all SQLite runs
        // at once on a small machine anyway.
        options.max_connections(4).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                .pragma("cache_size", "-1024")
        });
    } else {
        options.max_connections(16);
    }
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(crate::db_work::record);
    Ok(db)
}

/// Applies pending migrations. On PostgreSQL an advisory lock makes instances that start
/// together take turns, so each migration runs once.
pub async fn migrate(db: &DatabaseConnection, url: &str) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Migrator::up(db, None).await;
    }
    // Session-level lock on a connection of its own, held while the pool migrates.
    let mut options = ConnectOptions::new(url.to_owned());
    options.max_connections(1).sqlx_logging(false);
    let lock = Database::connect(options).await?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .await?;
    let result = Migrator::up(db, None).await;
    lock.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
        .await?;
    lock.close().await?;
    result
}

/// Where write transactions start.
///
/// SQLite takes one writer at a time, and a deferred transaction that had to wait for the
/// write lock fails outright if another commit landed meanwhile (`SQLITE_BUSY_SNAPSHOT`);
/// sea-orm cannot open `BEGIN IMMEDIATE` transactions. So on SQLite, writers of this process
/// queue here first. PostgreSQL needs no gate: its row locks order concurrent writers.
pub struct WriteGate(Option<tokio::sync::Mutex<()>>);

/// A writer's place at the gate; dropping it lets the next writer in. Keep it until the
/// transaction is committed or dropped.
pub type WriteTurn<'a> = Option<tokio::sync::MutexGuard<'a, ()>>;

impl WriteGate {
    pub fn for_backend(backend: DbBackend) -> Self {
        Self((backend == DbBackend::Sqlite).then(|| tokio::sync::Mutex::new(())))
    }

    /// A place at the gate for a write outside a transaction (one statement): on SQLite, a
    /// write that skipped the gate could land between a gated transaction's first read and its
    /// first write, and that transaction would fail with "database is locked".
    pub async fn turn(&self) -> WriteTurn<'_> {
        match &self.0 {
            Some(gate) => Some(gate.lock().await),
            None => None,
        }
    }

    pub async fn begin<'a>(
        &'a self,
        db: &DatabaseConnection,
    ) -> Result<(DatabaseTransaction, WriteTurn<'a>), DbErr> {
        let turn = self.turn().await;
        Ok((db.begin().await?, turn))
    }
}
