//! The knowledge base and the provider's pages (issue 17): articles (Markdown and the sanitised
//! HTML rendered from it at write time, searchable like tickets), the companies a
//! `companies` article is for, its revisions, its votes (one per person, or per browser for
//! readers not signed in), its images, and the provider page in each language.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::columns::{id, optional_time, time};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    Title,
    BodyMarkdown,
    BodyHtml,
    Excerpt,
    TranslationOf,
    CategoryId,
    Visibility,
    Published,
    ReviewedOn,
    Views,
    HelpfulCount,
    UnhelpfulCount,
    AvoidedTickets,
    SearchText,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ArticleCompanies {
    Table,
    ArticleId,
    CompanyId,
}

#[derive(DeriveIden)]
enum ArticleRevisions {
    Table,
    Id,
    ArticleId,
    Number,
    Title,
    BodyMarkdown,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ArticleFeedback {
    Table,
    Id,
    ArticleId,
    UserId,
    Voter,
    Helpful,
    Comment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ArticleImages {
    Table,
    Id,
    ArticleId,
    FileName,
    ContentType,
    Size,
    Sha256,
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProviderPages {
    Table,
    BodyMarkdown,
    BodyHtml,
    UpdatedBy,
    UpdatedAt,
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
enum Categories {
    Table,
    Id,
}

fn counter(name: Articles) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn locale(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .check(Expr::col(Alias::new(name)).is_in(["fr", "en"]))
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(Alias::new(*column));
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(id(Articles::Id))
                    .col(
                        ColumnDef::new(Articles::Slug)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Articles::Title).text().not_null())
                    .col(ColumnDef::new(Articles::BodyMarkdown).text().not_null())
                    .col(ColumnDef::new(Articles::BodyHtml).text().not_null())
                    .col(ColumnDef::new(Articles::Excerpt).text().not_null())
                    .col(locale("locale"))
                    .col(ColumnDef::new(Articles::TranslationOf).big_integer().null())
                    .col(ColumnDef::new(Articles::CategoryId).big_integer().null())
                    .col(
                        ColumnDef::new(Articles::Visibility)
                            .string()
                            .not_null()
                            .check(Expr::col(Articles::Visibility).is_in([
                                "public",
                                "customers",
                                "companies",
                            ])),
                    )
                    .col(ColumnDef::new(Articles::Published).boolean().not_null())
                    .col(ColumnDef::new(Articles::ReviewedOn).date().not_null())
                    .col(counter(Articles::Views))
                    .col(counter(Articles::HelpfulCount))
                    .col(counter(Articles::UnhelpfulCount))
                    .col(counter(Articles::AvoidedTickets))
                    // Title and body folded as tickets' are (`tickets::search`).
                    .col(ColumnDef::new(Articles::SearchText).text().not_null())
                    .col(ColumnDef::new(Articles::CreatedBy).big_integer().null())
                    .col(time(Articles::CreatedAt))
                    .col(time(Articles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::TranslationOf)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // What every list filters on: readers see the published ones of a visibility, in a
        // language; newest first.
        index(
            manager,
            "articles_published_visibility",
            Articles::Table,
            &["published", "visibility", "locale", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "articles_locale",
            Articles::Table,
            &["locale", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "articles_category",
            Articles::Table,
            &["category_id"],
            false,
        )
        .await?;
        index(
            manager,
            "articles_translation_of",
            Articles::Table,
            &["translation_of"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleCompanies::Table)
                    .col(
                        ColumnDef::new(ArticleCompanies::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleCompanies::CompanyId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ArticleCompanies::ArticleId)
                            .col(ArticleCompanies::CompanyId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleCompanies::Table, ArticleCompanies::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleCompanies::Table, ArticleCompanies::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A customer's articles: those of their company.
        index(
            manager,
            "article_companies_company",
            ArticleCompanies::Table,
            &["company_id", "article_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleRevisions::Table)
                    .col(id(ArticleRevisions::Id))
                    .col(
                        ColumnDef::new(ArticleRevisions::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleRevisions::Number)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleRevisions::Title).text().not_null())
                    .col(
                        ColumnDef::new(ArticleRevisions::BodyMarkdown)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleRevisions::AuthorId)
                            .big_integer()
                            .null(),
                    )
                    .col(time(ArticleRevisions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleRevisions::Table, ArticleRevisions::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleRevisions::Table, ArticleRevisions::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "article_revisions_number",
            ArticleRevisions::Table,
            &["article_id", "number"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleFeedback::Table)
                    .col(id(ArticleFeedback::Id))
                    .col(
                        ColumnDef::new(ArticleFeedback::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleFeedback::UserId).big_integer().null())
                    // The browser's random id of a reader not signed in.
                    .col(ColumnDef::new(ArticleFeedback::Voter).string().null())
                    .col(
                        ColumnDef::new(ArticleFeedback::Helpful)
                            .boolean()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleFeedback::Comment).text().null())
                    .col(time(ArticleFeedback::CreatedAt))
                    .col(time(ArticleFeedback::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleFeedback::Table, ArticleFeedback::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleFeedback::Table, ArticleFeedback::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One vote per person and per browser (NULLs are distinct on both databases).
        index(
            manager,
            "article_feedback_user",
            ArticleFeedback::Table,
            &["article_id", "user_id"],
            true,
        )
        .await?;
        index(
            manager,
            "article_feedback_voter",
            ArticleFeedback::Table,
            &["article_id", "voter"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleImages::Table)
                    .col(id(ArticleImages::Id))
                    .col(
                        ColumnDef::new(ArticleImages::ArticleId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleImages::FileName).string().not_null())
                    .col(
                        ColumnDef::new(ArticleImages::ContentType)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleImages::Size).big_integer().not_null())
                    .col(ColumnDef::new(ArticleImages::Sha256).string().not_null())
                    .col(
                        ColumnDef::new(ArticleImages::StorageKey)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(ArticleImages::UploadedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(time(ArticleImages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleImages::Table, ArticleImages::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleImages::Table, ArticleImages::UploadedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "article_images_article",
            ArticleImages::Table,
            &["article_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProviderPages::Table)
                    .col(locale("locale").primary_key())
                    .col(
                        ColumnDef::new(ProviderPages::BodyMarkdown)
                            .text()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ProviderPages::BodyHtml).text().not_null())
                    .col(
                        ColumnDef::new(ProviderPages::UpdatedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(optional_time(ProviderPages::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderPages::Table, ProviderPages::UpdatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        // Full-text search as for tickets (migration 000001): FTS5 on SQLite, a tsvector on
        // PostgreSQL, both over the folded `search_text`.
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                for statement in [
                    "CREATE VIRTUAL TABLE article_search USING fts5(search_text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
                    "CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN INSERT INTO article_search(rowid, search_text) VALUES (new.id, new.search_text); END",
                    "CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN INSERT INTO article_search(article_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
                    "CREATE TRIGGER articles_search_update AFTER UPDATE OF search_text ON articles BEGIN INSERT INTO article_search(article_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); INSERT INTO article_search(rowid, search_text) VALUES (new.id, new.search_text); END",
                ] {
                    db.execute_unprepared(statement).await?;
                }
            }
            _ => {
                db.execute_unprepared(
                    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX articles_search ON articles USING GIN (search_vector)",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Sqlite {
            db.execute_unprepared("DROP TABLE IF EXISTS article_search")
                .await?;
        }
        for table in [
            ProviderPages::Table.into_iden(),
            ArticleImages::Table.into_iden(),
            ArticleFeedback::Table.into_iden(),
            ArticleRevisions::Table.into_iden(),
            ArticleCompanies::Table.into_iden(),
            Articles::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
