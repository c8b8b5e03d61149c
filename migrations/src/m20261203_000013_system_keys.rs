//! Rows the server itself relies on are found by a stable key, never by what people read:
//! `system_key` (nullable, unique) on companies, users and categories. The administration
//! screens will rename companies and categories and change addresses; a key nobody edits
//! keeps the server finding its rows.
//!
//! Today's system rows are the lost-account intake of migration 000006 (company, account
//! and category), all keyed [`LOST_ACCOUNT_INTAKE`]; they are found here by the markers that
//! migration wrote them with, the last time those markers are read.
use sea_orm_migration::prelude::*;

use crate::m20261121_000006_account_recovery::{
    INTAKE_CATEGORY, INTAKE_EMAIL, INTAKE_SERVICE_CODE,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The key of the lost-account intake company, its account and its category.
pub const LOST_ACCOUNT_INTAKE: &str = "lost_account_intake";

#[derive(DeriveIden)]
enum Companies {
    Table,
    ServiceCode,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Email,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    NameFr,
    ParentId,
}

#[derive(DeriveIden)]
struct SystemKey;

/// Each table with the name of its key's index and the condition of its intake row.
fn keyed_tables() -> [(DynIden, &'static str, SimpleExpr); 3] {
    [
        (
            Companies::Table.into_iden(),
            "companies_system_key",
            Expr::col(Companies::ServiceCode).eq(INTAKE_SERVICE_CODE),
        ),
        (
            Users::Table.into_iden(),
            "users_system_key",
            Expr::col(Users::Email).eq(INTAKE_EMAIL),
        ),
        (
            Categories::Table.into_iden(),
            "categories_system_key",
            Expr::col(Categories::NameFr)
                .eq(INTAKE_CATEGORY)
                .and(Expr::col(Categories::ParentId).is_null()),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds a column but not its constraint: the uniqueness is an index of its own
        // on both databases.
        for (table, index, intake) in keyed_tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.clone())
                        .add_column(ColumnDef::new(SystemKey).string().null())
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(index)
                        .table(table.clone())
                        .col(SystemKey)
                        .unique()
                        .to_owned(),
                )
                .await?;
            manager
                .exec_stmt(
                    Query::update()
                        .table(table)
                        .value(SystemKey, LOST_ACCOUNT_INTAKE)
                        .and_where(intake)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, index, _) in keyed_tables() {
            manager
                .drop_index(Index::drop().name(index).table(table.clone()).to_owned())
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(SystemKey)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
