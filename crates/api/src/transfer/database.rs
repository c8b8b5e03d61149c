//! The two ends of a transfer: a consistent read of a running install, and the loading of an
//! empty, freshly migrated database in one transaction, finished by what ids and ticket
//! numbers need to go on from where the source stopped.
use std::collections::BTreeMap;

use futures_util::stream::TryStreamExt;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    IsolationLevel, Statement, StreamTrait, TransactionTrait,
};

use super::tables::{self, Table, Tally};
use super::TransferError;

/// Rows written per statement: well under PostgreSQL's 65,535 parameters for the widest
/// table, and SQLite's 32,766.
pub const BATCH: usize = 500;

/// Connects to `url` and applies the migrations.
pub async fn open(url: &str) -> Result<DatabaseConnection, TransferError> {
    let db = crate::db::connect(url).await?;
    crate::db::migrate(&db, url).await?;
    Ok(db)
}

/// A read of every table as of one moment, while the server goes on writing: PostgreSQL's
/// repeatable-read snapshot; on SQLite (WAL), a read transaction sees the database as of its
/// first read until it ends.
pub async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, TransferError> {
    Ok(match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    })
}

/// The number of rows of each table, read in `txn` (for progress).
pub async fn counts(txn: &DatabaseTransaction) -> Result<BTreeMap<String, u64>, TransferError> {
    let mut counts = BTreeMap::new();
    for table in tables::all() {
        let row = txn
            .query_one(Statement::from_string(
                txn.get_database_backend(),
                format!("SELECT COUNT(*) FROM {}", table.name()),
            ))
            .await?;
        let count = row
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or_default();
        counts.insert(table.name().to_owned(), u64::try_from(count).unwrap_or(0));
    }
    Ok(counts)
}

/// Refuses a database that holds more than what its migrations put there: any ticket, or any
/// account of a person or an integration. Also checks that no table was forgotten by
/// `tables::all`.
pub async fn ensure_empty(db: &DatabaseConnection) -> Result<(), TransferError> {
    let known: Vec<&str> = tables::all()
        .iter()
        .map(|table| table.name())
        .chain(tables::NOT_COPIED.iter().copied())
        .collect();
    let unknown: Vec<String> = tables::present(db)
        .await?
        .into_iter()
        .filter(|name| !known.contains(&name.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(TransferError::Refused(format!(
            "tables this version does not know how to copy: {}",
            unknown.join(", ")
        )));
    }
    let held = count(
        db,
        "SELECT (SELECT COUNT(*) FROM tickets) + (SELECT COUNT(*) FROM users WHERE system_key IS NULL)",
    )
    .await?;
    if held > 0 {
        return Err(TransferError::Refused(
            "the target database is not empty (it has tickets or accounts): give an empty one"
                .into(),
        ));
    }
    Ok(())
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> Result<i64, TransferError> {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(row
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or_default())
}

/// Empties every table of `txn`'s database (the rows the migrations wrote: the system
/// accounts, the first category, the cache counters) and its ticket-number state, last table
/// first.
pub async fn clear(txn: &DatabaseTransaction) -> Result<(), TransferError> {
    for table in tables::all().iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {}", table.name()))
            .await?;
    }
    txn.execute_unprepared("DELETE FROM ticket_day_counters")
        .await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("DELETE FROM ticket_number_days")
            .await?;
    }
    Ok(())
}

/// Writes `rows` into `table`, [`BATCH`] at a time.
pub struct Loader<'a> {
    txn: &'a DatabaseTransaction,
    table: &'a dyn Table,
    pending: Vec<serde_json::Value>,
    pub tally: Tally,
}

impl<'a> Loader<'a> {
    pub fn new(txn: &'a DatabaseTransaction, table: &'a dyn Table) -> Self {
        Self {
            txn,
            table,
            pending: Vec::with_capacity(BATCH),
            tally: Tally::default(),
        }
    }

    /// Queues `row`; returns true when a batch was written.
    pub async fn push(&mut self, row: serde_json::Value) -> Result<bool, TransferError> {
        self.tally.add(&row);
        self.pending.push(row);
        if self.pending.len() < BATCH {
            return Ok(false);
        }
        self.flush().await?;
        Ok(true)
    }

    pub async fn finish(mut self) -> Result<Tally, TransferError> {
        self.flush().await?;
        Ok(self.tally)
    }

    async fn flush(&mut self) -> Result<(), TransferError> {
        let batch = std::mem::replace(&mut self.pending, Vec::with_capacity(BATCH));
        self.table.insert(self.txn, batch).await
    }
}

