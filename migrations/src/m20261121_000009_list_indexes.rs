//! A customer's list filtered by status (the open tickets, the default view) finds its page
//! through one index instead of intersecting the customer's tickets with every open ticket
//! (docs/BENCHMARKS.md).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tickets {
    Table,
    RequesterId,
    Status,
    UpdatedAt,
    Id,
}

const NAME: &str = "tickets_requester_status_updated";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Tickets::Table)
                    .col(Tickets::RequesterId)
                    .col(Tickets::Status)
                    .col(Tickets::UpdatedAt)
                    .col(Tickets::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(Tickets::Table).to_owned())
            .await
    }
}
