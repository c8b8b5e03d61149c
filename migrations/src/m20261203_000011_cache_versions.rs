//! A version counter per in-memory copy of shared data (today the category tree): every
//! write to that data bumps its row in the same transaction, so each server instance can
//! tell with one small read whether its copy is still current.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "CREATE TABLE cache_versions (name VARCHAR(32) NOT NULL PRIMARY KEY, version BIGINT NOT NULL)",
            "INSERT INTO cache_versions (name, version) VALUES ('categories', 0)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE cache_versions")
            .await?;
        Ok(())
    }
}
