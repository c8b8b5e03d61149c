//! HTTP layer of contracts: `/companies/{id}/contracts`, `/contracts/{id}`.
use actix_web::{get, patch, post, web, HttpResponse};
use guichet_types::{
    CompanyId, Contract, ContractId, ContractPage, ContractUpdate, NewContract, Problem,
};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn, SupportTeamOnly};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ContractQuery {
    /// Words found in the name.
    q: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

/// Support team: the company's contracts, newest first.
#[utoipa::path(
    tag = "administration",
    operation_id = "list_contracts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The company's id"), ContractQuery),
    responses(
        (status = 200, description = "A page of contracts, newest first", body = ContractPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/companies/{id}/contracts")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
    query: web::Query<ContractQuery>,
) -> ApiResult<web::Json<ContractPage>> {
    let page = service::page(
        &state,
        &user,
        *id,
        query.q.as_deref(),
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Admins: a new contract of the company.
///
/// While a company has no contract valid today its customers cannot open tickets; they
/// choose among the categories its valid contracts cover.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_contract",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The company's id")),
    request_body = NewContract,
    responses(
        (status = 201, description = "Created", body = Contract),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; `ends_on` before `starts_on`, or `category_ids` naming no category", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/companies/{id}/contracts")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
    body: ValidJson<NewContract>,
) -> ApiResult<HttpResponse> {
    let contract = service::create(&state, &user, *id, body.0).await?;
    Ok(HttpResponse::Created().json(contract))
}

/// Admins: change a contract; only the members given change.
#[utoipa::path(
    tag = "administration",
    operation_id = "update_contract",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The contract's id")),
    request_body = ContractUpdate,
    responses(
        (status = 200, description = "The contract as changed", body = Contract),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such contract", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; `ends_on` before `starts_on`, or `category_ids` naming no category", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/contracts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ContractId>,
    body: ValidJson<ContractUpdate>,
) -> ApiResult<web::Json<Contract>> {
    Ok(web::Json(
        service::update(&state, &user, *id, body.0).await?,
    ))
}
