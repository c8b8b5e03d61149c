//! Votes on articles: one per signed-in person (`user_id`) or per browser (`voter`).
use guichet_types::{ArticleId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "article_feedback")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: ArticleId,
    pub user_id: Option<UserId>,
    pub voter: Option<String>,
    pub helpful: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
