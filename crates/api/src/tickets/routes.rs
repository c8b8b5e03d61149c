//! HTTP layer of tickets: `/tickets`, `/tickets/{number}`, `/tickets/{number}/timeline`.
use std::collections::HashMap;

use actix_web::{get, http::header, post, web, HttpResponse};
use guichet_types::{NewTicket, Problem, Ticket, TicketNumber, TicketPage, TimelineEntry};

use super::service;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ValidJson;
use crate::state::AppState;

/// Filters of the ticket list (documentation of the query string).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the query string, which is parsed leniently by service::parse_list_query"
)]
pub struct ListParams {
    /// Comma-separated statuses, e.g. `new,in_progress`.
    status: Option<String>,
    /// `incident` or `request`.
    kind: Option<String>,
    /// `mine` (default for customers: requested by me; for agents: assigned to me),
    /// `company` (referents), `all` (agents, their default).
    scope: Option<String>,
    /// Full text: every word must start a word of the title or description (case and
    /// accents ignored).
    q: Option<String>,
    /// `-updated_at` (default), `updated_at`, `-created_at`, `created_at`.
    sort: Option<String>,
    /// Agents only.
    company_id: Option<i64>,
    /// Agents only.
    assignee_id: Option<i64>,
    /// Agents only: `very_low` … `very_high`.
    urgency: Option<String>,
    /// Agents only: 1 to 5.
    priority: Option<u8>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25; larger values are clamped to 100).
    limit: Option<u64>,
}

fn parse_number(raw: &str) -> ApiResult<TicketNumber> {
    raw.parse().map_err(|_| ApiError::NotFound)
}

/// Open a ticket.
///
/// Customers open tickets for themselves; agents name the customer with `requester_id`.
/// Attachments are added afterwards with `POST /tickets/{number}/attachments`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    request_body = NewTicket,
    responses(
        (status = 201, description = "Created; `Location` gives its URL", body = Ticket,
            headers(("Location" = String, description = "/api/v1/tickets/{number}"))),
        (status = 400, description = "Unparsable JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 256 KB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid member, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewTicket>,
) -> ApiResult<HttpResponse> {
    let ticket = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/tickets/{}", ticket.number),
        ))
        .json(ticket))
}

/// List the tickets the caller may see, newest update first, by pages.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "A page of tickets", body = TicketPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A scope the caller may not use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<HashMap<String, String>>,
) -> ApiResult<web::Json<TicketPage>> {
    let query = service::parse_list_query(&query).map_err(ApiError::Validation)?;
    Ok(web::Json(service::list(&state, &user, query).await?))
}

/// One ticket. A ticket the caller may not see is a 404, like one that does not exist.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{number}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<String>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        service::get(&state, &user, &parse_number(&number)?).await?,
    ))
}

/// The ticket's history, oldest first. Customers never see internal notes.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    responses(
        (status = 200, description = "The timeline", body = Vec<TimelineEntry>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such ticket, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{number}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<String>,
) -> ApiResult<web::Json<Vec<TimelineEntry>>> {
    Ok(web::Json(
        service::timeline(&state, &user, &parse_number(&number)?).await?,
    ))
}
