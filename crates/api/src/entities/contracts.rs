use guichet_types::{CompanyId, ContractId, ContractLevel};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ContractId,
    pub company_id: CompanyId,
    pub name: String,
    pub level: ContractLevel,
    pub starts_on: Date,
    /// `None`: open-ended.
    pub ends_on: Option<Date>,
    pub phone_support: bool,
    /// When the company's referents were told the contract ends soon.
    pub ending_notice_sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::companies::Entity",
        from = "Column::CompanyId",
        to = "super::companies::Column::Id"
    )]
    Company,
    #[sea_orm(has_many = "super::contract_categories::Entity")]
    Categories,
}

impl Related<super::companies::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Company.def()
    }
}

impl Related<super::contract_categories::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Categories.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
