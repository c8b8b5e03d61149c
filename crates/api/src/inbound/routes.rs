//! HTTP layer of reply by email: the mail gateway's `POST /inbound-email`, and the rejected
//! mails the support team looks at.
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use guichet_types::{InboundResult, Problem, RejectedMailPage};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::service::{self, INBOUND_MAX_BYTES};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::read_limited;
use crate::openapi::{
    NotSignedIn, PasswordChangeRequired, StorageFull, StorageUnavailable, SupportTeamOnly,
};
use crate::state::AppState;

/// Whether the request carries the gateway's token. Compared as digests, so the time taken
/// says nothing about how much of the token was right.
fn gateway_allowed(state: &AppState, req: &HttpRequest) -> bool {
    let Some(expected) = &state.settings.inbound_token else {
        return false;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(given.trim().as_bytes()) == Sha256::digest(expected.expose())
}

/// A raw RFC 5322 message, as received.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct RawMail(Vec<u8>);

/// Hand a received mail to Guichet (for an HTTP mail gateway).
///
/// The body is the raw message (`message/rfc822`), up to 25 MB. A reply to a notification
/// becomes a follow-up by its recipient; a mail to the support address from a known
/// customer opens a ticket; the same Message-ID twice is taken once. Anything else creates
/// nothing and is kept for the support team (`GET /rejected-mails`): the answer is still
/// 200, so that the gateway does not send it again. Authenticated by the gateway token
/// (`GUICHET_INBOUND_TOKEN`) as a bearer token; without that setting every call is 401.
#[utoipa::path(
    tag = "mail",
    operation_id = "receive_inbound_email",
    security(("gateway" = [])),
    request_body(content = inline(RawMail), content_type = "message/rfc822"),
    responses(
        (status = 200, description = "What became of the mail", body = InboundResult),
        (status = 401, description = "Missing or wrong gateway token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 25 MB", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
        StorageFull,
    )
)]
#[post("/inbound-email")]
pub async fn receive(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<web::Json<InboundResult>> {
    if !gateway_allowed(&state, &req) {
        return Err(ApiError::Unauthenticated);
    }
    // Read here rather than by `web::Bytes`, whose overflow answer is plain text, not a problem.
    let body = read_limited(&mut body.into_inner(), INBOUND_MAX_BYTES, |cause| {
        ApiError::field("body", "unreadable", &cause)
    })
    .await?;
    Ok(web::Json(service::ingest(&state, &body).await?))
}

/// The bound of any `web::Bytes` body. `receive` no longer takes one: it reads its body itself
/// to answer an oversized mail with a problem, with this same limit.
pub fn raw_mail_limit() -> web::PayloadConfig {
    web::PayloadConfig::new(INBOUND_MAX_BYTES)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RejectedQuery {
    /// From `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    limit: Option<String>,
}

/// Support team: mails that created nothing, newest first.
#[utoipa::path(
    tag = "mail",
    security(("bearer" = [])),
    params(RejectedQuery),
    responses(
        (status = 200, description = "A page of rejected mails", body = RejectedMailPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 422, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rejected-mails")]
pub async fn list_rejected(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<RejectedQuery>,
) -> ApiResult<web::Json<RejectedMailPage>> {
    let query = query.into_inner();
    Ok(web::Json(
        super::rejected::page(
            &state,
            &user,
            query.cursor.as_deref(),
            query.limit.as_deref(),
        )
        .await?,
    ))
}

/// Support team: one rejected mail, whole, as an `.eml` download (a 404 to anyone else).
#[utoipa::path(
    tag = "mail",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Rejected mail id")),
    responses(
        (status = 200, description = "The raw message", content_type = "application/octet-stream", body = inline(RawMail)),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 404, description = "No such mail, or not the support team (customers are told nothing more)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/rejected-mails/{id}/raw")]
pub async fn rejected_raw(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let raw = super::rejected::raw(&state, &user, id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"rejected-{id}.eml\""),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        ))
        .body(raw))
}
