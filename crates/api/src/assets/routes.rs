//! HTTP layer of assets: `GET/POST /assets`, `PATCH /assets/{id}`,
//! `POST /companies/{id}/assets/import`.
use actix_web::{get, http::header, patch, post, web, HttpResponse};
use guichet_types::{Asset, AssetId, AssetImport, AssetUpdate, CompanyId, NewAsset, Problem};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{read_limited, ValidJson};
use crate::openapi::{AdminsOnly, NotSignedIn, PasswordChangeRequired};
use crate::state::AppState;

/// The largest CSV file an import takes.
const IMPORT_MAX_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AssetQuery {
    /// Support team: whose assets. Customers always get their own company's.
    #[param(value_type = Option<i64>)]
    company_id: Option<CompanyId>,
    /// Admins: the retired assets too.
    all: Option<bool>,
}

/// The assets of the caller's company ("Mes matériels"), by name.
#[utoipa::path(
    tag = "reference",
    operation_id = "assets",
    security(("bearer" = [])),
    params(AssetQuery),
    responses(
        (status = 200, description = "The company's assets", body = Vec<Asset>),
        NotSignedIn,
        (status = 403, description = "The password must be changed first (`password_change_required`), or `all` asked by someone other than an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Support team: no such company; customers: another company", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assets")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<AssetQuery>,
) -> ApiResult<web::Json<Vec<Asset>>> {
    let all = query.all.unwrap_or(false);
    Ok(web::Json(
        service::list(&state.db, &user, query.company_id, all).await?,
    ))
}

/// Admins: add an asset to a company.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_asset",
    security(("bearer" = [])),
    request_body = NewAsset,
    responses(
        (status = 201, description = "Added", body = Asset,
            headers(("Location" = String, description = "/api/v1/assets/{id}"))),
        NotSignedIn,
        PasswordChangeRequired,
        AdminsOnly,
        (status = 422, description = "Invalid members (an unknown `company_id`…)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assets")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewAsset>,
) -> ApiResult<HttpResponse> {
    let asset = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/assets/{}", asset.id)))
        .json(asset))
}

/// Admins: change an asset (retire it with `active: false`); the members given change.
#[utoipa::path(
    tag = "administration",
    operation_id = "update_asset",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Asset id")),
    request_body = AssetUpdate,
    responses(
        (status = 200, description = "The asset as it now is", body = Asset),
        NotSignedIn,
        PasswordChangeRequired,
        AdminsOnly,
        (status = 404, description = "No such asset", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/assets/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<AssetId>,
    body: ValidJson<AssetUpdate>,
) -> ApiResult<web::Json<Asset>> {
    Ok(web::Json(
        service::update(&state, &user, id.into_inner(), body.0).await?,
    ))
}

/// A CSV file of assets: `name;reference;kind;location` after a header row, `;` or `,`.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, example = "name;reference;kind;location\nPoste accueil;PC-01;PC;Rez-de-chaussée\n")]
#[expect(dead_code, reason = "documents the CSV body, which is read as bytes")]
pub struct AssetCsv(String);

/// Admins: add every asset of a CSV file to the company, or none.
///
/// The body is the file itself (`text/csv`, UTF-8, at most 2 MB and 5,000 rows): a header
/// row `name;reference;kind;location`, then one asset per line, separated by `;` or `,`. A
/// file with any bad line adds nothing and the 422 names every bad line and column
/// (`lines.<n>.<column>`, lines counted from 1, the header's).
#[utoipa::path(
    tag = "administration",
    operation_id = "import_assets",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Company id")),
    request_body(content = AssetCsv, content_type = "text/csv"),
    responses(
        (status = 201, description = "Every asset added", body = AssetImport),
        NotSignedIn,
        PasswordChangeRequired,
        AdminsOnly,
        (status = 404, description = "No such company", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over 2 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `text/csv`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad lines or columns, all named; nothing added", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/companies/{id}/assets/import")]
pub async fn import(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CompanyId>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("text/csv"));
    let body = read_limited(&mut payload.into_inner(), IMPORT_MAX_BYTES, |detail| {
        ApiError::field("file", "unreadable", &detail)
    })
    .await?;
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType("text/csv"));
    }
    let imported = service::import(&state, &user, id.into_inner(), &body).await?;
    Ok(HttpResponse::Created().json(imported))
}
