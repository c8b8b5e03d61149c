//! Webhooks (issue 15): the endpoints admins register (`webhooks`) and every event sent to
//! each of them (`webhook_deliveries`, kept 14 days). A delivery is unique per endpoint and
//! timeline event, so an event is queued once per endpoint whatever the instances; test
//! events have no timeline event. The endpoints' counter in `cache_versions` tells every
//! instance when its copy of the active endpoints is stale.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Events,
    CompanyId,
    IncludeInternal,
    Active,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    FailingSince,
    DisabledAt,
    DisabledReason,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
    MessageId,
    TicketId,
    Event,
    Payload,
    State,
    Attempts,
    NextAttemptAt,
    StatusCode,
    Error,
    ResponseExcerpt,
    RequestedAt,
    DurationMs,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TicketEvents {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(id(Webhooks::Id))
                    .col(ColumnDef::new(Webhooks::Url).text().not_null())
                    // A JSON array of event names.
                    .col(ColumnDef::new(Webhooks::Events).text().not_null())
                    .col(ColumnDef::new(Webhooks::CompanyId).big_integer().null())
                    .col(
                        ColumnDef::new(Webhooks::IncludeInternal)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Webhooks::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    // Encrypted with a key derived from the server's token key: it signs, so
                    // it cannot be hashed.
                    .col(ColumnDef::new(Webhooks::Secret).text().not_null())
                    .col(ColumnDef::new(Webhooks::PreviousSecret).text().null())
                    .col(optional_time(Webhooks::PreviousSecretUntil))
                    .col(ColumnDef::new(Webhooks::CreatedBy).big_integer().null())
                    .col(time(Webhooks::CreatedAt))
                    .col(time(Webhooks::UpdatedAt))
                    .col(optional_time(Webhooks::FailingSince))
                    .col(optional_time(Webhooks::DisabledAt))
                    .col(ColumnDef::new(Webhooks::DisabledReason).text().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Webhooks::Table, Webhooks::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Webhooks::Table, Webhooks::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(id(WebhookDeliveries::Id))
                    .col(
                        ColumnDef::new(WebhookDeliveries::WebhookId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(WebhookDeliveries::EventId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(WebhookDeliveries::MessageId)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(WebhookDeliveries::TicketId)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(WebhookDeliveries::Event).string().not_null())
                    .col(ColumnDef::new(WebhookDeliveries::Payload).text().not_null())
                    .col(
                        ColumnDef::new(WebhookDeliveries::State)
                            .string()
                            .not_null()
                            .default("pending")
                            .check(Expr::col(WebhookDeliveries::State).is_in([
                                "pending",
                                "delivered",
                                "dead",
                            ])),
                    )
                    .col(
                        ColumnDef::new(WebhookDeliveries::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(optional_time(WebhookDeliveries::NextAttemptAt))
                    .col(
                        ColumnDef::new(WebhookDeliveries::StatusCode)
                            .integer()
                            .null(),
                    )
                    .col(ColumnDef::new(WebhookDeliveries::Error).text().null())
                    .col(
                        ColumnDef::new(WebhookDeliveries::ResponseExcerpt)
                            .text()
                            .null(),
                    )
                    .col(optional_time(WebhookDeliveries::RequestedAt))
                    .col(
                        ColumnDef::new(WebhookDeliveries::DurationMs)
                            .integer()
                            .null(),
                    )
                    .col(time(WebhookDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::EventId)
                            .to(TicketEvents::Table, TicketEvents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            // Once per endpoint and event (test events, without one, are not concerned).
            (
                "webhook_deliveries_once",
                vec![WebhookDeliveries::WebhookId, WebhookDeliveries::EventId],
                true,
            ),
            // An endpoint's deliveries, newest first.
            (
                "webhook_deliveries_by_webhook",
                vec![WebhookDeliveries::WebhookId, WebhookDeliveries::Id],
                false,
            ),
            // The earlier pending deliveries of an endpoint and ticket, which go first.
            (
                "webhook_deliveries_in_order",
                vec![
                    WebhookDeliveries::TicketId,
                    WebhookDeliveries::WebhookId,
                    WebhookDeliveries::State,
                    WebhookDeliveries::Id,
                ],
                false,
            ),
            // The purge of deliveries older than 14 days.
            (
                "webhook_deliveries_created",
                vec![WebhookDeliveries::CreatedAt],
                false,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(WebhookDeliveries::Table);
            for column in columns {
                index.col(column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .get_connection()
            .execute_unprepared("INSERT INTO cache_versions (name, version) VALUES ('webhooks', 0)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM cache_versions WHERE name = 'webhooks'")
            .await?;
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Webhooks::Table).to_owned())
            .await
    }
}
