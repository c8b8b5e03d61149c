//! HTTP layer of auth: `/auth/login`, `/auth/refresh`, `/auth/logout`, `/me/password`.
use actix_web::{post, web, HttpRequest, HttpResponse};
use guichet_types::{ChangePasswordRequest, LoginRequest, Problem, RefreshRequest, TokenPair};

use super::{service, SessionUser};
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::NotSignedIn;
use crate::state::AppState;

/// Sign in with email and password.
///
/// Unknown emails and wrong passwords get the same answer. After 5 failures for one
/// account (the email as typed, known or not) within 15 minutes, or 100 failures from one
/// client address (`GUICHET_SIGN_IN_ADDRESS_LIMIT`), the answer is 429 with `Retry-After`
/// and the problem member `retry_after` (seconds). The client address is the TCP peer's, or
/// the one a trusted proxy forwarded (`GUICHET_TRUSTED_PROXIES`).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<LoginRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    let ip = crate::operations::client_address::client_address(&req);
    Ok(web::Json(service::login(&state, body.0, &ip).await?))
}

/// Exchange a refresh token for a new pair; the old refresh token stops working.
///
/// Presenting a refresh token that was already used revokes its whole session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenPair),
        (status = 401, description = "Unknown, used, expired or revoked refresh token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    Ok(web::Json(
        service::refresh(&state, &body.0.refresh_token).await?,
    ))
}

/// Sign out: ends the session of the refresh token.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: ValidJson<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    service::logout(&state, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change one's own password; every other session of the account is signed out.
///
/// This is the one call allowed while `must_change_password` is set.
#[utoipa::path(
    tag = "profile",
    request_body = ChangePasswordRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed"),
        NotSignedIn,
        (status = 422, description = "Wrong current password, or a new one that breaks the policy", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: SessionUser,
    body: ValidJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    service::change_password(&state, &user, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
