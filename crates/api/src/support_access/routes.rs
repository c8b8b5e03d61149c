//! HTTP layer of support access: `/tickets/{number}/support-access`, `/me/support-access`,
//! `/support-access/{id}/grant|revoke|sessions`.
use actix_web::{delete, get, http::header, post, web, HttpResponse};
use guichet_types::{
    AssistedToken, Problem, SupportAccess, SupportAccessGrant, SupportAccessPage, TicketNumber,
};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ValidJson;
use crate::openapi::{NotSignedIn, TicketNotFound};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(value_type = Option<u64>)]
    limit: Option<String>,
}

fn id_of(path: &str) -> ApiResult<i64> {
    path.parse().map_err(|_| ApiError::NotFound)
}

/// The ticket's support accesses, newest first, with their sessions.
///
/// For the support team and the ticket's requester (anyone else: 404, as for the ticket).
#[utoipa::path(
    tag = "support access",
    operation_id = "list_ticket_support_accesses",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001"), PageQuery),
    responses(
        (status = 200, description = "A page of accesses", body = SupportAccessPage),
        NotSignedIn,
        (status = 403, description = "The password must be changed first; or an assisted session (`assisted_session_forbidden`)", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 422, description = "A bad cursor or limit, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets/{number}/support-access")]
pub async fn list_for_ticket(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<SupportAccessPage>> {
    let page = service::of_ticket(
        &state,
        &user,
        &number,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Agents: ask the ticket's requester for access to their account.
///
/// The requester sees an "Activer l'assistance" panel on the ticket and in their profile, and
/// is mailed; unanswered, the request lapses after 48 hours. One open (pending or granted)
/// access per ticket.
#[utoipa::path(
    tag = "support access",
    operation_id = "request_support_access",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    responses(
        (status = 201, description = "Asked", body = SupportAccess,
            headers(("Location" = String, description = "/api/v1/tickets/{number}/support-access"))),
        NotSignedIn,
        (status = 403, description = "Support team only (`forbidden`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "The ticket already has an open access (`support_access_open`), or its requester is not a person (`requester_not_a_person`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/support-access")]
pub async fn request(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
) -> ApiResult<HttpResponse> {
    let access = service::request(&state, &user, &number).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/tickets/{number}/support-access"),
        ))
        .json(access))
}

/// The caller's pending and granted accesses, newest first.
///
/// What the profile's "Activer l'assistance" panel shows.
#[utoipa::path(
    tag = "support access",
    operation_id = "list_my_support_accesses",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of accesses", body = SupportAccessPage),
        NotSignedIn,
        (status = 403, description = "Called with an API token (`insufficient_scope`) or in an assisted session (`assisted_session_forbidden`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/support-access")]
pub async fn list_mine(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<SupportAccessPage>> {
    let page = service::mine(
        &state,
        &user,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// The ticket's requester grants access until `until`.
///
/// `until` is RFC 3339, in the future, at most 7 days ahead; `note` is optional. Needs a
/// signed-in session: an API token cannot grant.
#[utoipa::path(
    tag = "support access",
    operation_id = "grant_support_access",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Support access id")),
    request_body = SupportAccessGrant,
    responses(
        (status = 200, description = "Granted", body = SupportAccess),
        NotSignedIn,
        (status = 403, description = "Called with an API token (`insufficient_scope`) or in an assisted session (`assisted_session_forbidden`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such access, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request lapsed (`support_access_lapsed`) or was answered (`support_access_answered`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`until` in the past or more than 7 days ahead, `note` too long: each named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/support-access/{id}/grant")]
pub async fn grant(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ValidJson<SupportAccessGrant>,
) -> ApiResult<web::Json<SupportAccess>> {
    let id = id_of(&id)?;
    Ok(web::Json(service::grant(&state, &user, id, body.0).await?))
}

/// The ticket's requester refuses a pending request, or ends a granted access.
///
/// At any time: its live sessions end at once (their next call is a 401). Needs a signed-in
/// session.
#[utoipa::path(
    tag = "support access",
    operation_id = "revoke_support_access",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Support access id")),
    responses(
        (status = 200, description = "Refused or revoked", body = SupportAccess),
        NotSignedIn,
        (status = 403, description = "Called with an API token (`insufficient_scope`) or in an assisted session (`assisted_session_forbidden`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such access, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already refused, revoked, lapsed or ended (`support_access_closed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/support-access/{id}/revoke")]
pub async fn revoke(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<SupportAccess>> {
    let id = id_of(&id)?;
    Ok(web::Json(service::revoke(&state, &user, id).await?))
}

/// The requesting agent or the ticket's assignee starts an assisted session.
///
/// Only while the access is granted (not after `until`). The answer's `access_token` is a bearer JWT whose subject
/// is the customer and whose `act.sub` is the agent (RFC 8693), `typ` `assisted`; it lives
/// `expires_in` seconds: 30 minutes at most, never past `until` + 1 hour. With it the agent
/// calls what the customer could on this ticket only (other tickets: 404), never the
/// customer's password, profile, tokens or grants (403 `assisted_session_forbidden`); every
/// call is audited and each change shows "agent pour customer" in the timeline
/// (`actor.assisted_by`). The customer is mailed when it starts and ends.
#[utoipa::path(
    tag = "support access",
    operation_id = "start_support_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Support access id")),
    responses(
        (status = 201, description = "Started", body = AssistedToken),
        NotSignedIn,
        (status = 403, description = "Neither the agent who asked nor the ticket's assignee (`forbidden`); in an assisted session (`assisted_session_forbidden`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such access; or the caller is not of the support team", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not granted now: pending, refused, revoked, lapsed or past `until` (`support_access_not_granted`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/support-access/{id}/sessions")]
pub async fn start_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id_of(&id)?;
    let token = service::start_session(&state, &user, id).await?;
    Ok(HttpResponse::Created().json(token))
}

/// Ends an assisted session.
///
/// Called with the assisted token, its own session; called by the agent with their own
/// credentials, every live session of theirs on this access. The customer is mailed the
/// changes made in it.
#[utoipa::path(
    tag = "support access",
    operation_id = "end_support_session",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Support access id")),
    responses(
        (status = 204, description = "Ended"),
        NotSignedIn,
        (status = 403, description = "The password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live session of the caller on this access", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/support-access/{id}/sessions/current")]
pub async fn end_session(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id_of(&id)?;
    service::end_current(&state, &user, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
