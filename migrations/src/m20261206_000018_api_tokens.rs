//! API tokens (issue 15): credentials made for machines, each owned by a person or by a
//! service account, carrying scopes, stored hashed. Service accounts are rows of `users`
//! marked `service_account`, with a `system_key`, so that the people screens, the staff list
//! and the last-administrator rule leave them out as they leave the system rows out.
use sea_orm_migration::prelude::*;

use crate::columns::{id, optional_time, text, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    Scopes,
    SecretHash,
    Hint,
    CreatedAt,
    CreatedBy,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    LastUsedAddress,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    ServiceAccount,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::ServiceAccount)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(id(ApiTokens::Id))
                    .col(ColumnDef::new(ApiTokens::UserId).big_integer().not_null())
                    .col(text(ApiTokens::Name))
                    // The scopes' wire names, space-separated.
                    .col(text(ApiTokens::Scopes))
                    // SHA-256 of the whole secret, hex: the secret is 30 random bytes, so a
                    // fast hash is enough (nothing to guess from), and the lookup is one index.
                    .col(
                        ColumnDef::new(ApiTokens::SecretHash)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(ApiTokens::Hint))
                    .col(time(ApiTokens::CreatedAt))
                    .col(ColumnDef::new(ApiTokens::CreatedBy).big_integer().null())
                    .col(optional_time(ApiTokens::ExpiresAt))
                    .col(optional_time(ApiTokens::RevokedAt))
                    .col(optional_time(ApiTokens::LastUsedAt))
                    .col(ColumnDef::new(ApiTokens::LastUsedAddress).string().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // An owner's tokens, newest first.
        manager
            .create_index(
                Index::create()
                    .name("api_tokens_user")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::UserId)
                    .col(ApiTokens::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiTokens::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ServiceAccount)
                    .to_owned(),
            )
            .await
    }
}
