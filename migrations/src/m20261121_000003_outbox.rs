//! The mail outbox: messages written in the same transaction as the change they announce,
//! delivered by a background worker.
use sea_orm_migration::prelude::*;

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    CreatedAt,
    Recipient,
    Subject,
    TextBody,
    HtmlBody,
    MessageId,
    ThreadId,
    ReplyTo,
    Status,
    Attempts,
    NextAttemptAt,
    LeasedUntil,
    LastError,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxMessages::Table)
                    .col(id(OutboxMessages::Id))
                    .col(time(OutboxMessages::CreatedAt))
                    .col(
                        ColumnDef::new(OutboxMessages::Recipient)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(OutboxMessages::Subject).string().not_null())
                    .col(ColumnDef::new(OutboxMessages::TextBody).text().not_null())
                    .col(ColumnDef::new(OutboxMessages::HtmlBody).text().not_null())
                    .col(
                        ColumnDef::new(OutboxMessages::MessageId)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    // The Message-ID the mail answers (its thread), if any.
                    .col(ColumnDef::new(OutboxMessages::ThreadId).string().null())
                    .col(ColumnDef::new(OutboxMessages::ReplyTo).string().null())
                    .col(ColumnDef::new(OutboxMessages::Status).string().not_null())
                    .col(
                        ColumnDef::new(OutboxMessages::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(time(OutboxMessages::NextAttemptAt))
                    .col(optional_time(OutboxMessages::LeasedUntil))
                    .col(ColumnDef::new(OutboxMessages::LastError).text().null())
                    .col(optional_time(OutboxMessages::SentAt))
                    .to_owned(),
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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OutboxMessages::Table).to_owned())
            .await
    }
}
