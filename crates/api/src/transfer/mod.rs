//! Moving a whole install: `guichet migrate-data` copies one database into another (SQLite to
//! PostgreSQL, say), `guichet backup` writes a running install to one archive and
//! `guichet restore` loads an archive into an empty database and the configured store.
//!
//! All three read the tables of `tables::all` in one consistent snapshot, row by row as their
//! entities' typed models in JSON, write them into the target in one transaction, and check
//! each table's row count and checksum at the end (`tables::Tally`).
pub mod archive;
pub mod copy;
pub mod database;
pub mod tables;

/// Why a transfer stopped. The target's transaction is rolled back, so it is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("row format: {0}")]
    Row(#[from] serde_json::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("attachment store: {0}")]
    Storage(#[from] object_store::Error),
    #[error("{0}")]
    Refused(String),
    #[error("verification failed: {0}")]
    Mismatch(String),
}

/// Where a transfer tells how far it got (the command line prints it to stderr).
pub type Progress<'a> = &'a (dyn Fn(&str) + Send + Sync);
