use guichet_types::{DeliveryState, EventId, WebhookDeliveryId, WebhookId};
use sea_orm::entity::prelude::*;

/// One event sent to one endpoint: the body, its `webhook-id` and the last attempt.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    /// `None` for a test event.
    pub event_id: Option<EventId>,
    /// The `webhook-id` header, the same on every attempt.
    pub message_id: String,
    pub ticket_id: Option<i64>,
    /// The payload's `type`.
    pub event: String,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub status_code: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub response_excerpt: Option<String>,
    pub requested_at: Option<DateTimeUtc>,
    pub duration_ms: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
