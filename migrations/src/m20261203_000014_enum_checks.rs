//! The columns that hold a closed vocabulary (a ticket's kind, status, urgency and impact, a
//! user's role and language, a rejected mail's reason…) refuse any other value: a CHECK
//! constraint on PostgreSQL; on SQLite, which cannot add one to an existing table, a pair of
//! triggers (insert, update of the column) that abort the write the same way.
//!
//! The lists are written out here, as they are at this migration: a later variant adds its
//! value with a migration of its own.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const LEVELS: &[&str] = &["very_low", "low", "medium", "high", "very_high"];
const LOCALES: &[&str] = &["fr", "en"];
const KINDS: &[&str] = &["incident", "request"];

/// (table, column, allowed values); a NULL passes, as in a CHECK constraint.
const CHECKS: &[(&str, &str, &[&str])] = &[
    ("tickets", "kind", KINDS),
    (
        "tickets",
        "status",
        &["new", "in_progress", "waiting", "resolved", "closed"],
    ),
    ("tickets", "urgency", LEVELS),
    ("tickets", "impact", LEVELS),
    ("users", "role", &["customer", "referent", "agent", "admin"]),
    ("users", "locale", LOCALES),
    ("categories", "kind", KINDS),
    ("announcements", "locale", LOCALES),
    ("account_mail_requests", "locale", LOCALES),
    (
        "rejected_mails",
        "reason",
        &[
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
        ],
    ),
];

fn name(table: &str, column: &str) -> String {
    format!("{table}_{column}_valid")
}

fn values(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|value| format!("'{value}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        for (table, column, allowed) in CHECKS {
            let name = name(table, column);
            let values = values(allowed);
            if postgres {
                db.execute_unprepared(&format!(
                    r#"ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ("{column}" IN ({values}))"#
                ))
                .await?;
            } else {
                for (suffix, event) in [
                    ("insert", "INSERT".to_owned()),
                    ("update", format!(r#"UPDATE OF "{column}""#)),
                ] {
                    db.execute_unprepared(&format!(
                        r#"CREATE TRIGGER "{name}_{suffix}" BEFORE {event} ON "{table}"
                           WHEN NEW."{column}" NOT IN ({values})
                           BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"#
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DbBackend::Postgres;
        for (table, column, _) in CHECKS {
            let name = name(table, column);
            if postgres {
                db.execute_unprepared(&format!(
                    r#"ALTER TABLE "{table}" DROP CONSTRAINT "{name}""#
                ))
                .await?;
            } else {
                for suffix in ["insert", "update"] {
                    db.execute_unprepared(&format!(r#"DROP TRIGGER "{name}_{suffix}""#))
                        .await?;
                }
            }
        }
        Ok(())
    }
}
