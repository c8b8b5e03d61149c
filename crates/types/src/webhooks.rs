//! Webhooks: endpoints that admins register to receive the events of tickets, signed as the
//! Standard Webhooks specification says, and the deliveries made to them.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{
    Actor, CompanyId, CompanyRef, EventId, Page, TicketEvent, TicketNumber, UserRef,
    WebhookDeliveryId, WebhookId,
};

/// The longest URL an endpoint may have.
pub const WEBHOOK_URL_MAX_CHARS: usize = 2048;
/// The `type` of the test event (`POST /webhooks/{id}/test`).
pub const WEBHOOK_PING: &str = "ping";

/// A webhook endpoint as admins read it. Its secret is never shown again after the answer
/// to its creation or to a rotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    /// The event names sent (`event` of the timeline: `followup`, `status_changed`…).
    pub events: Vec<String>,
    /// Only this company's tickets; `null`: every ticket.
    pub company_id: Option<CompanyId>,
    pub company: Option<CompanyRef>,
    /// Internal notes are sent only when this is `true`.
    pub include_internal: bool,
    /// Set by admins; an inactive endpoint receives nothing.
    pub active: bool,
    /// The admin who registered it (told when it is disabled).
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Since when every delivery has failed; `null` while it answers.
    pub failing_since: Option<DateTime<Utc>>,
    /// Disabled by the server after failing for 3 days; setting `active` to `true` again
    /// enables it.
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// Until when the secret before the last rotation still signs too; `null` if none.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// The newest delivery, if any.
    pub last_delivery: Option<DeliverySummary>,
}

pub type WebhookPage = Page<Webhook>;

/// The answer to a creation or a secret rotation: the endpoint and its signing secret,
/// shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_` and the base64 of the key: give it to a Standard Webhooks library to verify
    /// the `webhook-signature` header.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    )]
    pub secret: String,
}

/// The newest delivery of an endpoint, as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliverySummary {
    pub id: WebhookDeliveryId,
    pub state: DeliveryState,
    /// The HTTP status of the last attempt; `null` if none answered.
    pub status_code: Option<u16>,
    pub created_at: DateTime<Utc>,
}

/// `POST /webhooks` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "https://hooks.example.com/guichet", "events": ["created", "followup", "status_changed"],
    "company_id": null, "include_internal": false
})))]
pub struct NewWebhook {
    /// `https://…` (`http://` only where the server allows it); its host must resolve to
    /// public addresses.
    #[cfg_attr(feature = "openapi", schema(max_length = 2048, format = "uri"))]
    #[validate(custom(function = "validate_webhook_url"))]
    pub url: String,
    /// One or more event names of the timeline.
    #[cfg_attr(feature = "openapi", schema(schema_with = event_names_schema))]
    #[validate(custom(function = "validate_event_names"))]
    pub events: Vec<String>,
    /// Only this company's tickets; absent or `null`: every ticket.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub company_id: Option<CompanyId>,
    /// Default: false.
    pub include_internal: Option<bool>,
    /// Default: true.
    pub active: Option<bool>,
}

/// `PATCH /webhooks/{id}` (admins): the members given change, the others do not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"active": false})))]
pub struct WebhookUpdate {
    #[cfg_attr(feature = "openapi", schema(max_length = 2048, format = "uri"))]
    #[validate(custom(function = "validate_webhook_url"))]
    pub url: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = event_names_schema))]
    #[validate(custom(function = "validate_event_names"))]
    pub events: Option<Vec<String>>,
    /// A company, or `null` for every ticket; left out, it does not change.
    // In Rust: `None` leaves it, `Some(None)` removes it.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub company_id: Option<Option<CompanyId>>,
    pub include_internal: Option<bool>,
    /// `true` also enables an endpoint the server disabled.
    pub active: Option<bool>,
}

crate::enums::wire_enum!(
    /// Where a delivery stands: `pending` (waiting for its next attempt), `delivered` (the
    /// endpoint answered 2xx) or `dead` (given up after about a day of retries, or the
    /// endpoint is off).
    DeliveryState { Pending = "pending", Delivered = "delivered", Dead = "dead" }
);

/// One event sent to one endpoint, with its last attempt. Kept 14 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    /// The `webhook-id` header: the same on every attempt, so receivers can drop repeats.
    pub message_id: String,
    /// The event's name (`type` of the payload), `ping` for a test event.
    pub event: String,
    /// The timeline entry sent; `null` for a test event.
    pub event_id: Option<EventId>,
    pub ticket_number: Option<TicketNumber>,
    pub state: DeliveryState,
    pub attempts: u32,
    /// When it is tried next, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last attempt: when it was sent, the HTTP status (`null` if none came), the
    /// error, the first KB of the answer and how long it took.
    pub requested_at: Option<DateTime<Utc>>,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
    pub duration_ms: Option<u32>,
    /// The JSON body sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

pub type WebhookDeliveryPage = Page<WebhookDelivery>;

