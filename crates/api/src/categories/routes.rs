//! HTTP layer of the category tree: `GET /categories`, `POST /categories`,
//! `PATCH /categories/{id}`.
use actix_web::{get, http::header, patch, post, web, HttpResponse};
use guichet_types::{Category, CategoryId, CategoryNode, CategoryUpdate, NewCategory, Problem};
use serde::Deserialize;

use super::tree::{self, Shown};
use super::write;
use crate::auth::AuthUser;
use crate::contracts::coverage;
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{AdminsOnly, NotSignedIn, PasswordChangeRequired};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CategoryQuery {
    /// Admins: the whole tree, retired categories included, with both names.
    all: Option<bool>,
}

/// The category tree offered for new tickets, named in the caller's language; admins ask
/// `all=true` for the whole tree.
///
/// The support team gets every active category; a customer or referent those their
/// company's valid contracts cover, with the parents leading to them (none without a valid
/// contract).
#[utoipa::path(
    tag = "reference",
    operation_id = "categories",
    security(("bearer" = [])),
    params(CategoryQuery),
    responses(
        (status = 200, description = "Top-level categories with their children", body = Vec<CategoryNode>),
        NotSignedIn,
        (status = 403, description = "The password must be changed first (`password_change_required`), or `all` asked by someone other than an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/categories")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<CategoryQuery>,
) -> ApiResult<web::Json<Vec<CategoryNode>>> {
    let shown = if query.all.unwrap_or(false) {
        Shown::All
    } else {
        Shown::Offered
    };
    let categories = state.categories.get(&state.db).await?;
    let tree = tree::for_caller(&categories, &user, shown)?;
    // A customer is offered what their company's valid contracts cover.
    Ok(web::Json(match shown {
        Shown::Offered => coverage::offered_tree(&state, &user, tree).await?,
        Shown::All => tree,
    }))
}

/// Admins: add a category.
#[utoipa::path(
    tag = "administration",
    operation_id = "create_category",
    security(("bearer" = [])),
    request_body = NewCategory,
    responses(
        (status = 201, description = "Added", body = Category,
            headers(("Location" = String, description = "/api/v1/categories/{id}"))),
        NotSignedIn,
        PasswordChangeRequired,
        AdminsOnly,
        (status = 422, description = "Invalid members (an unknown `parent_id`…)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/categories")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewCategory>,
) -> ApiResult<HttpResponse> {
    let category = write::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/categories/{}", category.id),
        ))
        .json(category))
}

/// Admins: rename, move, reorder, retire or bring back a category; the members given change.
#[utoipa::path(
    tag = "administration",
    operation_id = "update_category",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Category id")),
    request_body = CategoryUpdate,
    responses(
        (status = 200, description = "The category as it now is", body = Category),
        NotSignedIn,
        PasswordChangeRequired,
        AdminsOnly,
        (status = 404, description = "No such category", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members (`parent_id` under the category itself: `loop`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/categories/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<CategoryId>,
    body: ValidJson<CategoryUpdate>,
) -> ApiResult<web::Json<Category>> {
    Ok(web::Json(
        write::update(&state, &user, id.into_inner(), body.0).await?,
    ))
}
