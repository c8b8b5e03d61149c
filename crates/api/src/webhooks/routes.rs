//! HTTP layer of webhooks (admins): `/webhooks`, `/webhooks/{id}`, its secret, deliveries,
//! redelivery and test event.
//!
//! What endpoints receive: a `POST` with a JSON body (`WebhookPayload`: `type`, `timestamp`
//! and `data`, the timeline entry of the event with its ticket) and the Standard Webhooks
//! headers `webhook-id` (the same on every retry), `webhook-timestamp` and
//! `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed by
//! the secret's bytes; two signatures, space-separated, for 24 hours after a rotation).
use actix_web::{delete, get, http::header, patch, post, web, HttpResponse};
use guichet_types::{
    NewWebhook, Problem, Webhook, WebhookDelivery, WebhookDeliveryId, WebhookDeliveryPage,
    WebhookId, WebhookPage, WebhookUpdate, WebhookWithSecret,
};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

/// Admins: the webhook endpoints, newest first, each with its newest delivery. Secrets are
/// never shown here.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of endpoints", body = WebhookPage),
        NotSignedIn,
        AdminsOnly,
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<WebhookPage>> {
    Ok(web::Json(
        service::page(
            &state,
            &user,
            query.cursor.as_deref(),
            query.limit.as_deref(),
        )
        .await?,
    ))
}

/// Admins: register an endpoint. The answer alone carries its `secret` (`whsec_…`): keep
/// it to verify the signatures.
///
/// Each event named in `events` (of the tickets of `company_id`, or all) is then POSTed to
/// `url` as a `WebhookPayload`, signed as Standard Webhooks says (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`); internal notes only with
/// `include_internal`. A 2xx answer delivers it; anything else (a redirect included) is
/// retried for about a day. The URL must be `https://` and its host resolve to public
/// addresses (the server's settings may allow `http://` and listed private addresses).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "create_webhook",
    security(("bearer" = [])),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Registered; the secret is shown this once", body = WebhookWithSecret,
            headers(("Location" = String, description = "/api/v1/webhooks/{id}"))),
        NotSignedIn,
        AdminsOnly,
        (status = 422, description = "Invalid members, named: an unknown event, a URL refused and why (scheme, private address, unresolvable host), an unknown company", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewWebhook>,
) -> ApiResult<HttpResponse> {
    let created = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/webhooks/{}", created.webhook.id),
        ))
        .json(created))
}

/// Admins: one endpoint.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "get_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint", body = Webhook),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(service::get(&state, &user, *id).await?))
}

/// Admins: change an endpoint; only the members given change. `active: true` enables an
/// endpoint the server disabled after 3 days of failures.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "update_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    request_body = WebhookUpdate,
    responses(
        (status = 200, description = "The endpoint as changed", body = Webhook),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named (as for a registration)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
    body: ValidJson<WebhookUpdate>,
) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(
        service::update(&state, &user, *id, body.0).await?,
    ))
}

/// Admins: remove an endpoint, with its deliveries.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "delete_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed"),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> ApiResult<HttpResponse> {
    service::delete(&state, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Admins: a new secret, shown in the answer. For 24 hours the previous one signs too:
/// `webhook-signature` then carries both signatures, space-separated.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "rotate_webhook_secret",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The new secret, shown this once", body = WebhookWithSecret),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> ApiResult<web::Json<WebhookWithSecret>> {
    Ok(web::Json(service::rotate(&state, &user, *id).await?))
}

/// Admins: the endpoint's deliveries of the last 14 days, newest first: the body sent, the
/// state, and the last attempt (time, HTTP status, error, the answer's first KB, duration).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id"), PageQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = WebhookDeliveryPage),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<WebhookDeliveryPage>> {
    Ok(web::Json(
        service::deliveries(
            &state,
            &user,
            *id,
            query.cursor.as_deref(),
            query.limit.as_deref(),
        )
        .await?,
    ))
}

/// Admins: send a delivered or dead delivery again, now, with the same body and
/// `webhook-id`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "redeliver_webhook_delivery",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The endpoint's id"),
        ("delivery_id" = i64, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 202, description = "Queued again", body = WebhookDelivery),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such delivery of this endpoint", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The delivery is still pending (`delivery_pending`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(WebhookId, WebhookDeliveryId)>,
) -> ApiResult<HttpResponse> {
    let (id, delivery) = path.into_inner();
    let queued = service::redeliver(&state, &user, id, delivery).await?;
    Ok(HttpResponse::Accepted().json(queued))
}

/// Admins: send a test event to the endpoint (even an inactive one): `{"type": "ping",
/// "timestamp": …, "data": {"webhook_id": …}}`, signed as every event. It shows among the
/// deliveries.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "test_webhook",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "Queued", body = WebhookDelivery),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such endpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<WebhookId>,
) -> ApiResult<HttpResponse> {
    let queued = service::test(&state, &user, *id).await?;
    Ok(HttpResponse::Accepted().json(queued))
}
