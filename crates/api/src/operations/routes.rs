//! `GET /metrics`: the scrape of Prometheus, outside the API.
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::metrics::CONTENT_TYPE;
use crate::error::{ApiError, ApiResult};
use crate::jobs::queue;
use crate::state::AppState;

/// The metrics of this instance, in Prometheus' text format.
///
/// Only with `Authorization: Bearer $GUICHET_METRICS_TOKEN`; without that setting the route
/// does not exist (404). Requests by route template and status, the database pool, the job
/// queue by kind (depth, age of the oldest due job, dead jobs), mails sent and failed,
/// webhook deliveries, failed sign-ins. docs/OPERATIONS.md lists the series.
#[utoipa::path(
    tag = "operations",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "No token, or not the metrics token", body = guichet_types::Problem, content_type = "application/problem+json"),
        (status = 404, description = "GUICHET_METRICS_TOKEN is not set", body = guichet_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(expected) = &state.settings.metrics_token else {
        return Err(ApiError::NotFound);
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as digests, so the time taken says nothing about how much of it was right.
    if Sha256::digest(given.trim().as_bytes()) != Sha256::digest(expected.expose()) {
        return Err(ApiError::Unauthenticated);
    }
    let now = Utc::now();
    state.metrics.observe_pool(&state.db);
    state
        .metrics
        .observe_jobs(&queue::depth(&state.db).await?, now);
    let text = state.metrics.render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(text))
}
