//! Companies, users, sessions, reference data, tickets, their timeline and full-text index.
use sea_orm_migration::prelude::*;

use crate::columns::{id, optional_time, text, time};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Name,
    ServiceCode,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CompanyContacts {
    Table,
    Id,
    CompanyId,
    Email,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    CompanyId,
    Role,
    Email,
    PasswordHash,
    MustChangePassword,
    Prefix,
    FirstName,
    LastName,
    Suffix,
    Title,
    OfficePhone,
    Extension,
    MobilePhone,
    Fax,
    Locale,
    ShowLandingPage,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    ThrottleKey,
    At,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ParentId,
    Kind,
    NameFr,
    NameEn,
    Position,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
    CompanyId,
    Name,
    Reference,
}

#[derive(DeriveIden)]
enum TicketDayCounters {
    Table,
    Day,
    LastSequence,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    Number,
    Kind,
    Status,
    Urgency,
    Impact,
    Priority,
    Title,
    Description,
    SearchText,
    CategoryId,
    AssetId,
    RequesterId,
    CompanyId,
    AssigneeId,
    Notify,
    NotifyEmail,
    CreatedAt,
    UpdatedAt,
    ResolvedAt,
    ClosedAt,
    Version,
}

#[derive(DeriveIden)]
enum TicketEvents {
    Table,
    Id,
    TicketId,
    At,
    ActorId,
    Event,
    Internal,
    Details,
}

