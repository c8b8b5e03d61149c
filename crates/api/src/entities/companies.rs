use guichet_types::{CompanyId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CompanyId,
    pub name: String,
    pub service_code: String,
    pub created_at: DateTimeUtc,
    /// A deactivated company's people cannot sign in; its tickets are kept.
    pub active: bool,
    /// The agent who looks after the company (shown to customers under gold and above).
    pub account_manager_id: Option<UserId>,
    pub phone: String,
    pub notes: String,
    /// Name and service code, folded (`guichet_types::company_search_text`).
    pub search_text: String,
    /// The stable key of a row the server relies on (migration 000013); `None` for the others.
    #[sea_orm(unique)]
    pub system_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::users::Entity")]
    Users,
    #[sea_orm(has_many = "super::assets::Entity")]
    Assets,
    #[sea_orm(has_many = "super::contracts::Entity")]
    Contracts,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

impl Related<super::assets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assets.def()
    }
}

impl Related<super::contracts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contracts.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
