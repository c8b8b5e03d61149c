//! HTTP layer of accounts: `/me`, `/companies`, `/staff`.
use actix_web::{get, patch, web};
use guichet_types::{Actor, Problem, Profile, ProfileUpdate};

use super::service;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{NotSignedIn, PasswordChangeRequired, SupportTeamOnly};
use crate::state::AppState;

/// The caller's own profile.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = Profile),
        NotSignedIn,
        (status = 403, description = "The password must be changed first (`password_change_required`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Profile>> {
    Ok(web::Json(
        service::profile(&state.db, &state.settings, user.id).await?,
    ))
}

/// Update one's own profile; only the members given change.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    request_body = ProfileUpdate,
    responses(
        (status = 200, description = "The updated profile", body = Profile),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 409, description = "Another account uses this email (`conflict`, naming `email`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<ProfileUpdate>,
) -> ApiResult<web::Json<Profile>> {
    Ok(web::Json(
        service::update_profile(&state.db, &state.settings, &user, body.0).await?,
    ))
}

/// Support team: the agents and admins, by name (to assign tickets and filter the queue).
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The support team", body = Vec<Actor>),
        NotSignedIn,
        SupportTeamOnly,
    )
)]
#[get("/staff")]
pub async fn staff(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Vec<Actor>>> {
    Ok(web::Json(service::staff(&state.db, &user).await?))
}
