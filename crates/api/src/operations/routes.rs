//! `GET /metrics`, the scrape of Prometheus outside the API, and the middleware that counts
//! every request for it.
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{get, web, Error, HttpRequest, HttpResponse};
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::metrics::CONTENT_TYPE;
use crate::error::{ApiError, ApiResult};
use crate::jobs::queue;
use crate::state::AppState;

/// The route label of a request that no route matched (the SPA's pages, unknown paths).
const UNMATCHED: &str = "unmatched";

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

/// Counts each request and its time by method, route template and status.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();
    let route = req.match_pattern().unwrap_or_else(|| UNMATCHED.to_owned());
    let answer = next.call(req).await;
    let status = match &answer {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    if let Some(state) = state {
        state.metrics.request(
            &method,
            &route,
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    answer
}
