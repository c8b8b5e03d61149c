//! Reply by email: the Message-IDs already turned into follow-ups or tickets (so a message
//! delivered twice counts once), and the messages refused, kept whole for the support team.
use sea_orm_migration::prelude::*;

use crate::columns::{id, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InboundMails {
    Table,
    Id,
    MessageId,
    TicketId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum RejectedMails {
    Table,
    Id,
    MessageId,
    Sender,
    Recipients,
    Subject,
    Reason,
    Raw,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InboundMails::Table)
                    .col(id(InboundMails::Id))
                    // Unique: the second delivery of a message fails to insert and creates nothing.
                    .col(
                        ColumnDef::new(InboundMails::MessageId)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(InboundMails::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(InboundMails::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InboundMails::Table, InboundMails::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RejectedMails::Table)
                    .col(id(RejectedMails::Id))
                    .col(ColumnDef::new(RejectedMails::MessageId).string().not_null())
                    .col(ColumnDef::new(RejectedMails::Sender).string().not_null())
                    .col(ColumnDef::new(RejectedMails::Recipients).text().not_null())
                    .col(ColumnDef::new(RejectedMails::Subject).text().not_null())
                    .col(ColumnDef::new(RejectedMails::Reason).string().not_null())
                    .col(ColumnDef::new(RejectedMails::Raw).binary().not_null())
                    .col(time(RejectedMails::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RejectedMails::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InboundMails::Table).to_owned())
            .await
    }
}
