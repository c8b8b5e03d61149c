//! HTTP layer of the dead jobs (admins): `GET /dead-jobs`, `POST /dead-jobs/{id}/retry`.
use actix_web::{get, post, web, HttpResponse};
use guichet_types::{DeadJobPage, JobKindName, Problem};
use serde::Deserialize;

use super::dead;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::openapi::{AdminsOnly, NotSignedIn};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeadJobQuery {
    /// Only jobs of this kind.
    kind: Option<JobKindName>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

/// Admins: the background jobs given up after their last attempt (mails that could not be
/// sent, account mails, webhook deliveries), newest first, with their last error.
#[utoipa::path(
    tag = "administration",
    operation_id = "list_dead_jobs",
    security(("bearer" = [])),
    params(DeadJobQuery),
    responses(
        (status = 200, description = "A page of dead jobs", body = DeadJobPage),
        NotSignedIn,
        AdminsOnly,
        (status = 422, description = "A bad kind, cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dead-jobs")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<DeadJobQuery>,
) -> ApiResult<web::Json<DeadJobPage>> {
    let query = query.into_inner();
    dead::list(
        &state,
        &user,
        query.kind,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await
    .map(web::Json)
}

/// Admins: tries a dead job again, now, with its attempts counted from zero.
#[utoipa::path(
    tag = "administration",
    operation_id = "retry_dead_job",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The job's id")),
    responses(
        (status = 204, description = "Queued again"),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such job", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not dead: it is still being tried (`job_not_dead`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dead-jobs/{id}/retry")]
pub async fn retry(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    dead::retry(&state, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
