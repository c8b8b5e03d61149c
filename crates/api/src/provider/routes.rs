//! HTTP layer of the provider page: `/provider-page` and `/provider-page/{locale}`.
use actix_web::{get, put, web};
use guichet_types::{Locale, Problem, ProviderPage, ProviderPageInput};
use serde::Deserialize;

use super::service;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn, PasswordChangeRequired};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProviderPageQuery {
    /// `fr` or `en`; default: the caller's language.
    locale: Option<String>,
}

fn locale_of(text: &str, field: &str) -> ApiResult<Locale> {
    Locale::parse(text.trim()).ok_or_else(|| ApiError::field(field, "invalid", "fr or en"))
}

/// "Votre prestataire": the provider's page in one language, with the caller's company's
/// contract (and its gold-and-above phone line) when `GET /me` shows it to them.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "get_provider_page",
    security(("bearer" = [])),
    params(ProviderPageQuery),
    responses(
        (status = 200, description = "The page (empty until an administrator writes it)", body = ProviderPage),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 422, description = "A `locale` other than fr or en", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provider-page")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ProviderPageQuery>,
) -> ApiResult<web::Json<ProviderPage>> {
    let locale = query
        .locale
        .as_deref()
        .map(|text| locale_of(text, "locale"))
        .transpose()?;
    Ok(web::Json(service::get(&state, &user, locale).await?))
}

/// Admins: writes the provider's page in one language (Markdown, rendered and sanitised as
/// articles are).
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "put_provider_page",
    security(("bearer" = [])),
    params(("locale" = String, Path, description = "`fr` or `en`")),
    request_body = ProviderPageInput,
    responses(
        (status = 200, description = "Written", body = ProviderPage),
        NotSignedIn,
        AdminsOnly,
        (status = 404, description = "Not a language of the portal", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/provider-page/{locale}")]
pub async fn put(
    state: web::Data<AppState>,
    user: AuthUser,
    locale: web::Path<String>,
    body: ValidJson<ProviderPageInput>,
) -> ApiResult<web::Json<ProviderPage>> {
    let locale = Locale::parse(&locale).ok_or(ApiError::NotFound)?;
    Ok(web::Json(
        service::put(&state, &user, locale, body.0).await?,
    ))
}
