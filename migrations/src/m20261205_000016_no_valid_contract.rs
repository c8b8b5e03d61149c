//! A mail from a customer whose company has no contract valid today opens no ticket: it is
//! kept with its own reason, `no_valid_contract`, which the check on `rejected_mails.reason`
//! (migration 000014: a CHECK constraint on PostgreSQL, triggers on SQLite) now takes.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The reasons as migration 000014 wrote them.
const BEFORE: &[&str] = &[
    "unreadable",
    "too_large",
    "auto_reply",
    "unknown_recipient",
    "bad_signature",
    "unknown_sender",
    "not_allowed",
    "ticket_closed",
    "empty",
    "attachment_too_large",
    "no_category",
];
const ADDED: &str = "no_valid_contract";
const NAME: &str = "rejected_mails_reason_valid";

/// Replaces the check of `rejected_mails.reason` by one allowing `allowed`.
async fn allow(manager: &SchemaManager<'_>, allowed: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let values = allowed
        .iter()
        .map(|value| format!("'{value}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if manager.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!(
            r#"ALTER TABLE "rejected_mails" DROP CONSTRAINT "{NAME}""#
        ))
        .await?;
        db.execute_unprepared(&format!(
            r#"ALTER TABLE "rejected_mails" ADD CONSTRAINT "{NAME}" CHECK ("reason" IN ({values}))"#
        ))
        .await?;
        return Ok(());
    }
    // One call per trigger: the pool's connections may not all see a dropped trigger yet.
    for (suffix, event) in [("insert", "INSERT"), ("update", r#"UPDATE OF "reason""#)] {
        db.execute_unprepared(&format!(
            r#"DROP TRIGGER "{NAME}_{suffix}";
               CREATE TRIGGER "{NAME}_{suffix}" BEFORE {event} ON "rejected_mails"
               WHEN NEW."reason" NOT IN ({values})
               BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END"#
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut allowed = BEFORE.to_vec();
        allowed.push(ADDED);
        allow(manager, &allowed).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        allow(manager, BEFORE).await
    }
}
