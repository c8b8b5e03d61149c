//! The event feed's order (issue 15): each ticket event keeps the id of the transaction that
//! wrote it (`txid`), so that `GET /events` can read, in (txid, id) order, only events no
//! running transaction can still precede (`tickets::feed`). On PostgreSQL the column's default
//! is the writing transaction's id, so no insert names it; SQLite has one writer at a time, so
//! id order is already commit order there and `txid` stays 0.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TicketEvents {
    Table,
    Txid,
    Id,
}

const INDEX: &str = "ticket_events_feed";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                // Existing rows get this migration's transaction id: all equal, in id order.
                manager
                    .get_connection()
                    .execute_unprepared(
                        "ALTER TABLE ticket_events ADD COLUMN txid BIGINT NOT NULL \
                         DEFAULT (pg_current_xact_id()::text::bigint)",
                    )
                    .await?;
            }
            _ => {
                manager
                    .alter_table(
                        Table::alter()
                            .table(TicketEvents::Table)
                            .add_column(
                                ColumnDef::new(TicketEvents::Txid)
                                    .big_integer()
                                    .not_null()
                                    .default(0),
                            )
                            .to_owned(),
                    )
                    .await?;
            }
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(TicketEvents::Table)
                    .col(TicketEvents::Txid)
                    .col(TicketEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(TicketEvents::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TicketEvents::Table)
                    .drop_column(TicketEvents::Txid)
                    .to_owned(),
            )
            .await
    }
}
