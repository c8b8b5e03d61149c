//! HTTP layer of announcements: `/announcements` and `/announcements/{id}`.
use actix_web::{delete, get, http::header, post, put, web, HttpResponse};
use guichet_types::{Announcement, AnnouncementInput, Problem};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AnnouncementQuery {
    /// Admins: every announcement, past and future, whatever its language.
    all: Option<bool>,
}

fn id_of(path: &str) -> ApiResult<i64> {
    path.parse().map_err(|_| ApiError::NotFound)
}

/// The support team's current announcements, in the caller's language or for everyone,
/// newest first.
#[utoipa::path(
    tag = "announcements",
    operation_id = "list_announcements",
    security(("bearer" = [])),
    params(AnnouncementQuery),
    responses(
        (status = 200, description = "The announcements", body = Vec<Announcement>),
        NotSignedIn,
        (status = 403, description = "`all` is for admins", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/announcements")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<AnnouncementQuery>,
) -> ApiResult<web::Json<Vec<Announcement>>> {
    let all = query.all.unwrap_or(false);
    Ok(web::Json(service::list(&state, &user, all).await?))
}

/// Admins: publish an announcement.
#[utoipa::path(
    tag = "announcements",
    operation_id = "create_announcement",
    security(("bearer" = [])),
    request_body = AnnouncementInput,
    responses(
        (status = 201, description = "Published", body = Announcement,
            headers(("Location" = String, description = "/api/v1/announcements/{id}"))),
        NotSignedIn,
        AdminsOnly,
        (status = 422, description = "Invalid members (`ends_at` must be after `starts_at`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/announcements")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<AnnouncementInput>,
) -> ApiResult<HttpResponse> {
    let created = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/announcements/{}", created.id),
        ))
        .json(created))
}

/// Admins: rewrite an announcement.
#[utoipa::path(
    tag = "announcements",
    operation_id = "replace_announcement",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Announcement id")),
    request_body = AnnouncementInput,
    responses(
        (status = 200, description = "Rewritten", body = Announcement),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such announcement", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/announcements/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ValidJson<AnnouncementInput>,
) -> ApiResult<web::Json<Announcement>> {
    let id = id_of(&id)?;
    Ok(web::Json(
        service::replace(&state, &user, id, body.0).await?,
    ))
}

/// Admins: remove an announcement.
#[utoipa::path(
    tag = "announcements",
    operation_id = "delete_announcement",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Announcement id")),
    responses(
        (status = 204, description = "Removed"),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such announcement", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/announcements/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    service::delete(&state, &user, id_of(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
