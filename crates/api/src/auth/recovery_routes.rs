//! HTTP layer of accounts by email: `/auth/password-reset`, `/auth/password-reset/inspect`,
//! `/auth/password-reset/confirm`, and `/access-requests` (the lost-account form,
//! `/account-recovery-requests`, opens a ticket: `tickets::lost_account`).
//!
//! The password-reset and access requests store the request and answer 202; the
//! `account_mail` job acts on it. Whether the address has an account, is known, or is
//! throttled changes neither the answer nor its timing, and a crash after the answer loses
//! nothing.
use actix_web::{http::header, post, web, HttpRequest, HttpResponse};
use guichet_types::{
    AccessRequest, Locale, PasswordLinkAccount, PasswordLinkToken, PasswordResetConfirm,
    PasswordResetRequest, Problem,
};

use super::recovery;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::operations::client_address::client_address;
use crate::state::AppState;

/// The language of a new account's mail: English when the browser prefers it.
pub fn preferred_locale(req: &HttpRequest) -> Locale {
    let first = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if first.starts_with("en") {
        Locale::En
    } else {
        Locale::Fr
    }
}

/// Ask for a password-reset link by email.
///
/// The answer is 202 whatever the address: if it has an account, a mail with a single-use
/// link valid 1 hour (`/reset-password#token=…`) is sent to it. At most 3 requests per
/// address and 10 per client within 15 minutes are acted upon; the others are still 202
/// and send nothing.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted; a mail follows if the address has an account"),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    recovery::request_password_reset(&state, &body.0.email, &client_address(&req)).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Which account a password-reset or set-password link is for, without using the link.
///
/// The link's page names the account before the password is chosen, and says at once when
/// the link is dead. The token goes in the body, never in the address, and stays valid.
/// Not throttled, like `/auth/password-reset/confirm`: a token is 256 random bits, and the
/// answer names only the account the link was mailed to.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordLinkToken,
    responses(
        (status = 200, description = "The link is valid; the address of its account", body = PasswordLinkAccount),
        (status = 422, description = "An unknown, used or expired token (`token`, code `invalid_token`, as `/auth/password-reset/confirm` answers), or none", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/inspect")]
pub async fn inspect_password_link(
    state: web::Data<AppState>,
    body: ValidJson<PasswordLinkToken>,
) -> ApiResult<web::Json<PasswordLinkAccount>> {
    Ok(web::Json(recovery::inspect(&state, &body.0.token).await?))
}

/// Set a new password with the token of a password-reset, set-password or invitation link.
///
/// The token works once. Every session of the account is signed out, and a pending forced
/// password change is lifted.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password set; sign in with it"),
        (status = 422, description = "A password that breaks the policy (`new_password`), or an unknown, used or expired token (`token`, code `invalid_token`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<PasswordResetConfirm>,
) -> ApiResult<HttpResponse> {
    recovery::confirm(&state, body.0, &client_address(&req)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for an account with the 4-digit service code of one's company.
///
/// The answer is 202 whatever happens. When the address is known for the company of the
/// code (a contact of the company, or an address that has sent its tickets) and has no
/// account, a customer account is created and a set-password link valid 24 hours
/// (`/set-password#token=…`) is mailed to it; with an account already, a password-reset
/// link is mailed instead. Otherwise nothing is created or sent. Throttled like
/// `/auth/password-reset`. The mail's language follows `Accept-Language`.
#[utoipa::path(
    tag = "auth",
    request_body = AccessRequest,
    responses(
        (status = 202, description = "Accepted; a mail follows if the address is known for the company"),
        (status = 422, description = "Invalid body: `full_name`, `email` or `service_code` (exactly 4 digits)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/access-requests")]
pub async fn request_access(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<AccessRequest>,
) -> ApiResult<HttpResponse> {
    let locale = preferred_locale(&req);
    recovery::request_access(&state, &body.0, &client_address(&req), locale).await?;
    Ok(HttpResponse::Accepted().finish())
}
