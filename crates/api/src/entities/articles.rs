//! Articles of the knowledge base; `body_html` is rendered from `body_markdown` at each write.
use guichet_types::{ArticleId, ArticleVisibility, CategoryId, Locale, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ArticleId,
    #[sea_orm(unique)]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    #[sea_orm(column_type = "Text")]
    pub excerpt: String,
    pub locale: Locale,
    pub translation_of: Option<ArticleId>,
    pub category_id: Option<CategoryId>,
    pub visibility: ArticleVisibility,
    pub published: bool,
    pub reviewed_on: Date,
    pub views: i64,
    pub helpful_count: i64,
    pub unhelpful_count: i64,
    pub avoided_tickets: i64,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
