//! HTTP layer of people: `/users` and its acts, and the refused `/access-requests`.
use actix_web::{delete, get, http::header, patch, post, web, HttpResponse};
use guichet_types::{
    AccessRequestAccount, AccessRequestId, NewUser, Problem, RefusedAccessRequestPage, User,
    UserId, UserPage, UserUpdate,
};
use serde::Deserialize;

use super::access_requests;
use super::service::{self, UserFilter};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{NotSignedIn, SupportTeamOnly};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    /// People of this company.
    #[param(value_type = Option<i64>)]
    company_id: Option<String>,
    /// `customer`, `referent`, `agent` or `admin`.
    #[param(value_type = Option<guichet_types::Role>)]
    role: Option<String>,
    /// `true`: active people only; `false`: deactivated ones only.
    #[param(value_type = Option<bool>)]
    active: Option<String>,
    /// Words found in the names, the address or the phone numbers, accents and case
    /// ignored; a phone number matches by its digits (`0389` finds `03 89 12 34 56`).
    q: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(value_type = Option<u64>)]
    limit: Option<String>,
}

/// Support team: people, by last name.
///
/// Administrators see everyone; agents see customers and referents only (to find the caller
/// of a phone ticket).
#[utoipa::path(
    tag = "administration",
    operation_id = "list_users",
    security(("bearer" = [])),
    params(UserQuery),
    responses(
        (status = 200, description = "A page of people", body = UserPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 422, description = "A bad filter, cursor or limit, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<UserQuery>,
) -> ApiResult<web::Json<UserPage>> {
    let query = query.into_inner();
    let filter = UserFilter {
        company_id: query.company_id,
        role: query.role,
        active: query.active,
        q: query.q,
        cursor: query.cursor,
        limit: query.limit,
    };
    Ok(web::Json(service::list(&state, &user, &filter).await?))
}

/// Support team: create an account, and mail its invitation.
///
/// The account has no usable password: unless `send_invitation` is `false`, the person is
/// mailed a single-use set-password link valid 7 days, in their language. Agents create
/// customers only. Customers and referents belong to a company; agents and administrators
/// to none.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_user",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, description = "Created; `Location` gives its URL", body = User,
            headers(("Location" = String, description = "/api/v1/users/{id}"))),
        NotSignedIn,
        (status = 403, description = "Not the support team, or an agent giving another role than `customer`; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account has this address (`conflict`, naming `email`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; `company_id` missing, unknown, or given for the support team", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewUser>,
) -> ApiResult<HttpResponse> {
    let created = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", created.id)))
        .json(created))
}

/// Support team: one person (agents: a customer or referent).
#[utoipa::path(
    tag = "administration",
    operation_id = "get_user",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The person", body = User),
        NotSignedIn,
        (status = 403, description = "Not the support team, or an agent reading a member of the support team; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<UserId>,
) -> ApiResult<web::Json<User>> {
    Ok(web::Json(service::get(&state, &user, *id).await?))
}

/// Support team: change a person; only the members given change.
///
/// Administrators change anyone; agents change a customer's names, address, phones and
/// language, never a role, a company or the activity. Deactivating a person, or changing
/// their role or company, ends their sessions at once. Nobody changes their own role or
/// deactivates themselves (403), and the last active administrator stays one (409
/// `last_admin`).
#[utoipa::path(
    tag = "administration",
    operation_id = "update_user",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "The person as changed", body = User),
        NotSignedIn,
        (status = 403, description = "Not allowed: not the support team; an agent changing someone other than a customer, or a role, company or activity; one's own role or deactivation; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account has this address (`conflict`, naming `email`), or this is the last active administrator (`last_admin`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; `company_id` missing, unknown, or kept for the support team", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<UserId>,
    body: ValidJson<UserUpdate>,
) -> ApiResult<web::Json<User>> {
    Ok(web::Json(
        service::update(&state, &user, *id, body.0).await?,
    ))
}

/// Support team: mail the invitation again (a new set-password link valid 7 days).
///
/// The links sent before stop working. Agents invite customers only.
#[utoipa::path(
    tag = "administration",
    operation_id = "send_user_invitation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 202, description = "The mail is on its way"),
        NotSignedIn,
        (status = 403, description = "Not the support team, or an agent inviting someone other than a customer; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/invitation")]
pub async fn send_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<UserId>,
) -> ApiResult<HttpResponse> {
    service::send_invitation(&state, &user, *id).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Support team: mail the person a password-reset link (valid 1 hour).
#[utoipa::path(
    tag = "administration",
    operation_id = "send_user_password_reset",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 202, description = "The mail is on its way"),
        NotSignedIn,
        (status = 403, description = "Not the support team, or an agent acting on someone other than a customer; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/password-reset")]
pub async fn send_password_reset(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<UserId>,
) -> ApiResult<HttpResponse> {
    service::send_password_reset(&state, &user, *id).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Support team: lift the sign-in throttle of the person's account.
#[utoipa::path(
    tag = "administration",
    operation_id = "lift_user_lockout",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 204, description = "The account's failed sign-ins are forgotten"),
        NotSignedIn,
        (status = 403, description = "Not the support team, or an agent acting on someone other than a customer; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/users/{id}/lockout")]
pub async fn lift_lockout(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<UserId>,
) -> ApiResult<HttpResponse> {
    service::lift_lockout(&state, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AccessRequestQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(value_type = Option<u64>)]
    limit: Option<String>,
}

/// Support team: the refused access requests, newest first.
///
/// A request is refused when no company has its service code or the company does not know
/// its address; each comes with the company of its code and the account its address has
/// now, if any.
#[utoipa::path(
    tag = "administration",
    operation_id = "list_access_requests",
    security(("bearer" = [])),
    params(AccessRequestQuery),
    responses(
        (status = 200, description = "A page of refused requests", body = RefusedAccessRequestPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/access-requests")]
pub async fn list_access_requests(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<AccessRequestQuery>,
) -> ApiResult<web::Json<RefusedAccessRequestPage>> {
    Ok(web::Json(
        access_requests::list(
            &state,
            &user,
            query.cursor.as_deref(),
            query.limit.as_deref(),
        )
        .await?,
    ))
}

/// Support team: make the account a refused access request asked for.
///
/// The account has the request's address and language; it is invited as by `POST /users`
/// unless `send_invitation` is `false`. Agents make customers; administrators also
/// referents.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_account_from_access_request",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Access request id")),
    request_body = AccessRequestAccount,
    responses(
        (status = 201, description = "The account; `Location` gives its URL", body = User,
            headers(("Location" = String, description = "/api/v1/users/{id}"))),
        NotSignedIn,
        (status = 403, description = "Not the support team, or an agent making a referent; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such refused request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An account was made from it already (`already_handled`), or the address has one (`conflict`, naming `email`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; an unknown `company_id`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/access-requests/{id}/account")]
pub async fn create_account(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<AccessRequestId>,
    body: ValidJson<AccessRequestAccount>,
) -> ApiResult<HttpResponse> {
    let created = access_requests::make_account(&state, &user, *id, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", created.id)))
        .json(created))
}
