//! The companies whose customers read an article of visibility `companies`.
use guichet_types::{ArticleId, CompanyId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "article_companies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: ArticleId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: CompanyId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
