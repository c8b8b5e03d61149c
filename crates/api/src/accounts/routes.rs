//! HTTP layer of accounts: `/me`, `/categories`, `/assets`.
use actix_web::{get, patch, web};
use guichet_types::{Actor, Asset, CategoryNode, CompanyId, Problem, Profile, ProfileUpdate};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::contracts::coverage;
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

/// The category tree, named in the caller's language.
///
/// The support team gets every category; a customer or referent those their company's valid
/// contracts cover, with the parents leading to them (none without a valid contract).
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Top-level categories with their children", body = Vec<CategoryNode>),
        NotSignedIn,
        PasswordChangeRequired,
    )
)]
#[get("/categories")]
pub async fn categories(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<CategoryNode>>> {
    let tree = service::category_tree(&state.db, user.locale).await?;
    Ok(web::Json(
        coverage::offered_tree(&state, &user, tree).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AssetQuery {
    /// Agents only: whose assets. Customers always get their own company's.
    #[param(value_type = Option<i64>)]
    company_id: Option<CompanyId>,
}

/// The assets of the caller's company ("Mes matériels").
#[utoipa::path(
    tag = "reference",
    security(("bearer" = [])),
    params(AssetQuery),
    responses(
        (status = 200, description = "The company's assets", body = Vec<Asset>),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 404, description = "Agents: no such company", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assets")]
pub async fn assets(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<AssetQuery>,
) -> ApiResult<web::Json<Vec<Asset>>> {
    Ok(web::Json(
        service::company_assets(&state.db, &user, query.company_id).await?,
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