/// After loading: ids and ticket numbers go on after the copied ones.
pub async fn finish(
    txn: &DatabaseTransaction,
    numbers: &TicketNumbers,
) -> Result<(), TransferError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        continue_sequences(txn).await?;
    }
    numbers.write(txn).await
}

/// PostgreSQL's id sequences do not move when rows are written with their ids: each is set
/// past its table's largest id.
async fn continue_sequences(txn: &DatabaseTransaction) -> Result<(), TransferError> {
    let rows = txn
        .query_all(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name = 'id' \
             AND column_default LIKE 'nextval(%'",
        ))
        .await?;
    for row in rows {
        let table: String = row.try_get_by_index(0)?;
        txn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             GREATEST(COALESCE(MAX(id), 0), 1), COALESCE(MAX(id), 0) > 0) FROM {table}"
        ))
        .await?;
    }
    Ok(())
}

/// The last ticket number taken each day (`20261205` → 42), which each database keeps its own
/// way (`tickets::number`): SQLite in day counters, PostgreSQL as a sequence and each day's
/// first value of it. Read from the source's tickets (and its day counters, which also count
/// numbers of creations that failed), written in the target's way.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketNumbers(pub BTreeMap<String, i64>);

impl TicketNumbers {
    pub async fn read(txn: &DatabaseTransaction) -> Result<Self, TransferError> {
        let backend = txn.get_database_backend();
        let mut last_of_day = Self::default();
        let mut numbers = txn
            .stream(Statement::from_string(
                backend,
                "SELECT number FROM tickets",
            ))
            .await?;
        while let Some(row) = numbers.try_next().await? {
            let number: String = row.try_get_by_index(0)?;
            if let Some((day, sequence)) = day_and_sequence(&number) {
                last_of_day.taken(day, sequence);
            }
        }
        drop(numbers);
        let counters = txn
            .query_all(Statement::from_string(
                backend,
                "SELECT day, last_sequence FROM ticket_day_counters",
            ))
            .await?;
        for row in counters {
            last_of_day.taken(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        }
        Ok(last_of_day)
    }

    fn taken(&mut self, day: String, sequence: i64) {
        let last = self.0.entry(day).or_default();
        *last = (*last).max(sequence);
    }

    async fn write(&self, txn: &DatabaseTransaction) -> Result<(), TransferError> {
        let backend = txn.get_database_backend();
        match backend {
            DbBackend::Postgres => {
                // The next value is past every day's last number, so each day's first value
                // (next value - last number) is at least 1.
                let next = self.0.values().copied().max().unwrap_or(0) + 1;
                txn.execute(Statement::from_sql_and_values(
                    backend,
                    "SELECT setval('ticket_numbers', $1, false)",
                    [next.into()],
                ))
                .await?;
                for (day, last) in &self.0 {
                    txn.execute(Statement::from_sql_and_values(
                        backend,
                        "INSERT INTO ticket_number_days (day, first_value) VALUES ($1, $2)",
                        [day.clone().into(), (next - last).into()],
                    ))
                    .await?;
                }
            }
            _ => {
                for (day, last) in &self.0 {
                    txn.execute(Statement::from_sql_and_values(
                        backend,
                        "INSERT INTO ticket_day_counters (day, last_sequence) VALUES (?, ?)",
                        [day.clone().into(), (*last).into()],
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}

/// `T20261205.0042` → (`20261205`, 42).
fn day_and_sequence(number: &str) -> Option<(String, i64)> {
    let (day, sequence) = number.strip_prefix('T')?.split_once('.')?;
    Some((day.to_owned(), sequence.parse().ok()?))
}

/// The rows and checksum of every table as `db` holds them now.
pub async fn tally(db: &DatabaseConnection) -> Result<BTreeMap<String, Tally>, TransferError> {
    let txn = snapshot(db).await?;
    let mut tallies = BTreeMap::new();
    for table in tables::all() {
        let mut tally = Tally::default();
        let mut rows = table.rows(&txn).await?;
        while let Some(row) = rows.try_next().await? {
            tally.add(&row);
        }
        drop(rows);
        tallies.insert(table.name().to_owned(), tally);
    }
    txn.rollback().await?;
    Ok(tallies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_give_their_day_and_sequence() {
        assert_eq!(
            day_and_sequence("T20261205.0042"),
            Some(("20261205".to_owned(), 42))
        );
        assert_eq!(day_and_sequence("20261205.0042"), None);
        assert_eq!(day_and_sequence("T20261205"), None);
    }
}
