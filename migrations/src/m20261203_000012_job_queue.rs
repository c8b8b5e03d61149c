//! One job queue for the background work (`jobs`): mail delivery and account mail become
//! jobs. `outbox_messages` stays the store of the mails themselves (with `sent_at`); its
//! delivery columns move to the jobs of its pending and dead messages, and accepted account
//! mail requests not acted upon yet get their job too.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    State,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LeasedBy,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Status,
    Attempts,
    NextAttemptAt,
    LeasedUntil,
    LastError,
}

/// The outbox's delivery columns, dropped once their state is in `jobs`.
const DELIVERY_COLUMNS: [OutboxMessages; 5] = [
    OutboxMessages::Status,
    OutboxMessages::Attempts,
    OutboxMessages::NextAttemptAt,
    OutboxMessages::LeasedUntil,
    OutboxMessages::LastError,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(id(Jobs::Id))
                    .col(ColumnDef::new(Jobs::Kind).string().not_null())
                    .col(ColumnDef::new(Jobs::Payload).text().not_null())
                    .col(
                        ColumnDef::new(Jobs::State)
                            .string()
                            .not_null()
                            .default("pending")
                            .check(Expr::col(Jobs::State).is_in(["pending", "dead"])),
                    )
                    .col(
                        ColumnDef::new(Jobs::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(time(Jobs::NextAttemptAt))
                    .col(optional_time(Jobs::LeaseUntil))
                    .col(ColumnDef::new(Jobs::LeasedBy).string().null())
                    .col(ColumnDef::new(Jobs::LastError).text().null())
                    .col(time(Jobs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // The claim: pending jobs that are due, oldest first.
        manager
            .create_index(
                Index::create()
                    .name("jobs_due")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let (mail_payload, request_payload) = match manager.get_database_backend() {
            DbBackend::Postgres => (
                "json_build_object('message_id', message_id)::text",
                "json_build_object('request_id', id)::text",
            ),
            _ => (
                "json_object('message_id', message_id)",
                "json_object('request_id', id)",
            ),
        };
        db.execute_unprepared(&format!(
            "INSERT INTO jobs (kind, payload, state, attempts, next_attempt_at, last_error, created_at) \
             SELECT 'deliver_mail', {mail_payload}, CASE WHEN status = 'dead' THEN 'dead' ELSE 'pending' END, \
             attempts, next_attempt_at, last_error, created_at \
             FROM outbox_messages WHERE status <> 'sent' ORDER BY id"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO jobs (kind, payload, state, attempts, next_attempt_at, created_at) \
             SELECT 'account_mail', {request_payload}, 'pending', 0, at, at \
             FROM account_mail_requests WHERE accepted AND done_at IS NULL ORDER BY id"
        ))
        .await?;

        manager
            .drop_index(
                Index::drop()
                    .name("outbox_due")
                    .table(OutboxMessages::Table)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters a table one change at a time.
        for column in DELIVERY_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(OutboxMessages::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The delivery state comes back coarser: unsent messages are pending again (the dead
        // ones included), attempts start over.
        let columns = [
            ColumnDef::new(OutboxMessages::Status)
                .string()
                .not_null()
                .default("sent")
                .to_owned(),
            ColumnDef::new(OutboxMessages::Attempts)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(OutboxMessages::NextAttemptAt)
                .timestamp_with_time_zone()
                .not_null()
                .default("1970-01-01 00:00:00+00:00")
                .to_owned(),
            optional_time(OutboxMessages::LeasedUntil),
            ColumnDef::new(OutboxMessages::LastError)
                .text()
                .null()
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(OutboxMessages::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE outbox_messages SET status = 'pending' WHERE sent_at IS NULL",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_due")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::Status)
                    .col(OutboxMessages::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
