//! Ticket numbers: `T` + the creation date in the provider's time zone + `.` + the
//! sequence of that day.
//!
//! The number is taken in the ticket's own transaction, so a creation commits once.
//! - PostgreSQL: a value of the `ticket_numbers` sequence, counted from the first value
//!   taken that day (`ticket_number_days`). `nextval` is not transactional and the day's row
//!   is written once, by its first creation, so concurrent creations do not wait for each
//!   other's commits.
//! - SQLite: the day's counter row, bumped in the transaction: SQLite runs one writer at a
//!   time anyway (the write gate).
//!
//! A creation that fails after taking its number leaves a gap, which SPEC.md allows.
use chrono::{DateTime, NaiveDate, Utc};
use guichet_types::TicketNumber;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::{ApiError, ApiResult};

/// The number of a ticket created at `now`, taken in the creation's transaction `txn`.
pub async fn allocate(
    txn: &impl ConnectionTrait,
    time_zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> ApiResult<TicketNumber> {
    let date = now.with_timezone(&time_zone).date_naive();
    let sequence = match txn.get_database_backend() {
        DbBackend::Postgres => from_sequence(txn, date).await?,
        _ => from_day_counter(txn, date).await?,
    };
    Ok(TicketNumber::new(date, sequence.max(1) as u64))
}

fn day_key(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

async fn from_day_counter(txn: &impl ConnectionTrait, date: NaiveDate) -> ApiResult<i64> {
    let row = txn
        .query_one(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO ticket_day_counters (day, last_sequence) VALUES (?, 1) \
             ON CONFLICT (day) DO UPDATE SET last_sequence = ticket_day_counters.last_sequence + 1 \
             RETURNING last_sequence",
            [day_key(date).into()],
        ))
        .await?
        .ok_or_else(|| ApiError::internal("the day counter returned nothing"))?;
    Ok(row.try_get_by_index(0)?)
}

/// The day's sequence on PostgreSQL, in one statement: the next value, made the day's first
/// value if the day has none (the day's first creation writes its row; another creation of
/// that moment waits for its commit, once a day), and the day's first value.
async fn from_sequence(txn: &impl ConnectionTrait, date: NaiveDate) -> ApiResult<i64> {
    let day = day_key(date);
    // A value taken before another creation started the day is below the day's first value:
    // take another, which comes after it. Two rounds always do; the bound is a safeguard.
    for _ in 0..4 {
        let row = txn
            .query_one(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "WITH next AS (SELECT nextval('ticket_numbers') AS value), \
                 started AS (INSERT INTO ticket_number_days (day, first_value) \
                   SELECT $1, value FROM next ON CONFLICT (day) DO NOTHING RETURNING first_value) \
                 SELECT next.value, COALESCE((SELECT first_value FROM started), \
                   (SELECT first_value FROM ticket_number_days WHERE day = $1)) FROM next",
                [day.clone().into()],
            ))
            .await?
            .ok_or_else(|| ApiError::internal("nextval returned nothing"))?;
        let value: i64 = row.try_get_by_index(0)?;
        let first = match row.try_get_by_index::<Option<i64>>(1)? {
            Some(first) => first,
            // Another creation started the day after this statement's snapshot was taken.
            None => first_value(txn, &day).await?,
        };
        if value >= first {
            return Ok(value - first + 1);
        }
    }
    Err(ApiError::internal(
        "no ticket number after the day's first value",
    ))
}

async fn first_value(txn: &impl ConnectionTrait, day: &str) -> ApiResult<i64> {
    let row = txn
        .query_one(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT first_value FROM ticket_number_days WHERE day = $1",
            [day.into()],
        ))
        .await?
        .ok_or_else(|| ApiError::internal("the day's first value vanished"))?;
    Ok(row.try_get_by_index(0)?)
}
