//! HTTP layer of the knowledge base: `/articles`, `/articles/{slug}` and what hangs under it,
//! and `/sitemap.xml`. Reads of public articles need no token; a token sent must be valid.
use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use guichet_types::{
    Article, ArticleFeedbackInput, ArticleFeedbackPage, ArticleImage, ArticleImageId, ArticlePage,
    ArticlePreview, ArticlePreviewInput, ArticleRevisionPage, ArticleSummary, ArticleUpdate,
    ArticleVote, NewArticle, Problem,
};
use serde::Deserialize;

use super::{feedback, images, service};
use crate::attachments::routes::stored_file;
use crate::attachments::storage::ServedAs;
use crate::auth::{AuthUser, OptionalUser};
use crate::error::ApiResult;
use crate::json::ValidJson;
use crate::openapi::{
    NotSignedIn, PasswordChangeRequired, StorageFull, StorageUnavailable, SupportTeamOnly,
};
use crate::state::AppState;

/// An image is shown, never run.
const IMAGE_CSP: &str = "default-src 'none'; sandbox";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ArticleQuery {
    /// Words, each the start of a word of the title or body (case and accents ignored, as
    /// for tickets). The new-ticket form sends the title being typed with `limit=5`.
    q: Option<String>,
    /// This category and the categories below it.
    category_id: Option<String>,
    /// `fr` or `en`.
    locale: Option<String>,
    /// Only the published articles (`true`) or the drafts (`false`, which only the support
    /// team has).
    published: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    limit: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SuggestionQuery {
    /// The title being typed: its folded words of 3 letters or more, ANY of which, as the
    /// start of a word of the title or body, makes a match.
    q: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25).
    limit: Option<String>,
}

/// The knowledge base: the articles the caller may read, newest first, without their body.
///
/// Without a token: the public published articles. Customers: also those for every customer
/// and for their company. The support team: every article, drafts included, with `views`,
/// `helpful_count`, `unhelpful_count` and `avoided_tickets`.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "list_articles",
    security((), ("bearer" = [])),
    params(ArticleQuery),
    responses(
        (status = 200, description = "A page of articles", body = ArticlePage),
        (status = 401, description = "A token was sent that is not valid (invalid, expired or revoked): never read as anonymous", body = Problem, content_type = "application/problem+json"),
        PasswordChangeRequired,
        (status = 422, description = "A bad `category_id`, `locale`, `published`, cursor or limit, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles")]
pub async fn list(
    state: web::Data<AppState>,
    user: OptionalUser,
    query: web::Query<ArticleQuery>,
) -> ApiResult<web::Json<ArticlePage>> {
    let query = query.into_inner();
    let filter = service::ArticleFilter {
        q: query.q,
        category_id: query.category_id,
        locale: query.locale,
        published: query.published,
        cursor: query.cursor,
        limit: query.limit,
    };
    Ok(web::Json(
        service::page(&state, user.user(), &filter).await?,
    ))
}

/// The new-ticket form's suggestions: at most 5 articles the caller may read (published)
/// that match ANY folded word of 3 letters or more of `q`, those matching the most words
/// first, then the newest; without their body.
///
/// Unlike the list's search (every word must match), a typed title finds the articles that
/// share some of its words. No word of 3 letters or more: an empty list.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "suggest_articles",
    security((), ("bearer" = [])),
    params(SuggestionQuery),
    responses(
        (status = 200, description = "At most 5 articles, the best first", body = Vec<ArticleSummary>),
        (status = 401, description = "A token was sent that is not valid", body = Problem, content_type = "application/problem+json"),
        PasswordChangeRequired,
    )
)]
#[get("/articles/suggestions")]
pub async fn suggestions(
    state: web::Data<AppState>,
    user: OptionalUser,
    query: web::Query<SuggestionQuery>,
) -> ApiResult<web::Json<Vec<ArticleSummary>>> {
    let q = query.into_inner().q.unwrap_or_default();
    Ok(web::Json(
        super::suggestions::suggest(&state, user.user(), &q).await?,
    ))
}

/// The support team: renders a body as saving would (sanitised), for an editor's preview;
/// nothing is written.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "preview_article",
    security(("bearer" = [])),
    request_body = ArticlePreviewInput,
    responses(
        (status = 200, description = "The rendered body", body = ArticlePreview),
        NotSignedIn,
        SupportTeamOnly,
        (status = 422, description = "`body_markdown` missing or over 50000 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/preview")]