fn foreign(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

async fn ticket_index(
    manager: &SchemaManager<'_>,
    name: &str,
    columns: Vec<Tickets>,
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(Tickets::Table).to_owned();
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(id(Companies::Id))
                    .col(ColumnDef::new(Companies::Name).string().not_null())
                    .col(
                        ColumnDef::new(Companies::ServiceCode)
                            .string_len(4)
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(Companies::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompanyContacts::Table)
                    .col(id(CompanyContacts::Id))
                    .col(
                        ColumnDef::new(CompanyContacts::CompanyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CompanyContacts::Email).string().not_null())
                    .foreign_key(&mut foreign(
                        (CompanyContacts::Table, CompanyContacts::CompanyId),
                        (Companies::Table, Companies::Id),
                    ))
                    .index(
                        Index::create()
                            .unique()
                            .col(CompanyContacts::CompanyId)
                            .col(CompanyContacts::Email),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(ColumnDef::new(Users::CompanyId).big_integer().null())
                    .col(ColumnDef::new(Users::Role).string().not_null())
                    .col(
                        ColumnDef::new(Users::Email)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Users::PasswordHash).string().not_null())
                    .col(
                        ColumnDef::new(Users::MustChangePassword)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text(Users::Prefix))
                    .col(text(Users::FirstName))
                    .col(text(Users::LastName))
                    .col(text(Users::Suffix))
                    .col(text(Users::Title))
                    .col(text(Users::OfficePhone))
                    .col(text(Users::Extension))
                    .col(text(Users::MobilePhone))
                    .col(text(Users::Fax))
                    .col(
                        ColumnDef::new(Users::Locale)
                            .string()
                            .not_null()
                            .default("fr"),
                    )
                    .col(
                        ColumnDef::new(Users::ShowLandingPage)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(time(Users::CreatedAt))
                    .col(time(Users::UpdatedAt))
                    .foreign_key(&mut foreign(
                        (Users::Table, Users::CompanyId),
                        (Companies::Table, Companies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_company")
                    .table(Users::Table)
                    .col(Users::CompanyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(id(Sessions::Id))
                    .col(ColumnDef::new(Sessions::UserId).big_integer().not_null())
                    .col(time(Sessions::CreatedAt))
                    .col(optional_time(Sessions::RevokedAt))
                    .foreign_key(&mut foreign(
                        (Sessions::Table, Sessions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(id(RefreshTokens::Id))
                    .col(
                        ColumnDef::new(RefreshTokens::SessionId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RefreshTokens::TokenHash)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(RefreshTokens::CreatedAt))
                    .col(time(RefreshTokens::ExpiresAt))
                    .col(optional_time(RefreshTokens::UsedAt))
                    .foreign_key(&mut foreign(
                        (RefreshTokens::Table, RefreshTokens::SessionId),
                        (Sessions::Table, Sessions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("refresh_tokens_session")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::SessionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(id(LoginFailures::Id))
                    .col(
                        ColumnDef::new(LoginFailures::ThrottleKey)
                            .string()
                            .not_null(),
                    )
                    .col(time(LoginFailures::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("login_failures_key_at")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::ThrottleKey)
                    .col(LoginFailures::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(id(Categories::Id))
                    .col(ColumnDef::new(Categories::ParentId).big_integer().null())
                    .col(ColumnDef::new(Categories::Kind).string().null())
                    .col(ColumnDef::new(Categories::NameFr).string().not_null())
                    .col(ColumnDef::new(Categories::NameEn).string().not_null())
                    .col(
                        ColumnDef::new(Categories::Position)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .foreign_key(&mut foreign(
                        (Categories::Table, Categories::ParentId),
                        (Categories::Table, Categories::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Assets::Table)
                    .col(id(Assets::Id))
                    .col(ColumnDef::new(Assets::CompanyId).big_integer().not_null())
                    .col(ColumnDef::new(Assets::Name).string().not_null())
                    .col(text(Assets::Reference))
                    .foreign_key(&mut foreign(
                        (Assets::Table, Assets::CompanyId),
                        (Companies::Table, Companies::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("assets_company")
                    .table(Assets::Table)
                    .col(Assets::CompanyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TicketDayCounters::Table)
                    .col(
                        ColumnDef::new(TicketDayCounters::Day)
                            .string_len(8)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(TicketDayCounters::LastSequence)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tickets::Table)
                    .col(id(Tickets::Id))
                    .col(
                        ColumnDef::new(Tickets::Number)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Tickets::Kind).string().not_null())
                    .col(ColumnDef::new(Tickets::Status).string().not_null())
                    .col(ColumnDef::new(Tickets::Urgency).string().not_null())
                    .col(ColumnDef::new(Tickets::Impact).string().not_null())
                    .col(ColumnDef::new(Tickets::Priority).small_integer().not_null())
                    .col(ColumnDef::new(Tickets::Title).string().not_null())
                    .col(ColumnDef::new(Tickets::Description).text().not_null())
                    .col(ColumnDef::new(Tickets::SearchText).text().not_null())
                    .col(ColumnDef::new(Tickets::CategoryId).big_integer().not_null())
                    .col(ColumnDef::new(Tickets::AssetId).big_integer().null())
                    .col(
                        ColumnDef::new(Tickets::RequesterId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Tickets::CompanyId).big_integer().not_null())
                    .col(ColumnDef::new(Tickets::AssigneeId).big_integer().null())
                    .col(ColumnDef::new(Tickets::Notify).boolean().not_null())
                    .col(ColumnDef::new(Tickets::NotifyEmail).string().not_null())
                    .col(time(Tickets::CreatedAt))
                    .col(time(Tickets::UpdatedAt))
                    .col(optional_time(Tickets::ResolvedAt))
                    .col(optional_time(Tickets::ClosedAt))
                    .col(
                        ColumnDef::new(Tickets::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .foreign_key(&mut foreign(
                        (Tickets::Table, Tickets::CategoryId),
                        (Categories::Table, Categories::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (Tickets::Table, Tickets::AssetId),
                        (Assets::Table, Assets::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (Tickets::Table, Tickets::RequesterId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (Tickets::Table, Tickets::CompanyId),
                        (Companies::Table, Companies::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (Tickets::Table, Tickets::AssigneeId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Every list is sorted by (updated_at or created_at, id) and filtered by one of these.
        ticket_index(
            manager,
            "tickets_updated",
            vec![Tickets::UpdatedAt, Tickets::Id],
        )
        .await?;
        ticket_index(
            manager,
            "tickets_created",
            vec![Tickets::CreatedAt, Tickets::Id],
        )
        .await?;
        ticket_index(
            manager,
            "tickets_requester_updated",
            vec![Tickets::RequesterId, Tickets::UpdatedAt, Tickets::Id],
        )
        .await?;
        ticket_index(
            manager,
            "tickets_company_updated",
            vec![Tickets::CompanyId, Tickets::UpdatedAt, Tickets::Id],
        )
        .await?;
        ticket_index(
            manager,
            "tickets_assignee_updated",
            vec![Tickets::AssigneeId, Tickets::UpdatedAt, Tickets::Id],
        )
        .await?;
        ticket_index(
            manager,
            "tickets_status_updated",
            vec![Tickets::Status, Tickets::UpdatedAt, Tickets::Id],
        )
        .await?;
        ticket_index(manager, "tickets_kind", vec![Tickets::Kind]).await?;
        ticket_index(manager, "tickets_urgency", vec![Tickets::Urgency]).await?;
        ticket_index(manager, "tickets_priority", vec![Tickets::Priority]).await?;
        ticket_index(manager, "tickets_category", vec![Tickets::CategoryId]).await?;

        manager
            .create_table(
                Table::create()
                    .table(TicketEvents::Table)
                    .col(id(TicketEvents::Id))
                    .col(
                        ColumnDef::new(TicketEvents::TicketId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(time(TicketEvents::At))
                    .col(ColumnDef::new(TicketEvents::ActorId).big_integer().null())
                    .col(ColumnDef::new(TicketEvents::Event).string().not_null())
                    .col(
                        ColumnDef::new(TicketEvents::Internal)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ColumnDef::new(TicketEvents::Details).text().not_null())
                    .foreign_key(&mut foreign(
                        (TicketEvents::Table, TicketEvents::TicketId),
                        (Tickets::Table, Tickets::Id),
                    ))
                    .foreign_key(&mut foreign(
                        (TicketEvents::Table, TicketEvents::ActorId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ticket_events_ticket")
                    .table(TicketEvents::Table)
                    .col(TicketEvents::TicketId)
                    .col(TicketEvents::Id)
                    .to_owned(),
            )
            .await?;

        // Full-text search over the folded `search_text` (lower case, no accents, words
        // separated by single spaces), so both engines see the same words.
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for statement in [
                    "CREATE VIRTUAL TABLE ticket_search USING fts5(search_text, content='tickets', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
                    "CREATE TRIGGER tickets_search_insert AFTER INSERT ON tickets BEGIN INSERT INTO ticket_search(rowid, search_text) VALUES (new.id, new.search_text); END",
                    "CREATE TRIGGER tickets_search_delete AFTER DELETE ON tickets BEGIN INSERT INTO ticket_search(ticket_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
                    "CREATE TRIGGER tickets_search_update AFTER UPDATE OF search_text ON tickets BEGIN INSERT INTO ticket_search(ticket_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); INSERT INTO ticket_search(rowid, search_text) VALUES (new.id, new.search_text); END",
                ] {
                    db.execute_unprepared(statement).await?;
                }
            }
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE tickets ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                )
                .await?;
                db.execute_unprepared("CREATE INDEX tickets_search ON tickets USING GIN (search_vector)").await?;
            }
            DbBackend::MySql => return Err(DbErr::Migration("MySQL is not supported".into())),
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE IF EXISTS ticket_search")
                .await?;
        }
        for table in [
            TicketEvents::Table.into_iden(),
            Tickets::Table.into_iden(),
            TicketDayCounters::Table.into_iden(),
            Assets::Table.into_iden(),
            Categories::Table.into_iden(),
            LoginFailures::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            CompanyContacts::Table.into_iden(),
            Companies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
