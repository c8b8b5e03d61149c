//! Announcements of the support team, shown on the landing page.
use sea_orm_migration::prelude::*;

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Announcements {
    Table,
    Id,
    Title,
    Body,
    Locale,
    StartsAt,
    EndsAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Announcements::Table)
                    .col(id(Announcements::Id))
                    .col(ColumnDef::new(Announcements::Title).string().not_null())
                    .col(ColumnDef::new(Announcements::Body).text().not_null())
                    .col(ColumnDef::new(Announcements::Locale).string().null())
                    .col(time(Announcements::StartsAt))
                    .col(optional_time(Announcements::EndsAt))
                    .col(time(Announcements::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("announcements_starts_at")
                    .table(Announcements::Table)
                    .col(Announcements::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Announcements::Table).to_owned())
            .await
    }
}
