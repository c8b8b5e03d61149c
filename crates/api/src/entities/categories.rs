use guichet_types::{CategoryId, TicketKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub kind: Option<TicketKind>,
    pub name_fr: String,
    pub name_en: String,
    pub position: i32,
    /// The stable key of a row the server relies on (migration 000013); `None` for the others.
    #[sea_orm(unique)]
    pub system_key: Option<String>,
    /// A retired category is no longer offered for new tickets; tickets keep it.
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
