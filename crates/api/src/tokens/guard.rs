//! The middleware that lets API tokens in: a `gch_` bearer is recognised and its scope checked
//! against the route before anything else of the request runs (its body is not even read), so
//! a token without the scope gets its 403 whatever it sent. The caller it stands for is left
//! in the request for the `AuthUser` extractor.
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{http::header, web, HttpMessage, ResponseError};
use guichet_types::policy::scopes;
use guichet_types::TOKEN_PREFIX;

use crate::auth::SessionUser;
use crate::error::{ApiError, ApiResult};
use crate::operations::client_address::client_address;
use crate::state::AppState;

/// The token sent in the `Authorization` header, if the bearer is one.
pub fn bearer_token(req: &actix_web::HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|bearer| bearer.starts_with(TOKEN_PREFIX))
}

/// The caller a token stands for, on a route the scope table knows; the others (sign-in,
/// health checks, the public forms, the SPA) do not read credentials, so a token sent there
/// is ignored rather than refused.
async fn token_caller(req: &ServiceRequest) -> ApiResult<Option<SessionUser>> {
    let Some(secret) = bearer_token(req.request()) else {
        return Ok(None);
    };
    let route = req.match_pattern().unwrap_or_default();
    if scopes::needed(req.method().as_str(), &route).is_none() {
        return Ok(None);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("state missing"))?;
    let caller = super::authenticate(state, secret, &client_address(req.request())).await?;
    if let Some(grant) = &caller.token {
        grant.allows(req.method().as_str(), &route)?;
    }
    Ok(Some(caller))
}

pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match token_caller(&req).await {
        Ok(None) => Ok(next.call(req).await?.map_into_left_body()),
        Ok(Some(caller)) => {
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_left_body())
        }
        Err(error) => Ok(req
            .into_response(error.error_response())
            .map_into_right_body()),
    }
}
