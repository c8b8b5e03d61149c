//! Consented support access (issue 17): an agent's request for access to a ticket's
//! requester's account, the customer's answer (a grant until a time, a refusal, a
//! revocation), and the assisted sessions started under a grant. Ticket events keep the
//! agent of the assisted session that made them (`assisted_by`, `support_session_id`), so the
//! timeline shows both names and the session's end mail lists its changes.
use sea_orm_migration::prelude::*;

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupportAccesses {
    Table,
    Id,
    TicketId,
    CustomerId,
    AgentId,
    RequestedAt,
    GrantedAt,
    Until,
    Note,
    RefusedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SupportSessions {
    Table,
    Id,
    AccessId,
    AgentId,
    StartedAt,
    ExpiresAt,
    EndedAt,
    EndReason,
}

#[derive(DeriveIden)]
enum TicketEvents {
    Table,
    AssistedBy,
    SupportSessionId,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let user = |column: SupportAccesses| {
            ForeignKey::create()
                .from(SupportAccesses::Table, column)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade)
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(SupportAccesses::Table)
                    .col(id(SupportAccesses::Id))
                    .col(
                        ColumnDef::new(SupportAccesses::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SupportAccesses::CustomerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SupportAccesses::AgentId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(SupportAccesses::RequestedAt))
                    .col(optional_time(SupportAccesses::GrantedAt))
                    .col(optional_time(SupportAccesses::Until))
                    .col(ColumnDef::new(SupportAccesses::Note).text().null())
                    .col(optional_time(SupportAccesses::RefusedAt))
                    .col(optional_time(SupportAccesses::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportAccesses::Table, SupportAccesses::TicketId)
                            .to(Tickets::Table, Tickets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut user(SupportAccesses::CustomerId))
                    .foreign_key(&mut user(SupportAccesses::AgentId))
                    .to_owned(),
            )
            .await?;
        // A ticket's accesses (its panel, the one-open-access rule), newest first.
        index(
            manager,
            "support_accesses_ticket",
            SupportAccesses::Table,
            [SupportAccesses::TicketId, SupportAccesses::Id],
        )
        .await?;
        // A customer's accesses (`GET /me/support-access`), newest first.
        index(
            manager,
            "support_accesses_customer",
            SupportAccesses::Table,
            [SupportAccesses::CustomerId, SupportAccesses::Id],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(SupportSessions::Table)
                    .col(id(SupportSessions::Id))
                    .col(
                        ColumnDef::new(SupportSessions::AccessId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SupportSessions::AgentId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(SupportSessions::StartedAt))
                    .col(time(SupportSessions::ExpiresAt))
                    .col(optional_time(SupportSessions::EndedAt))
                    // `agent`, `revoked` or `expired` (guichet_types::SupportSessionEnd).
                    .col(ColumnDef::new(SupportSessions::EndReason).string().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportSessions::Table, SupportSessions::AccessId)
                            .to(SupportAccesses::Table, SupportAccesses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportSessions::Table, SupportSessions::AgentId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // An access's sessions (its reads, revocation ending the live ones).
        index(
            manager,
            "support_sessions_access",
            SupportSessions::Table,
            [SupportSessions::AccessId, SupportSessions::Id],
        )
        .await?;
        // The sweep that ends the sessions past their end (`support_access::service::end_expired`).
        index(
            manager,
            "support_sessions_expiry",
            SupportSessions::Table,
            [SupportSessions::ExpiresAt],
        )
        .await?;
        // Plain columns: SQLite cannot add a foreign key to an existing table.
        for column in [TicketEvents::AssistedBy, TicketEvents::SupportSessionId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TicketEvents::Table)
                        .add_column(ColumnDef::new(column).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        // The changes of one session, for its end mail.
        index(
            manager,
            "ticket_events_support_session",
            TicketEvents::Table,
            [TicketEvents::SupportSessionId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ticket_events_support_session")
                    .table(TicketEvents::Table)
                    .to_owned(),
            )
            .await?;
        for column in [TicketEvents::SupportSessionId, TicketEvents::AssistedBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TicketEvents::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SupportSessions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SupportAccesses::Table).to_owned())
            .await
    }
}

async fn index<T: IntoIden + 'static, C: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: impl IntoIterator<Item = C>,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    manager.create_index(index.to_owned()).await
}
