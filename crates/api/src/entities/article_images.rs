//! Images uploaded for articles; their bytes are in the attachment store.
use guichet_types::{ArticleId, ArticleImageId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "article_images")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ArticleImageId,
    pub article_id: ArticleId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[sea_orm(unique)]
    pub storage_key: String,
    pub uploaded_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
