//! Refused access requests are kept for the support team (issue 14): the job marks a request
//! whose code no company has, or whose address its company does not know, as `refused`, and
//! an agent who makes the account from it records which (`account_id`) and when
//! (`handled_at`). Those rows outlive the short-lived requests the job acted upon.
use sea_orm_migration::prelude::*;

use crate::columns::optional_time;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountMailRequests {
    Table,
    Id,
    Purpose,
    Refused,
    AccountId,
    HandledAt,
}

const INDEX: &str = "account_mail_requests_kept";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement. The account is not a foreign key: SQLite
        // cannot add one to an existing table, and accounts are never deleted.
        for mut column in [
            ColumnDef::new(AccountMailRequests::Refused)
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new(AccountMailRequests::AccountId)
                .big_integer()
                .null()
                .to_owned(),
            optional_time(AccountMailRequests::HandledAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AccountMailRequests::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // The list agents read, newest first.
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(AccountMailRequests::Table)
                    .col(AccountMailRequests::Purpose)
                    .col(AccountMailRequests::Refused)
                    .col(AccountMailRequests::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(AccountMailRequests::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            AccountMailRequests::Refused,
            AccountMailRequests::AccountId,
            AccountMailRequests::HandledAt,
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
