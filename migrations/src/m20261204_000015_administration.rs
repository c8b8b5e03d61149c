//! What a provider manages to run the portal (issue 14): companies get an active flag, an
//! account manager, a phone line and notes; people an active flag; known contacts a name and
//! a phone; categories and assets an active flag (assets also a kind and a location);
//! contracts, with the categories they cover; and the audit log of administrative acts.
//!
//! Every company that exists when this runs gets an open-ended contract covering every
//! category, so that no install stops taking tickets on upgrade.
use guichet_types::{company_search_text, person_search_text};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::columns::{id, optional_time, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    Name,
    ServiceCode,
    SearchText,
    Active,
    AccountManagerId,
    Phone,
    Notes,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Active,
    FirstName,
    LastName,
    Email,
    OfficePhone,
    MobilePhone,
    SearchText,
}

#[derive(DeriveIden)]
enum CompanyContacts {
    Table,
    FullName,
    Phone,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Active,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    Kind,
    Location,
    Active,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    Id,
    CompanyId,
    Name,
    Level,
    StartsOn,
    EndsOn,
    PhoneSupport,
    EndingNoticeSentAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContractCategories {
    Table,
    ContractId,
    CategoryId,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    ActorAddress,
    Action,
    TargetType,
    TargetId,
    Changes,
}

#[derive(DeriveIden)]
enum AccountMailRequests {
    Table,
    Id,
    Purpose,
    Accepted,
}

/// The contract levels, as `guichet_types::ContractLevel` names them at this migration.
const LEVELS: &str = "'standard', 'silver', 'gold', 'platinum'";

fn flag(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .boolean()
        .not_null()
        .default(true)
        .to_owned()
}

/// SQLite adds one column per statement.
async fn add_columns(
    manager: &SchemaManager<'_>,
    table: DynIden,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    for mut column in columns {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: DynIden,
    columns: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut statement = Index::create().name(name).table(table).to_owned();
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement).await
}

/// The search columns of the rows that exist, folded as the server folds them.
async fn fill_search_texts(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let companies = db
        .query_all(
            backend.build(
                Query::select()
                    .columns([Companies::Id, Companies::Name, Companies::ServiceCode])
                    .from(Companies::Table),
            ),
        )
        .await?;
    for row in companies {
        let id: i64 = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        let code: String = row.try_get_by_index(2)?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Companies::Table)
                    .value(Companies::SearchText, company_search_text(&name, &code))
                    .and_where(Expr::col(Companies::Id).eq(id))
                    .to_owned(),
            )
            .await?;
    }
    let users = db
        .query_all(
            backend.build(
                Query::select()
                    .columns([
                        Users::Id,
                        Users::FirstName,
                        Users::LastName,
                        Users::Email,
                        Users::OfficePhone,
                        Users::MobilePhone,
                    ])
                    .from(Users::Table),
            ),
        )
        .await?;
    for row in users {
        let id: i64 = row.try_get_by_index(0)?;
        let texts: Vec<String> = (1..6)
            .map(|i| row.try_get_by_index(i))
            .collect::<Result<_, _>>()?;
        let text = person_search_text(&texts[0], &texts[1], &texts[2], &[&texts[3], &texts[4]]);
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::SearchText, text)
                    .and_where(Expr::col(Users::Id).eq(id))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Companies::Table.into_iden(),
            vec![
                flag(Companies::Active),
                ColumnDef::new(Companies::AccountManagerId)
                    .big_integer()
                    .null()
                    .to_owned(),
                text(Companies::Phone),
                text(Companies::Notes),
                text(Companies::SearchText),
            ],
        )
        .await?;
        add_columns(
            manager,
            Users::Table.into_iden(),
            vec![flag(Users::Active), text(Users::SearchText)],
        )
        .await?;
        fill_search_texts(manager).await?;
        add_columns(
            manager,
            CompanyContacts::Table.into_iden(),
            vec![
                text(CompanyContacts::FullName),
                text(CompanyContacts::Phone),
            ],
        )
        .await?;
        add_columns(
            manager,
            Categories::Table.into_iden(),
            vec![flag(Categories::Active)],
        )
        .await?;
        add_columns(
            manager,
            Assets::Table.into_iden(),
            vec![
                text(Assets::Kind),
                text(Assets::Location),
                flag(Assets::Active),
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contracts::Table)
                    .col(id(Contracts::Id))
                    .col(
                        ColumnDef::new(Contracts::CompanyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Contracts::Name).string().not_null())
                    .col(
                        ColumnDef::new(Contracts::Level)
                            .string()
                            .not_null()
                            .check(Expr::cust(format!("level IN ({LEVELS})"))),
                    )
                    .col(ColumnDef::new(Contracts::StartsOn).date().not_null())
                    .col(ColumnDef::new(Contracts::EndsOn).date().null())
                    .col(
                        ColumnDef::new(Contracts::PhoneSupport)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(optional_time(Contracts::EndingNoticeSentAt))
                    .col(time(Contracts::CreatedAt))
                    .col(time(Contracts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contracts::Table, Contracts::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "contracts_company",
            Contracts::Table.into_iden(),
            vec![Contracts::CompanyId.into_iden(), Contracts::Id.into_iden()],
        )
        .await?;
        index(
            manager,
            "contracts_ends_on",
            Contracts::Table.into_iden(),
            vec![Contracts::EndsOn.into_iden()],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContractCategories::Table)
                    .col(
                        ColumnDef::new(ContractCategories::ContractId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ContractCategories::CategoryId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ContractCategories::ContractId)
                            .col(ContractCategories::CategoryId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContractCategories::Table, ContractCategories::ContractId)
                            .to(Contracts::Table, Contracts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContractCategories::Table, ContractCategories::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(id(AuditEvents::Id))
                    .col(time(AuditEvents::At))
                    .col(ColumnDef::new(AuditEvents::ActorId).big_integer().null())
                    .col(text(AuditEvents::ActorAddress))
                    .col(ColumnDef::new(AuditEvents::Action).string().not_null())
                    .col(ColumnDef::new(AuditEvents::TargetType).string().not_null())
                    .col(text(AuditEvents::TargetId))
                    .col(ColumnDef::new(AuditEvents::Changes).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditEvents::Table, AuditEvents::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // The log's filters, each ending with the id the pages are cut by.
        index(
            manager,
            "audit_events_actor",
            AuditEvents::Table.into_iden(),
            vec![
                AuditEvents::ActorId.into_iden(),
                AuditEvents::Id.into_iden(),
            ],
        )
        .await?;
        index(
            manager,
            "audit_events_target",
            AuditEvents::Table.into_iden(),
            vec![
                AuditEvents::TargetType.into_iden(),
                AuditEvents::TargetId.into_iden(),
                AuditEvents::Id.into_iden(),
            ],
        )
        .await?;
        index(
            manager,
            "audit_events_action",
            AuditEvents::Table.into_iden(),
            vec![AuditEvents::Action.into_iden(), AuditEvents::Id.into_iden()],
        )
        .await?;
        index(
            manager,
            "audit_events_at",
            AuditEvents::Table.into_iden(),
            vec![AuditEvents::At.into_iden(), AuditEvents::Id.into_iden()],
        )
        .await?;
        // The refused access requests agents list, newest first.
        index(
            manager,
            "account_mail_requests_refused",
            AccountMailRequests::Table.into_iden(),
            vec![
                AccountMailRequests::Purpose.into_iden(),
                AccountMailRequests::Accepted.into_iden(),
                AccountMailRequests::Id.into_iden(),
            ],
        )
        .await?;

        // Existing client companies keep taking tickets: an open-ended contract covering
        // everything. The lost-account intake (a system row) is no client: it gets none.
        // CURRENT_DATE and CURRENT_TIMESTAMP read back as the entities' types on both databases.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO contracts (company_id, name, level, starts_on, ends_on, phone_support, \
                 created_at, updated_at) \
                 SELECT id, 'Contrat historique', 'standard', CURRENT_DATE, NULL, FALSE, \
                 CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM companies WHERE system_key IS NULL",
            )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("account_mail_requests_refused")
                    .table(AccountMailRequests::Table)
                    .to_owned(),
            )
            .await?;
        for table in [
            AuditEvents::Table.into_iden(),
            ContractCategories::Table.into_iden(),
            Contracts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        let dropped: [(DynIden, Vec<DynIden>); 5] = [
            (
                Companies::Table.into_iden(),
                vec![
                    Companies::Active.into_iden(),
                    Companies::AccountManagerId.into_iden(),
                    Companies::Phone.into_iden(),
                    Companies::Notes.into_iden(),
                    Companies::SearchText.into_iden(),
                ],
            ),
            (
                Users::Table.into_iden(),
                vec![Users::Active.into_iden(), Users::SearchText.into_iden()],
            ),
            (
                CompanyContacts::Table.into_iden(),
                vec![
                    CompanyContacts::FullName.into_iden(),
                    CompanyContacts::Phone.into_iden(),
                ],
            ),
            (
                Categories::Table.into_iden(),
                vec![Categories::Active.into_iden()],
            ),
            (
                Assets::Table.into_iden(),
                vec![
                    Assets::Kind.into_iden(),
                    Assets::Location.into_iden(),
                    Assets::Active.into_iden(),
                ],
            ),
        ];
        for (table, columns) in dropped {
            for column in columns {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .drop_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
