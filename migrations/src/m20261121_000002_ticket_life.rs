//! The ticket's life: shares (watchers), attachments, satisfaction, idempotent retries.
use sea_orm_migration::prelude::*;

use crate::columns::{id, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    Status,
    ResolvedAt,
    SatisfactionRating,
    SatisfactionComment,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TicketWatchers {
    Table,
    Id,
    TicketId,
    Email,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    TicketId,
    FileName,
    ContentType,
    Size,
    Sha256,
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    UserId,
    Scope,
    Key,
    RequestHash,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TicketWatchers::Table)
                    .col(id(TicketWatchers::Id))
                    .col(
                        ColumnDef::new(TicketWatchers::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(TicketWatchers::Email).string().not_null())
                    // The account of the ticket's company with this address, if any: it sees the ticket.
                    .col(ColumnDef::new(TicketWatchers::UserId).big_integer().null())
                    .col(time(TicketWatchers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TicketWatchers::Table, TicketWatchers::TicketId)
                            .to(Tickets::Table, Tickets::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TicketWatchers::Table, TicketWatchers::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .col(TicketWatchers::TicketId)
                            .col(TicketWatchers::Email),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ticket_watchers_user")
                    .table(TicketWatchers::Table)
                    .col(TicketWatchers::UserId)
                    .col(TicketWatchers::TicketId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(id(Attachments::Id))
                    .col(
                        ColumnDef::new(Attachments::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Attachments::FileName).string().not_null())
                    .col(ColumnDef::new(Attachments::ContentType).string().not_null())
                    .col(ColumnDef::new(Attachments::Size).big_integer().not_null())
                    .col(ColumnDef::new(Attachments::Sha256).string().not_null())
                    .col(
                        ColumnDef::new(Attachments::StorageKey)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Attachments::UploadedBy)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(Attachments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attachments::Table, Attachments::TicketId)
                            .to(Tickets::Table, Tickets::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Attachments::Table, Attachments::UploadedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("attachments_ticket")
                    .table(Attachments::Table)
                    .col(Attachments::TicketId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tickets::Table)
                    .add_column(
                        ColumnDef::new(Tickets::SatisfactionRating)
                            .small_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tickets::Table)
                    .add_column(ColumnDef::new(Tickets::SatisfactionComment).text().null())
                    .to_owned(),
            )
            .await?;
        // The auto-close job looks for resolved tickets by resolution time.
        manager
            .create_index(
                Index::create()
                    .name("tickets_status_resolved")
                    .table(Tickets::Table)
                    .col(Tickets::Status)
                    .col(Tickets::ResolvedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(id(IdempotencyKeys::Id))
                    .col(
                        ColumnDef::new(IdempotencyKeys::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(IdempotencyKeys::Scope).string().not_null())
                    .col(ColumnDef::new(IdempotencyKeys::Key).string().not_null())
                    .col(
                        ColumnDef::new(IdempotencyKeys::RequestHash)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IdempotencyKeys::ResponseStatus)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IdempotencyKeys::ResponseBody)
                            .text()
                            .not_null(),
                    )
                    .col(time(IdempotencyKeys::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdempotencyKeys::Table, IdempotencyKeys::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .col(IdempotencyKeys::UserId)
                            .col(IdempotencyKeys::Scope)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("tickets_status_resolved")
                    .table(Tickets::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Tickets::SatisfactionComment, Tickets::SatisfactionRating] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tickets::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TicketWatchers::Table).to_owned())
            .await
    }
}
