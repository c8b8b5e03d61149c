use guichet_types::UserId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "support_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub access_id: i64,
    pub agent_id: UserId,
    pub started_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    /// `agent`, `revoked` or `expired` (`guichet_types::SupportSessionEnd`).
    pub end_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::support_accesses::Entity",
        from = "Column::AccessId",
        to = "super::support_accesses::Column::Id"
    )]
    Access,
}

impl Related<super::support_accesses::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Access.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
