//! Queuing deliveries: in the transaction that records a change's events, one delivery row
//! and one `deliver_webhook` job per event and endpoint that wants it. A change rolled back
//! sends nothing; a committed one is sent even if the instance stops at once.
use chrono::{DateTime, Utc};
use guichet_types::{
    Actor, CompanyId, DeliveryState, EventId, TicketEvent, TicketNumber, WebhookEventData,
    WebhookId, WebhookPayload, WebhookTicket,
};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};

use super::cache::EndpointCache;
use crate::entities::webhook_deliveries;
use crate::error::{ApiError, ApiResult};
use crate::jobs::kind::JobKind;
use crate::jobs::queue;

/// The payload of a `deliver_webhook` job: the delivery, by its `webhook-id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliveryJob {
    pub message_id: String,
}

/// The `webhook-id` of a new delivery.
pub fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::new_v4().simple())
}

/// The ticket a change's events belong to.
pub struct EventTicket<'a> {
    pub id: i64,
    pub number: &'a str,
    pub company_id: CompanyId,
}

/// Queues the deliveries of `events` (recorded with these ids, at `at`, by `actor`) to the
/// active endpoints that want them: the counter of the endpoints' copy, then, only if some
/// endpoint wants one, the deliveries and their jobs, two statements whatever their number.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    endpoints: &EndpointCache,
    ticket: EventTicket<'_>,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    events: &[(EventId, &TicketEvent)],
) -> ApiResult<()> {
    let endpoints = endpoints.get(db).await?;
    let mut rows = Vec::new();
    for (id, event) in events {
        let wanting: Vec<WebhookId> = endpoints
            .iter()
            .filter(|endpoint| endpoint.wants(event, ticket.company_id))
            .map(|endpoint| endpoint.id)
            .collect();
        if wanting.is_empty() {
            continue;
        }
        let payload = WebhookPayload {
            kind: event.name().to_owned(),
            timestamp: at,
            data: WebhookEventData {
                id: *id,
                at,
                ticket: WebhookTicket {
                    number: TicketNumber::try_from(ticket.number.to_owned())
                        .map_err(ApiError::internal)?,
                    company_id: ticket.company_id,
                },
                actor: actor.cloned(),
                event: (*event).clone(),
            },
        };
        let body = serde_json::to_string(&payload).map_err(ApiError::internal)?;
        for webhook in wanting {
            rows.push(pending(
                webhook,
                Some(*id),
                Some(ticket.id),
                event.name(),
                body.clone(),
                at,
            ));
        }
    }
    insert(db, rows, at).await
}

/// A new pending delivery, due at once.
pub fn pending(
    webhook: WebhookId,
    event_id: Option<EventId>,
    ticket_id: Option<i64>,
    event: &str,
    payload: String,
    now: DateTime<Utc>,
) -> webhook_deliveries::ActiveModel {
    webhook_deliveries::ActiveModel {
        webhook_id: Set(webhook),
        event_id: Set(event_id),
        message_id: Set(new_message_id()),
        ticket_id: Set(ticket_id),
        event: Set(event.to_owned()),
        payload: Set(payload),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        status_code: Set(None),
        error: Set(None),
        response_excerpt: Set(None),
        requested_at: Set(None),
        duration_ms: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Writes deliveries and their jobs, two statements.
pub async fn insert(
    db: &impl ConnectionTrait,
    rows: Vec<webhook_deliveries::ActiveModel>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let jobs = rows
        .iter()
        .map(|row| match &row.message_id {
            sea_orm::ActiveValue::Set(message_id) => serde_json::to_string(&DeliveryJob {
                message_id: message_id.clone(),
            })
            .map_err(ApiError::internal),
            _ => Err(ApiError::internal("a delivery without its webhook-id")),
        })
        .collect::<ApiResult<Vec<String>>>()?;
    webhook_deliveries::Entity::insert_many(rows)
        .exec(db)
        .await?;
    queue::enqueue(db, JobKind::DeliverWebhook, jobs, now).await
}
