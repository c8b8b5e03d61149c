//! Accounts by email: the single-use tokens of password-reset and set-password links (stored
//! hashed), and the log of requests that throttles them.
use sea_orm_migration::prelude::*;

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum AccountMailRequests {
    Table,
    Id,
    Email,
    Ip,
    At,
    Accepted,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(id(AccountTokens::Id))
                    .col(
                        ColumnDef::new(AccountTokens::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    // `password_reset` or `set_password`: only the mail's wording differs.
                    .col(ColumnDef::new(AccountTokens::Purpose).string().not_null())
                    .col(
                        ColumnDef::new(AccountTokens::TokenHash)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(AccountTokens::CreatedAt))
                    .col(time(AccountTokens::ExpiresAt))
                    .col(optional_time(AccountTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountTokens::Table, AccountTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountMailRequests::Table)
                    .col(id(AccountMailRequests::Id))
                    .col(
                        ColumnDef::new(AccountMailRequests::Email)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AccountMailRequests::Ip).string().not_null())
                    .col(time(AccountMailRequests::At))
                    // Throttled requests are logged too, but only accepted ones count.
                    .col(
                        ColumnDef::new(AccountMailRequests::Accepted)
                            .boolean()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("account_mail_requests_email_at", AccountMailRequests::Email),
            ("account_mail_requests_ip_at", AccountMailRequests::Ip),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AccountMailRequests::Table)
                        .col(column)
                        .col(AccountMailRequests::At)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccountMailRequests::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AccountTokens::Table).to_owned())
            .await
    }
}
