use guichet_types::{CompanyId, ContactId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "company_contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ContactId,
    pub company_id: CompanyId,
    pub email: String,
    pub full_name: String,
    pub phone: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
