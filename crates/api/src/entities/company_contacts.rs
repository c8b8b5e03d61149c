use guichet_types::CompanyId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "company_contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub company_id: CompanyId,
    pub email: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