pub async fn preview(
    user: AuthUser,
    body: ValidJson<ArticlePreviewInput>,
) -> ApiResult<web::Json<ArticlePreview>> {
    Ok(web::Json(ArticlePreview {
        body_html: service::preview(&user, &body.0.body_markdown)?,
    }))
}

/// The support team: writes an article (its first revision); a draft unless `published`.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "create_article",
    security(("bearer" = [])),
    request_body = NewArticle,
    responses(
        (status = 201, description = "Written", body = Article,
            headers(("Location" = String, description = "/api/v1/articles/{slug}"))),
        NotSignedIn,
        SupportTeamOnly,
        (status = 409, description = "Another article has this slug (`conflict`, naming `slug`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, each named: a bad slug (or a title that makes none), an unknown category or company, companies missing for `visibility: companies` or given for another, a `translation_of` that is not an original in another language", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ValidJson<NewArticle>,
) -> ApiResult<HttpResponse> {
    let article = service::create(&state, &user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/articles/{}", article.slug),
        ))
        .json(article))
}

/// One article, with its rendered and sanitised body and its readable translations.
///
/// A reading by anyone but the support team counts as a view. An article the caller may not
/// read is a 404, as one that does not exist.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "get_article",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug", example = "redemarrer-la-box-fibre")),
    responses(
        (status = 200, description = "The article", body = Article),
        (status = 401, description = "A token was sent that is not valid", body = Problem, content_type = "application/problem+json"),
        PasswordChangeRequired,
        (status = 404, description = "No such article, or not readable by the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{slug}")]
pub async fn get(
    state: web::Data<AppState>,
    user: OptionalUser,
    slug: web::Path<String>,
) -> ApiResult<web::Json<Article>> {
    Ok(web::Json(service::get(&state, user.user(), &slug).await?))
}

