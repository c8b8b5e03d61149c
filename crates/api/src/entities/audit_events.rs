use guichet_types::{AuditEventId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: AuditEventId,
    pub at: DateTimeUtc,
    /// `None` for an act of nobody signed in (a failed sign-in) or of the command line.
    pub actor_id: Option<UserId>,
    pub actor_address: String,
    /// `company.created`, `user.role_changed`, `auth.login_failed`…
    pub action: String,
    /// `company`, `user`, `contract`…
    pub target_type: String,
    pub target_id: String,
    /// `{member: {from, to}}`, as JSON text.
    pub changes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