/// The body of every webhook request, as the Standard Webhooks specification suggests:
/// `type` and `timestamp` around the `data` of one timeline event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "followup", "timestamp": "2026-11-21T09:30:00Z",
    "data": {"id": 42, "at": "2026-11-21T09:30:00Z",
        "ticket": {"number": "T20261121.0001", "company_id": 1},
        "actor": {"id": 3, "name": "Claire Martin", "role": "customer"},
        "event": "followup", "body": "Toujours en panne."}
})))]
pub struct WebhookPayload {
    /// The event's name (`data.event`); `ping` for a test event, whose `data` is
    /// `{"webhook_id": …}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened.
    pub timestamp: DateTime<Utc>,
    pub data: WebhookEventData,
}

/// A timeline event as webhooks send it: its entry (`id`, `at`, `actor` and the event's
/// members, named by `event`) and its ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEventData {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub ticket: WebhookTicket,
    /// Who made the change; `null` for the system.
    pub actor: Option<Actor>,
    #[serde(flatten)]
    pub event: TicketEvent,
}

/// The ticket an event belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookTicket {
    pub number: TicketNumber,
    pub company_id: CompanyId,
}

/// `validator` hook: an absolute `https://` or `http://` URL with a host, without spaces,
/// at most [`WEBHOOK_URL_MAX_CHARS`]. Which schemes and addresses are accepted is the
/// server's to say.
pub fn validate_webhook_url(url: &str) -> Result<(), validator::ValidationError> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    let problem = if url.chars().count() > WEBHOOK_URL_MAX_CHARS {
        Some("at most 2048 characters")
    } else if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("must not contain spaces")
    } else if rest.is_none() {
        Some("must be an https:// URL")
    } else if host.is_none_or(|h| h.is_empty() || h.starts_with(':')) {
        Some("must name a host")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(message) => {
            let mut error = validator::ValidationError::new("url");
            error.message = Some(message.into());
            Err(error)
        }
    }
}

/// `validator` hook: one or more event names of the timeline, each known.
pub fn validate_event_names(names: &[String]) -> Result<(), validator::ValidationError> {
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|name| !TicketEvent::NAMES.contains(name))
        .collect();
    let message = if names.is_empty() {
        "name at least one event".to_owned()
    } else if !unknown.is_empty() {
        format!(
            "unknown event(s): {}; known: {}",
            unknown.join(", "),
            TicketEvent::NAMES.join(", ")
        )
    } else {
        return Ok(());
    };
    let mut error = validator::ValidationError::new("event");
    error.message = Some(message.into());
    Err(error)
}

/// The events once each, in the order of [`TicketEvent::NAMES`].
pub fn normalized_event_names(names: &[String]) -> Vec<String> {
    TicketEvent::NAMES
        .iter()
        .filter(|known| names.iter().any(|name| name == *known))
        .map(|name| (*name).to_owned())
        .collect()
}

#[cfg(feature = "openapi")]
fn event_names_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(TicketEvent::NAMES)),
        )
        .min_items(Some(1))
        .description(Some(
            "Event names of the timeline (`event` of `TimelineEntry`).",
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_a_web_scheme_and_a_host() {
        for good in [
            "https://hooks.example.com/guichet",
            "http://127.0.0.1:8080/in",
            "HTTPS://Example.com",
        ] {
            assert!(validate_webhook_url(good).is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com",
            "https://",
            "https://:443/x",
            "https://exa mple.com",
            "example.com",
            "",
        ] {
            assert!(validate_webhook_url(bad).is_err(), "{bad}");
        }
        assert!(validate_webhook_url(&format!("https://e.com/{}", "a".repeat(2048))).is_err());
    }

    #[test]
    fn event_names_are_those_of_the_timeline() {
        let names = |list: &[&str]| list.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert!(validate_event_names(&names(&["followup", "created"])).is_ok());
        assert!(validate_event_names(&[]).is_err());
        let error = validate_event_names(&names(&["followup", "escalated"])).expect_err("unknown");
        assert!(error
            .message
            .is_some_and(|m| m.contains("escalated") && !m.contains("followup,  ")));
        assert_eq!(
            normalized_event_names(&names(&["followup", "created", "followup"])),
            ["created", "followup"]
        );
    }

    #[test]
    fn a_payload_reads_as_the_timeline_entry_with_its_ticket() {
        let wire = serde_json::json!({
            "type": "followup", "timestamp": "2026-11-21T09:30:00Z",
            "data": {"id": 42, "at": "2026-11-21T09:30:00Z",
                "ticket": {"number": "T20261121.0001", "company_id": 1},
                "actor": null, "event": "followup", "body": "Toujours en panne."}
        });
        let payload: WebhookPayload = serde_json::from_value(wire.clone()).expect("valid");
        assert_eq!(
            payload.data.event,
            TicketEvent::Followup {
                body: "Toujours en panne.".into()
            }
        );
        assert_eq!(serde_json::to_value(&payload).expect("valid"), wire);
    }
}
