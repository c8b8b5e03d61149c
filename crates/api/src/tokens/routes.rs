//! HTTP layer of API tokens and service accounts: `/me/tokens` and `/service-accounts`.
use actix_web::{delete, get, http::header, patch, post, web, HttpResponse};
use guichet_types::{
    ApiTokenPage, CreatedApiToken, NewApiToken, NewServiceAccount, Problem, ServiceAccount,
    ServiceAccountPage, ServiceAccountPatch, UserId,
};
use serde::Deserialize;

use super::{service, service_accounts};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(value_type = Option<u64>)]
    limit: Option<String>,
}

fn number_of(path: &str) -> ApiResult<i64> {
    path.parse().map_err(|_| ApiError::NotFound)
}

fn created(location: String, body: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// The caller's API tokens that are not revoked, newest first, without their secrets.
///
/// Managing tokens needs a signed-in session: an API token cannot list, make or revoke
/// tokens (403 `insufficient_scope`).
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_my_tokens",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of tokens", body = ApiTokenPage),
        NotSignedIn,
        (status = 403, description = "Called with an API token (`insufficient_scope`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/tokens")]
pub async fn list_mine(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ApiTokenPage>> {
    let page = service::list(
        &state,
        user.id,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Make an API token for oneself: its secret (`gch_…`) is in this answer only.
///
/// The token acts as its owner, within its scopes: it never does more than the owner may,
/// and stops working when the owner is deactivated, when it expires or when it is revoked.
/// Send it as `Authorization: Bearer gch_…`, never in a URL.
#[utoipa::path(
    tag = "integrations",
    operation_id = "create_my_token",
    security(("bearer" = [])),
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Made; the secret is shown this once", body = CreatedApiToken,
            headers(("Location" = String, description = "/api/v1/me/tokens/{id}"))),
        NotSignedIn,
        (status = 403, description = "Called with an API token (`insufficient_scope`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named: a scope the account cannot use (`scopes.N`, `not_allowed`), an expiry in the past", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/tokens")]
pub async fn create_mine(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewApiToken>,
) -> ApiResult<HttpResponse> {
    let made = service::create(&state, &user, (user.id, user.role), body.0).await?;
    Ok(created(
        format!("/api/v1/me/tokens/{}", made.token.id),
        made,
    ))
}

/// Revoke one of the caller's tokens: it stops working at once.
#[utoipa::path(
    tag = "integrations",
    operation_id = "revoke_my_token",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        NotSignedIn,
        (status = 403, description = "Called with an API token (`insufficient_scope`); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token of the caller, or already revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/tokens/{id}")]
pub async fn revoke_mine(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    service::revoke(&state, &user, user.id, number_of(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Admins: the service accounts, newest first.
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_service_accounts",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of service accounts", body = ServiceAccountPage),
        NotSignedIn,
        AdminsOnly,
        (status = 422, description = "A bad cursor or limit, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/service-accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ServiceAccountPage>> {
    let page = service_accounts::list(
        &state,
        &user,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Admins: make a service account for an integration, optionally limited to one company.
///
/// Limited to a company, it acts as that company's referent; otherwise as an administrator.
/// Its tokens' scopes narrow that down. Needs a signed-in session.
#[utoipa::path(
    tag = "integrations",
    operation_id = "create_service_account",
    security(("bearer" = [])),
    request_body = NewServiceAccount,
    responses(
        (status = 201, description = "Made", body = ServiceAccount,
            headers(("Location" = String, description = "/api/v1/service-accounts/{id}"))),
        NotSignedIn,
        (status = 403, description = "Administrators only, with a signed-in session (`insufficient_scope` for a token); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named (`company_id` unknown)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/service-accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewServiceAccount>,
) -> ApiResult<HttpResponse> {
    let account = service_accounts::create(&state, &user, body.0).await?;
    Ok(created(
        format!("/api/v1/service-accounts/{}", account.id),
        account,
    ))
}

fn account_id(path: &str) -> ApiResult<UserId> {
    number_of(path).map(UserId)
}

/// Admins: one service account.
#[utoipa::path(
    tag = "integrations",
    operation_id = "get_service_account",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service account id")),
    responses(
        (status = 200, description = "The service account", body = ServiceAccount),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such service account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/service-accounts/{id}")]
pub async fn get_account(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ServiceAccount>> {
    Ok(web::Json(
        service_accounts::get(&state, &user, account_id(&id)?).await?,
    ))
}

/// Admins: rename a service account, or deactivate it (its tokens stop working) and
/// reactivate it.
#[utoipa::path(
    tag = "integrations",
    operation_id = "update_service_account",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service account id")),
    request_body = ServiceAccountPatch,
    responses(
        (status = 200, description = "Changed", body = ServiceAccount),
        NotSignedIn,
        (status = 403, description = "Administrators only, with a signed-in session (`insufficient_scope` for a token); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/service-accounts/{id}")]
pub async fn update_account(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ValidJson<ServiceAccountPatch>,
) -> ApiResult<web::Json<ServiceAccount>> {
    Ok(web::Json(
        service_accounts::update(&state, &user, account_id(&id)?, body.0).await?,
    ))
}

/// Admins: a service account's tokens that are not revoked, newest first.
#[utoipa::path(
    tag = "integrations",
    operation_id = "list_service_account_tokens",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service account id"), PageQuery),
    responses(
        (status = 200, description = "A page of tokens", body = ApiTokenPage),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such service account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/service-accounts/{id}/tokens")]
pub async fn list_account_tokens(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ApiTokenPage>> {
    let account = service_accounts::find(&state.db, &user, account_id(&id)?).await?;
    let page = service::list(
        &state,
        account.id,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Admins: make a token for a service account; its secret is in this answer only.
#[utoipa::path(
    tag = "integrations",
    operation_id = "create_service_account_token",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Service account id")),
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Made; the secret is shown this once", body = CreatedApiToken,
            headers(("Location" = String, description = "/api/v1/service-accounts/{id}/tokens/{token_id}"))),
        NotSignedIn,
        (status = 403, description = "Administrators only, with a signed-in session (`insufficient_scope` for a token); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/service-accounts/{id}/tokens")]
pub async fn create_account_token(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ValidJson<NewApiToken>,
) -> ApiResult<HttpResponse> {
    let account = service_accounts::find(&state.db, &user, account_id(&id)?).await?;
    let made = service::create(&state, &user, (account.id, account.role), body.0).await?;
    Ok(created(
        format!(
            "/api/v1/service-accounts/{}/tokens/{}",
            account.id, made.token.id
        ),
        made,
    ))
}

/// Admins: revoke a service account's token.
#[utoipa::path(
    tag = "integrations",
    operation_id = "revoke_service_account_token",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Service account id"),
        ("token_id" = i64, Path, description = "Token id"),
    ),
    responses(
        (status = 204, description = "Revoked"),
        NotSignedIn,
        (status = 403, description = "Administrators only, with a signed-in session (`insufficient_scope` for a token); or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service account or token, or already revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/service-accounts/{id}/tokens/{token_id}")]
pub async fn revoke_account_token(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, token_id) = path.into_inner();
    let account = service_accounts::find(&state.db, &user, account_id(&id)?).await?;
    service::revoke(&state, &user, account.id, number_of(&token_id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
