//! On PostgreSQL, ticket numbers come from a sequence instead of the per-day counter row,
//! so that a creation takes its number inside its own transaction without holding a lock
//! until it commits (`nextval` is not transactional). A day's numbers are the sequence's
//! values counted from the first value taken that day, kept in `ticket_number_days`.
//! SQLite serializes writers anyway and keeps the counter row.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for statement in [
            "CREATE SEQUENCE ticket_numbers",
            "CREATE TABLE ticket_number_days (day VARCHAR(8) NOT NULL PRIMARY KEY, first_value BIGINT NOT NULL)",
            // The sequence's first value (1) continues each day after its counter.
            "INSERT INTO ticket_number_days (day, first_value) SELECT day, 1 - last_sequence FROM ticket_day_counters",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        // The counters continue after the numbers the sequence gave.
        for statement in [
            "INSERT INTO ticket_day_counters (day, last_sequence) \
             SELECT d.day, s.last_value - d.first_value + 1 FROM ticket_number_days d, ticket_numbers s \
             WHERE s.last_value >= d.first_value \
             ON CONFLICT (day) DO UPDATE SET last_sequence = GREATEST(ticket_day_counters.last_sequence, EXCLUDED.last_sequence)",
            "DROP TABLE ticket_number_days",
            "DROP SEQUENCE ticket_numbers",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
