//! HTTP layer of companies and their known contacts: `/companies`, `/companies/{id}`,
//! `/companies/{id}/contacts`, `/contacts/{id}`.
use actix_web::{delete, get, patch, post, web, HttpResponse};
use guichet_types::{
    Company, CompanyId, CompanyPage, CompanyUpdate, Contact, ContactId, ContactPage, ContactUpdate,
    NewCompany, NewContact, Problem,
};
use serde::Deserialize;

use super::contacts;
use super::service::{self, CompanyFilter};
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn, SupportTeamOnly};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CompanyQuery {
    /// Words found in the name or the service code (case and accents ignored).
    q: Option<String>,
    /// Only the active (`true`) or deactivated (`false`) companies.
    active: Option<bool>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

/// Support team: the companies, by name.
#[utoipa::path(
    tag = "administration",
    operation_id = "list_companies",
    security(("bearer" = [])),
    params(CompanyQuery),
    responses(
        (status = 200, description = "A page of companies", body = CompanyPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/companies")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<CompanyQuery>,
) -> ApiResult<web::Json<CompanyPage>> {
    let query = query.into_inner();
    let filter = CompanyFilter {
        q: query.q,
        active: query.active,
        cursor: query.cursor,
        limit: query.limit,
    };
    Ok(web::Json(service::page(&state, &user, &filter).await?))
}

/// Admins: a new client company.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_company",
    security(("bearer" = [])),
    request_body = NewCompany,
    responses(
        (status = 201, description = "Created", body = Company),
        NotSignedIn,
        AdminsOnly,
        (status = 409, description = "Another company has this service code (`conflict`, naming `service_code`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; an account manager who is not an active agent or admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/companies")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewCompany>,
) -> ApiResult<HttpResponse> {
    let company = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created().json(company))
}

/// Support team: one company.
#[utoipa::path(
    tag = "administration",
    operation_id = "get_company",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The company's id")),
    responses(
        (status = 200, description = "The company", body = Company),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/companies/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
) -> ApiResult<web::Json<Company>> {
    Ok(web::Json(service::get(&state, &user, *id).await?))
}

/// Admins: change a company; only the members given change.
///
/// Deactivating it ends its people's sessions at once and refuses their sign-ins; its
/// tickets are kept.
#[utoipa::path(
    tag = "administration",
    operation_id = "update_company",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The company's id")),
    request_body = CompanyUpdate,
    responses(
        (status = 200, description = "The company as changed", body = Company),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another company has this service code (`conflict`, naming `service_code`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; an account manager who is not an active agent or admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/companies/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
    body: ValidJson<CompanyUpdate>,
) -> ApiResult<web::Json<Company>> {
    Ok(web::Json(
        service::update(&state, &user, *id, body.0).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ContactQuery {
    /// Words found in the address or the name.
    q: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

/// Support team: the company's known contacts, by address.
#[utoipa::path(
    tag = "administration",
    operation_id = "list_contacts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The company's id"), ContactQuery),
    responses(
        (status = 200, description = "A page of contacts, by address", body = ContactPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/companies/{id}/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
    query: web::Query<ContactQuery>,
) -> ApiResult<web::Json<ContactPage>> {
    let page = contacts::page(
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

/// Admins: a new known contact of the company.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_contact",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The company's id")),
    request_body = NewContact,
    responses(
        (status = 201, description = "Created", body = Contact),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The company already knows this address (`conflict`, naming `email`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/companies/{id}/contacts")]
pub async fn create_contact(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
    body: ValidJson<NewContact>,
) -> ApiResult<HttpResponse> {
    let contact = contacts::create(&state, &user, *id, body.0).await?;
    Ok(HttpResponse::Created().json(contact))
}

/// Admins: change a known contact; only the members given change.
#[utoipa::path(
    tag = "administration",
    operation_id = "update_contact",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The contact's id")),
    request_body = ContactUpdate,
    responses(
        (status = 200, description = "The contact as changed", body = Contact),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such contact", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The company already knows this address (`conflict`, naming `email`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/contacts/{id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ContactId>,
    body: ValidJson<ContactUpdate>,
) -> ApiResult<web::Json<Contact>> {
    Ok(web::Json(
        contacts::update(&state, &user, *id, body.0).await?,
    ))
}

/// Admins: forget a known contact.
#[utoipa::path(
    tag = "administration",
    operation_id = "delete_contact",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The contact's id")),
    responses(
        (status = 204, description = "Forgotten"),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "No such contact", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/contacts/{id}")]
pub async fn delete_contact(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ContactId>,
) -> ApiResult<HttpResponse> {
    contacts::delete(&state, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
