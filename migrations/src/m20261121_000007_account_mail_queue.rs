//! Accounts by email, durable: a forgotten-password or access request is stored whole
//! before it is answered, and a job acts on it (`done_at`), so an accepted request survives
//! a crash of the instance that answered it.
use sea_orm_migration::prelude::*;

use crate::columns::optional_time;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountMailRequests {
    Table,
    Purpose,
    FullName,
    ServiceCode,
    Locale,
    DoneAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        let columns = [
            ColumnDef::new(AccountMailRequests::Purpose)
                .string()
                .not_null()
                .default("password_reset")
                .to_owned(),
            ColumnDef::new(AccountMailRequests::FullName)
                .string()
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(AccountMailRequests::ServiceCode)
                .string()
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(AccountMailRequests::Locale)
                .string()
                .not_null()
                .default("fr")
                .to_owned(),
            optional_time(AccountMailRequests::DoneAt),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(AccountMailRequests::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("account_mail_requests_pending")
                    .table(AccountMailRequests::Table)
                    .col(AccountMailRequests::DoneAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("account_mail_requests_pending")
                    .table(AccountMailRequests::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            AccountMailRequests::DoneAt,
            AccountMailRequests::Locale,
            AccountMailRequests::ServiceCode,
            AccountMailRequests::FullName,
            AccountMailRequests::Purpose,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AccountMailRequests::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
