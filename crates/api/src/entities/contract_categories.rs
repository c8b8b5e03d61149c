//! The categories a contract covers; a contract with none covers every category.
use guichet_types::{CategoryId, ContractId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "contract_categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub contract_id: ContractId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: CategoryId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::contracts::Entity",
        from = "Column::ContractId",
        to = "super::contracts::Column::Id"
    )]
    Contract,
}

impl Related<super::contracts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contract.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
