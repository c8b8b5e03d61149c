use guichet_types::{CompanyId, Locale, Role, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: UserId,
    pub company_id: Option<CompanyId>,
    pub role: Role,
    pub email: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub prefix: String,
    pub first_name: String,
    pub last_name: String,
    pub suffix: String,
    pub title: String,
    pub office_phone: String,
    pub extension: String,
    pub mobile_phone: String,
    pub fax: String,
    pub locale: Locale,
    pub show_landing_page: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The stable key of a row the server relies on (migration 000013); `None` for the others.
    #[sea_orm(unique)]
    pub system_key: Option<String>,
    /// A deactivated person cannot sign in; deactivating ends their sessions.
    pub active: bool,
    /// Names, address and phones, folded (`guichet_types::person_search_text`).
    pub search_text: String,
    /// An account for an integration (migration 000018): no password, no mail, only tokens.
    pub service_account: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::companies::Entity",
        from = "Column::CompanyId",
        to = "super::companies::Column::Id"
    )]
    Company,
}

impl Related<super::companies::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Company.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