/// The support team: changes the members given. A new title or body is a new revision;
/// `reviewed: true` sets `reviewed_on` to today.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "update_article",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    request_body = ArticleUpdate,
    responses(
        (status = 200, description = "Changed", body = Article),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another article has this slug (`conflict`, naming `slug`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/articles/{slug}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    slug: web::Path<String>,
    body: ValidJson<ArticleUpdate>,
) -> ApiResult<web::Json<Article>> {
    Ok(web::Json(
        service::update(&state, &user, &slug, body.0).await?,
    ))
}

/// The support team: removes an article, its revisions, votes and images; its translations
/// stay, unlinked.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "delete_article",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 204, description = "Removed"),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/articles/{slug}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    service::delete(&state, &user, &slug).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The support team: the versions of an article's title and body, newest first.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "list_article_revisions",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug"), PageQuery),
    responses(
        (status = 200, description = "A page of revisions", body = ArticleRevisionPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{slug}/revisions")]
pub async fn revisions(
    state: web::Data<AppState>,
    user: AuthUser,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ArticleRevisionPage>> {
    let page = service::revisions(
        &state,
        &user,
        &slug,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// "Cet article a-t-il été utile ?": the caller's vote, replacing their earlier one.
///
/// Signed in, one vote per person. Without a token, one per browser: send `voter`, a random
/// UUID the browser keeps (the SPA keeps it in localStorage).
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "vote_on_article",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    request_body = ArticleFeedbackInput,
    responses(
        (status = 200, description = "The vote as it now stands", body = ArticleVote),
        (status = 401, description = "A token was sent that is not valid", body = Problem, content_type = "application/problem+json"),
        PasswordChangeRequired,
        (status = 404, description = "No such article, or not readable by the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, each named (`voter` is required without a token)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{slug}/feedback")]
pub async fn vote(
    state: web::Data<AppState>,
    user: OptionalUser,
    slug: web::Path<String>,
    body: ValidJson<ArticleFeedbackInput>,
) -> ApiResult<web::Json<ArticleVote>> {
    Ok(web::Json(
        feedback::vote(&state, user.user(), &slug, body.0).await?,
    ))
}

/// The support team: the votes on an article, newest first, with their comments.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "list_article_feedback",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug"), PageQuery),
    responses(
        (status = 200, description = "A page of votes", body = ArticleFeedbackPage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{slug}/feedback")]
pub async fn feedback_list(
    state: web::Data<AppState>,
    user: AuthUser,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ArticleFeedbackPage>> {
    let page = feedback::page(
        &state,
        &user,
        &slug,
        query.cursor.as_deref(),
        query.limit.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Customers: the article, suggested by the new-ticket form, was opened and the form left
/// without a ticket (the SPA tells it once per such visit). Counted in `avoided_tickets`.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "count_avoided_ticket",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 204, description = "Counted"),
        NotSignedIn,
        (status = 403, description = "Customers only; or the password must be changed first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or not readable by the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{slug}/avoided-tickets")]
pub async fn avoided_ticket(
    state: web::Data<AppState>,
    user: AuthUser,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    feedback::ticket_avoided(&state, &user, &slug).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A multipart/form-data body with the image in the part `file`.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documents the multipart body, which is read as a stream"
)]
pub struct ArticleImageUpload {
    /// A `.png`, `.jpg`/`.jpeg`, `.gif` or `.webp` file, at most `GUICHET_ATTACHMENT_MAX_BYTES`.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// An image's bytes.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(
    dead_code,
    reason = "documents the downloaded bytes, which are streamed"
)]
pub struct ImageBytes(Vec<u8>);

/// The support team: uploads an image for articles; write its `url` in the Markdown
/// (`![description](url)`), the only images an article shows.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "upload_article_image",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    request_body(content = inline(ArticleImageUpload), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = ArticleImage),
        NotSignedIn,
        SupportTeamOnly,
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The image is over the attachment limit; nothing is stored", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `file` part, not an image (`not_an_image`), or a malformed body", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
        StorageFull,
    )
)]
#[post("/articles/{slug}/images")]
pub async fn upload_image(
    state: web::Data<AppState>,
    user: AuthUser,
    slug: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let image = images::upload(&state, &user, &slug, req.headers(), payload).await?;
    Ok(HttpResponse::Created().json(image))
}

/// An article's image, to whoever may read the article; shown inline, never run.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "get_article_image",
    security((), ("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The article's slug"),
        ("id" = i64, Path, description = "The image's id"),
    ),
    responses(
        (status = 200, description = "The image's bytes (PNG, JPEG, GIF or WebP)", body = inline(ImageBytes),
            content_type = "image/*",
            headers(("Content-Disposition" = String, description = "inline; filename=\"…\"; filename*=UTF-8''…"))),
        (status = 302, description = "With `GUICHET_STORAGE_PRESIGN` on an S3 store: the image is at a presigned URL of the store",
            headers(("Location" = String, description = "The presigned URL"))),
        (status = 401, description = "A token was sent that is not valid", body = Problem, content_type = "application/problem+json"),
        PasswordChangeRequired,
        (status = 404, description = "No such image, or its article is not readable by the caller", body = Problem, content_type = "application/problem+json"),
        StorageUnavailable,
    )
)]
#[get("/articles/{slug}/images/{id}")]
pub async fn download_image(
    state: web::Data<AppState>,
    user: OptionalUser,
    path: web::Path<(String, ArticleImageId)>,
) -> ApiResult<HttpResponse> {
    let (slug, id) = path.into_inner();
    let image = images::visible_image(&state, user.user(), &slug, id).await?;
    let served = ServedAs {
        content_disposition: &images::inline_disposition(&image.file_name),
        content_type: &image.content_type,
    };
    stored_file(
        &state,
        &format!("article image {id}"),
        &image.storage_key,
        image.size,
        &served,
        IMAGE_CSP,
    )
    .await
}

/// The help centre's public articles for search engines: their pages in the SPA
/// (`{GUICHET_PUBLIC_URL}/help/{slug}`) with the day of their last change.
#[utoipa::path(
    tag = "knowledge base",
    operation_id = "sitemap",
    responses(
        (status = 200, description = "A sitemap (sitemaps.org 0.9) of the public published articles", content_type = "application/xml", body = String),
    )
)]
#[get("/sitemap.xml")]
pub async fn sitemap(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let pages = service::public_pages(&state).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(super::sitemap::document(&state.settings.public_url, &pages)))
}
