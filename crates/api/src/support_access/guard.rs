//! The middleware of assisted sessions: an assisted token (a JWT of `typ` `assisted`) is
//! recognised, checked against the database (its session not ended nor expired, the access
//! not revoked and within `until` + 1 hour, both people active) and against the shared table
//! of what a session may call (`guichet_types::policy::assisted_may`), all before the request
//! is read. The caller it stands for (the customer, with the agent as [`Assistance`]) is left
//! in the request for the `AuthUser` extractor. After the answer, every call is written to the
//! audit log (`support_session.request`: the agent as actor, the customer as target, the
//! method, route, status and session as `changes`).
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{http::header, web, HttpMessage, ResponseError};
use chrono::{SubsecRound, Utc};
use guichet_types::policy::{assisted_may, scopes};
use guichet_types::{UserId, UserRef, TOKEN_PREFIX};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::queries::times;
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::extractor::{display_name, Assistance};
use crate::auth::SessionUser;
use crate::entities::{support_accesses, support_sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::operations::client_address::client_address;
use crate::state::AppState;

/// The bearer of the request, unless it is an API token (`tokens::guard`'s).
fn bearer(req: &ServiceRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|bearer| !bearer.starts_with(TOKEN_PREFIX))
}

/// The customer an assisted token acts as, if the request carries a live one, on a route
/// that reads credentials; `None` for any other request.
async fn assisted_caller(req: &ServiceRequest) -> ApiResult<Option<SessionUser>> {
    let Some(bearer) = bearer(req) else {
        return Ok(None);
    };
    let route = req.match_pattern().unwrap_or_default();
    let method = req.method().as_str();
    if scopes::needed(method, &route).is_none() {
        return Ok(None);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("state missing"))?;
    let Some(claims) = state.tokens.verify_assisted(bearer) else {
        return Ok(None);
    };
    let customer_id = claims.sub.parse().map(UserId).ok();
    let agent_id = claims.act.sub.parse().map(UserId).ok();
    let now = Utc::now().trunc_subsecs(6);
    let found = support_sessions::Entity::find_by_id(claims.sid)
        .filter(support_sessions::Column::EndedAt.is_null())
        .filter(support_sessions::Column::ExpiresAt.gt(now))
        .find_also_related(support_accesses::Entity)
        .one(&state.db)
        .await?;
    let Some((session, Some(access))) = found else {
        return Err(ApiError::Unauthenticated);
    };
    if !times(&access).sessions_may_run(now)
        || Some(access.customer_id) != customer_id
        || Some(session.agent_id) != agent_id
    {
        return Err(ApiError::Unauthenticated);
    }
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in([access.customer_id, session.agent_id]))
        .filter(users::Column::Active.eq(true))
        .all(&state.db)
        .await?;
    let (Some(customer), Some(agent)) = (
        people.iter().find(|u| u.id == access.customer_id).cloned(),
        people.iter().find(|u| u.id == session.agent_id),
    ) else {
        return Err(ApiError::Unauthenticated);
    };
    let assistance = Assistance {
        session_id: session.id,
        access_id: access.id,
        ticket_id: access.ticket_id,
        agent: UserRef {
            id: agent.id,
            name: display_name(agent),
        },
    };
    let mut caller = SessionUser::of_account(customer, 0)?;
    caller.address = client_address(req.request());
    caller.assisted = Some(assistance);
    Ok(Some(caller))
}

/// One audit entry for a call made in an assisted session.
async fn audit_call(
    state: &AppState,
    caller: &SessionUser,
    method: &str,
    route: &str,
    status: u16,
) -> ApiResult<()> {
    let Some(assistance) = &caller.assisted else {
        return Ok(());
    };
    let mut changes = Changes::new();
    changes
        .set("method", (), method)
        .set("route", (), route)
        .set("status", (), status)
        .set("support_session", (), assistance.session_id);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    audit::record(
        &txn,
        &Actor::from(caller),
        "support_session.request",
        Target::new("user", caller.id),
        &changes,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let caller = match assisted_caller(&req).await {
        Ok(None) => return Ok(next.call(req).await?.map_into_left_body()),
        Ok(Some(caller)) => caller,
        Err(error) => {
            return Ok(req
                .into_response(error.error_response())
                .map_into_right_body())
        }
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().as_str().to_owned();
    let route = req.match_pattern().unwrap_or_default();
    let response = if assisted_may(&method, &route) {
        req.extensions_mut().insert(caller.clone());
        next.call(req).await?.map_into_left_body()
    } else {
        req.into_response(ApiError::AssistedForbidden.error_response())
            .map_into_right_body()
    };
    if let Some(state) = state {
        let status = response.status().as_u16();
        // The answer is given even if its audit entry could not be written; the failure is
        // logged (the act itself, if any, was audited in its own transaction).
        if let Err(error) = audit_call(&state, &caller, &method, &route, status).await {
            tracing::error!(%error, "the audit entry of an assisted call failed");
        }
    }
    Ok(response)
}
