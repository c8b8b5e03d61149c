//! Ticket numbers: `T` + the creation date in the provider's time zone + `.` + the
//! sequence of that day.
//!
//! The sequence comes from one upsert on the day's counter row, run in a statement of its
//! own before the ticket's transaction: the row is locked only for that statement, so
//! concurrent creations do not wait for each other's commits. A creation that fails
//! after taking its number leaves a gap, which SPEC.md allows.
use chrono::{DateTime, Utc};
use guichet_types::TicketNumber;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::db::WriteGate;

use crate::error::{ApiError, ApiResult};

pub async fn allocate(
    writes: &WriteGate,
    db: &DatabaseConnection,
    time_zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> ApiResult<TicketNumber> {
    let date = now.with_timezone(&time_zone).date_naive();
    let day = date.format("%Y%m%d").to_string();
    let sql = "INSERT INTO ticket_day_counters (day, last_sequence) VALUES ($1, 1) \
               ON CONFLICT (day) DO UPDATE SET last_sequence = ticket_day_counters.last_sequence + 1 \
               RETURNING last_sequence";
    let backend = db.get_database_backend();
    let sql = if backend == DbBackend::Sqlite {
        sql.replace("$1", "?")
    } else {
        sql.to_owned()
    };
    let (txn, _turn) = writes.begin(db).await?;
    let row = txn
        .query_one(Statement::from_sql_and_values(backend, sql, [day.into()]))
        .await?
        .ok_or_else(|| ApiError::internal("the day counter returned nothing"))?;
    txn.commit().await?;
    let sequence: i64 = row.try_get_by_index(0)?;
    Ok(TicketNumber::new(date, sequence.max(1) as u64))
}
