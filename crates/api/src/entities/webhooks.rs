use guichet_types::{CompanyId, UserId, WebhookId};
use sea_orm::entity::prelude::*;

/// A webhook endpoint. `secret` and `previous_secret` are encrypted (`webhooks::secret`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: WebhookId,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// A JSON array of event names.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    pub company_id: Option<CompanyId>,
    pub include_internal: bool,
    pub active: bool,
    #[sea_orm(column_type = "Text")]
    pub secret: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<DateTimeUtc>,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub failing_since: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub disabled_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
