//! HTTP layer of the audit log: `GET /audit-events`.
use actix_web::{get, web};
use guichet_types::{AuditEventPage, UserId};
use serde::Deserialize;

use super::list::{self, AuditFilter};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::openapi::{AdminsOnly, NotSignedIn, PasswordChangeRequired};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Acts of this person.
    #[param(value_type = Option<i64>)]
    actor_id: Option<UserId>,
    /// Acts on this type of thing: `company`, `user`, `contract`…
    target_type: Option<String>,
    /// With `target_type`: acts on this one.
    target_id: Option<String>,
    /// Acts of this kind: `company.created`, `auth.login_failed`…
    action: Option<String>,
    /// From this time (RFC 3339, included).
    since: Option<String>,
    /// Up to this time (RFC 3339, excluded).
    until: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

/// Admins: the audit log, newest first.
#[utoipa::path(
    tag = "administration",
    operation_id = "list_audit_events",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of the log", body = AuditEventPage),
        NotSignedIn,
        PasswordChangeRequired,
        AdminsOnly,
        (status = 422, description = "A bad filter, cursor or limit", body = guichet_types::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit-events")]
pub async fn list_events(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<AuditQuery>,
) -> ApiResult<web::Json<AuditEventPage>> {
    let query = query.into_inner();
    let filter = AuditFilter {
        actor_id: query.actor_id,
        target_type: query.target_type,
        target_id: query.target_id,
        action: query.action,
        since: query.since,
        until: query.until,
        cursor: query.cursor,
        limit: query.limit,
    };
    Ok(web::Json(list::page(&state, &user, &filter).await?))
}
