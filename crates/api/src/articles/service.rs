//! Articles as plain functions: the list and its search, one article (counted as a view),
//! the support team's writes (each with its revision and audit entry) and the revisions.
use chrono::{SubsecRound, Utc};
use guichet_types::{
    Article, ArticleId, ArticlePage, ArticleRevision, ArticleRevisionPage, ArticleUpdate,
    ArticleVisibility, CategoryId, CompanyId, FieldError, Locale, NewArticle, Page, Permission,
    UserRef,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::queries::{self, Reader, ARTICLES};
use super::render::render;
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::categories::cache::Categories;
use crate::companies::service::names_of;
use crate::contracts::coverage;
use crate::entities::{article_companies, article_images, article_revisions, articles, companies};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;
use crate::tickets::search;

/// The longest slug made from a title.
const GENERATED_SLUG_MAX_CHARS: usize = 80;

/// The filters of `GET /articles`, as received.
#[derive(Debug, Default)]
pub struct ArticleFilter {
    pub q: Option<String>,
    pub category_id: Option<String>,
    pub locale: Option<String>,
    pub published: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// A page of the articles `user` may read, newest first.
pub async fn page(
    state: &AppState,
    user: Option<&SessionUser>,
    filter: &ArticleFilter,
) -> ApiResult<ArticlePage> {
    let reader = Reader::of(user);
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(
        filter.cursor.as_deref(),
        filter.limit.as_deref(),
        &mut errors,
    );
    let category = filter.category_id.as_deref().and_then(|text| {
        let parsed = text.trim().parse::<i64>().ok().map(CategoryId);
        if parsed.is_none() {
            errors.push(FieldError::new(
                "category_id",
                "invalid_type",
                "a category id",
            ));
        }
        parsed
    });
    let locale = filter.locale.as_deref().and_then(|text| {
        let parsed = Locale::parse(text.trim());
        if parsed.is_none() {
            errors.push(FieldError::new("locale", "invalid", "fr or en"));
        }
        parsed
    });
    let published = filter.published.as_deref().and_then(|text| {
        let parsed = text.trim().parse::<bool>().ok();
        if parsed.is_none() {
            errors.push(FieldError::new(
                "published",
                "invalid_type",
                "true or false",
            ));
        }
        parsed
    });
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let categories = state.categories.get(&state.db).await?;
    let mut query = articles::Entity::find().filter(queries::readable(reader));
    if let Some(category) = category {
        query = query.filter(
            articles::Column::CategoryId.is_in(queries::with_descendants(&categories, category)),
        );
    }
    if let Some(locale) = locale {
        query = query.filter(articles::Column::Locale.eq(locale));
    }
    if let Some(published) = published {
        query = query.filter(articles::Column::Published.eq(published));
    }
    if let Some(words) = filter.q.as_deref().and_then(search::query_words) {
        let backend = state.db.get_database_backend();
        query = query.filter(search::matches_in(&ARTICLES, backend, &words));
    }
    let rows = newest_first(query, articles::Column::Id, &request)
        .select_only()
        .columns(queries::SUMMARY_COLUMNS)
        .into_model::<queries::SummaryRow>()
        .all(&state.db)
        .await?;
    let items = rows
        .into_iter()
        .map(|row| queries::summary(reader, &categories, row))
        .collect();
    Ok(request.page(items, |article| article.id.0))
}

/// The article `slug` for `user`; a reading by anyone but the support team is counted.
pub async fn get(state: &AppState, user: Option<&SessionUser>, slug: &str) -> ApiResult<Article> {
    let reader = Reader::of(user);
    let mut row = queries::find_readable(&state.db, reader, slug, false).await?;
    if !reader.is_staff() {
        // One statement, outside any transaction: a lost count costs nothing.
        let _turn = state.writes.turn().await;
        articles::Entity::update_many()
            .col_expr(
                articles::Column::Views,
                Expr::col(articles::Column::Views).add(1),
            )
            .filter(articles::Column::Id.eq(row.id))
            .exec(&state.db)
            .await?;
        row.views += 1;
    }
    let categories = state.categories.get(&state.db).await?;
    queries::resource(&state.db, reader, &categories, row).await
}

/// The support team: `markdown` rendered and sanitised as saving would; nothing is written.
pub fn preview(user: &SessionUser, markdown: &str) -> ApiResult<String> {
    user.require(Permission::TicketsWork)?;
    Ok(render(markdown).html)
}

/// The members of an article the audit log records.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Recorded {
    slug: String,
    title: String,
    body_markdown: String,
    locale: Locale,
    translation_of: Option<ArticleId>,
    category_id: Option<CategoryId>,
    visibility: ArticleVisibility,
    company_ids: Vec<CompanyId>,
    published: bool,
    reviewed_on: chrono::NaiveDate,
}

impl Recorded {
    fn of(row: &articles::Model, company_ids: Vec<CompanyId>) -> Self {
        Recorded {
            slug: row.slug.clone(),
            title: row.title.clone(),
            body_markdown: row.body_markdown.clone(),
            locale: row.locale,
            translation_of: row.translation_of,
            category_id: row.category_id,
            visibility: row.visibility,
            company_ids,
            published: row.published,
            reviewed_on: row.reviewed_on,
        }
    }
}

/// The start of the paths of an article's images.
fn image_prefix(slug: &str) -> String {
    format!("/api/v1/articles/{slug}/images/")
}

/// A slug made from `title`: lower-case ASCII words joined by hyphens.
fn slug_of(title: &str) -> ApiResult<String> {
    let made = slug::slugify(title);
    let mut cut = made.as_str();
    if cut.len() > GENERATED_SLUG_MAX_CHARS {
        cut = &cut[..GENERATED_SLUG_MAX_CHARS];
        cut = cut.trim_end_matches('-');
    }
    if guichet_types::is_valid_slug(cut) {
        Ok(cut.to_owned())
    } else {
        Err(ApiError::field(
            "slug",
            "required",
            "the title gives no slug: give one",
        ))
    }
}

/// The checks that need the database: the category, the companies, the original of a
/// translation; every failure is added to `errors`.
struct Checked<'a> {
    article: Option<ArticleId>,
    locale: Locale,
    translation_of: Option<ArticleId>,
    category_id: Option<CategoryId>,
    visibility: ArticleVisibility,
    /// The companies as they will be; `given` whether the request named them.
    company_ids: &'a [CompanyId],
    given_companies: bool,
}

async fn check(
    db: &impl ConnectionTrait,
    categories: &Categories,
    facts: Checked<'_>,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Some(category) = facts.category_id {
        if categories.get(category).is_none() {
            errors.push(FieldError::new(
                "category_id",
                "not_found",
                "no category has this id",
            ));
        }
    }
    match (facts.visibility, facts.company_ids.is_empty()) {
        (ArticleVisibility::Companies, true) => errors.push(FieldError::new(
            "company_ids",
            "required",
            "an article for chosen companies names one or more",
        )),
        (ArticleVisibility::Companies, false) => {
            let found = companies::Entity::find()
                .filter(companies::Column::Id.is_in(facts.company_ids.iter().copied()))
                .count(db)
                .await?;
            let mut distinct = facts.company_ids.to_vec();
            distinct.sort();
            distinct.dedup();
            if found != distinct.len() as u64 {
                errors.push(FieldError::new(
                    "company_ids",
                    "not_found",
                    "a company of the list does not exist",
                ));
            }
        }
        (_, false) if facts.given_companies => errors.push(FieldError::new(
            "company_ids",
            "not_allowed",
            "only an article of visibility companies names companies",
        )),
        _ => {}
    }
    if let Some(original) = facts.translation_of {
        let found = articles::Entity::find_by_id(original).one(db).await?;
        let problem = match found {
            None => Some(("not_found", "no article has this id")),
            Some(_) if Some(original) == facts.article => {
                Some(("invalid", "an article does not translate itself"))
            }
            Some(row) if row.translation_of.is_some() => Some((
                "not_an_original",
                "this article is itself a translation: name its original",
            )),
            Some(row) if row.locale == facts.locale => Some((
                "same_locale",
                "a translation is in another language than its original",
            )),
            Some(_) => None,
        };
        if let Some((code, message)) = problem {
            errors.push(FieldError::new("translation_of", code, message));
        }
        if let Some(article) = facts.article {
            let translated = articles::Entity::find()
                .filter(articles::Column::TranslationOf.eq(article))
                .count(db)
                .await?;
            if translated > 0 {
                errors.push(FieldError::new(
                    "translation_of",
                    "has_translations",
                    "this article is the original of translations",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

async fn write_companies(
    txn: &impl ConnectionTrait,
    article: ArticleId,
    company_ids: &[CompanyId],
) -> ApiResult<()> {
    article_companies::Entity::delete_many()
        .filter(article_companies::Column::ArticleId.eq(article))
        .exec(txn)
        .await?;
    let mut distinct = company_ids.to_vec();
    distinct.sort();
    distinct.dedup();
    if distinct.is_empty() {
        return Ok(());
    }
    article_companies::Entity::insert_many(distinct.into_iter().map(|company_id| {
        article_companies::ActiveModel {
            article_id: Set(article),
            company_id: Set(company_id),
        }
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

async fn write_revision(
    txn: &impl ConnectionTrait,
    user: &SessionUser,
    row: &articles::Model,
) -> ApiResult<()> {
    let last: Option<Option<i32>> = article_revisions::Entity::find()
        .select_only()
        .expr(Expr::col(article_revisions::Column::Number).max())
        .filter(article_revisions::Column::ArticleId.eq(row.id))
        .into_tuple()
        .one(txn)
        .await?;
    article_revisions::ActiveModel {
        article_id: Set(row.id),
        number: Set(last.flatten().unwrap_or(0) + 1),
        title: Set(row.title.clone()),
        body_markdown: Set(row.body_markdown.clone()),
        author_id: Set(Some(user.id)),
        created_at: Set(row.updated_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The support team: writes an article, its first revision and its audit entry.
pub async fn create(state: &AppState, user: &SessionUser, input: NewArticle) -> ApiResult<Article> {
    user.require(Permission::TicketsWork)?;
    let slug = match &input.slug {
        Some(slug) => slug.clone(),
        None => slug_of(&input.title)?,
    };
    let company_ids = input.company_ids.clone().unwrap_or_default();
    let categories = state.categories.get(&state.db).await?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    check(
        &txn,
        &categories,
        Checked {
            article: None,
            locale: input.locale,
            translation_of: input.translation_of,
            category_id: input.category_id,
            visibility: input.visibility,
            company_ids: &company_ids,
            given_companies: input.company_ids.is_some(),
        },
    )
    .await?;
    let now = Utc::now().trunc_subsecs(6);
    let title = input.title.trim().to_owned();
    let rendered = render(&input.body_markdown);
    let row = articles::ActiveModel {
        slug: Set(slug),
        search_text: Set(search::search_text(&title, &rendered.text)),
        excerpt: Set(rendered.excerpt()),
        title: Set(title),
        body_markdown: Set(input.body_markdown),
        body_html: Set(rendered.html),
        locale: Set(input.locale),
        translation_of: Set(input.translation_of),
        category_id: Set(input.category_id),
        visibility: Set(input.visibility),
        published: Set(input.published.unwrap_or(false)),
        reviewed_on: Set(coverage::today(&state.settings)),
        views: Set(0),
        helpful_count: Set(0),
        unhelpful_count: Set(0),
        avoided_tickets: Set(0),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if row.visibility == ArticleVisibility::Companies {
        write_companies(&txn, row.id, &company_ids).await?;
    }
    write_revision(&txn, user, &row).await?;
    let mut recorded_companies = company_ids.clone();
    recorded_companies.sort();
    recorded_companies.dedup();
    audit::record(
        &txn,
        &Actor::from(user),
        "article.created",
        Target::new("article", row.id),
        &Changes::created(Recorded::of(&row, recorded_companies)),
    )
    .await?;
    let article = queries::resource(&txn, Reader::Staff, &categories, row).await?;
    state.commit(txn).await?;
    Ok(article)
}

/// The support team: changes the members given; a new title or body is a new revision,
/// `reviewed: true` dates the review today. A change of nothing writes nothing.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    slug: &str,
    input: ArticleUpdate,
) -> ApiResult<Article> {
    user.require(Permission::TicketsWork)?;
    let categories = state.categories.get(&state.db).await?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = queries::find_readable(&txn, Reader::Staff, slug, true).await?;
    let companies_before = queries::company_ids(&txn, before.id).await?;
    let mut after = before.clone();
    if let Some(slug) = &input.slug {
        after.slug = slug.clone();
    }
    if let Some(title) = &input.title {
        after.title = title.trim().to_owned();
    }
    if let Some(body) = &input.body_markdown {
        after.body_markdown = body.clone();
    }
    if after.slug != before.slug {
        // The article's images are served under its slug: its own body follows the new one.
        after.body_markdown = after
            .body_markdown
            .replace(&image_prefix(&before.slug), &image_prefix(&after.slug));
    }
    if let Some(locale) = input.locale {
        after.locale = locale;
    }
    if let Some(original) = input.translation_of {
        after.translation_of = original;
    }
    if let Some(category) = input.category_id {
        after.category_id = category;
    }
    if let Some(visibility) = input.visibility {
        after.visibility = visibility;
    }
    if let Some(published) = input.published {
        after.published = published;
    }
    if input.reviewed == Some(true) {
        after.reviewed_on = coverage::today(&state.settings);
    }
    let mut companies_after = match (&input.company_ids, after.visibility) {
        (_, visibility) if visibility != ArticleVisibility::Companies => Vec::new(),
        (Some(given), _) => given.clone(),
        (None, _) => companies_before.clone(),
    };
    companies_after.sort();
    companies_after.dedup();
    let translation_changed = after.translation_of != before.translation_of;
    check(
        &txn,
        &categories,
        Checked {
            article: Some(before.id),
            locale: after.locale,
            // The link is checked when it changes, or when the language does.
            translation_of: after
                .translation_of
                .filter(|_| translation_changed || after.locale != before.locale),
            category_id: after
                .category_id
                .filter(|_| after.category_id != before.category_id),
            visibility: after.visibility,
            company_ids: &companies_after,
            given_companies: input.company_ids.as_ref().is_some_and(|c| !c.is_empty()),
        },
    )
    .await?;
    let changes = Changes::between(
        Recorded::of(&before, companies_before.clone()),
        Recorded::of(&after, companies_after.clone()),
    );
    if changes.is_empty() {
        return queries::resource(&txn, Reader::Staff, &categories, before).await;
    }
    let now = Utc::now().trunc_subsecs(6);
    let text_changed = after.title != before.title || after.body_markdown != before.body_markdown;
    let mut row: articles::ActiveModel = before.clone().into();
    if text_changed {
        let rendered = render(&after.body_markdown);
        row.search_text = Set(search::search_text(&after.title, &rendered.text));
        row.excerpt = Set(rendered.excerpt());
        row.body_html = Set(rendered.html);
    }
    row.slug = Set(after.slug);
    row.title = Set(after.title);
    row.body_markdown = Set(after.body_markdown);
    row.locale = Set(after.locale);
    row.translation_of = Set(after.translation_of);
    row.category_id = Set(after.category_id);
    row.visibility = Set(after.visibility);
    row.published = Set(after.published);
    row.reviewed_on = Set(after.reviewed_on);
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    if companies_after != companies_before {
        write_companies(&txn, saved.id, &companies_after).await?;
    }
    if text_changed {
        write_revision(&txn, user, &saved).await?;
    }
    audit::record(
        &txn,
        &Actor::from(user),
        "article.updated",
        Target::new("article", saved.id),
        &changes,
    )
    .await?;
    let article = queries::resource(&txn, Reader::Staff, &categories, saved).await?;
    state.commit(txn).await?;
    Ok(article)
}

/// The support team: removes an article with its revisions, votes and images; its
/// translations stay, unlinked.
pub async fn delete(state: &AppState, user: &SessionUser, slug: &str) -> ApiResult<()> {
    user.require(Permission::TicketsWork)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = queries::find_readable(&txn, Reader::Staff, slug, true).await?;
    let companies = queries::company_ids(&txn, row.id).await?;
    let image_keys: Vec<String> = article_images::Entity::find()
        .select_only()
        .column(article_images::Column::StorageKey)
        .filter(article_images::Column::ArticleId.eq(row.id))
        .into_tuple()
        .all(&txn)
        .await?;
    // Foreign keys cascade to its companies, revisions, votes and image rows, and unlink
    // its translations.
    articles::Entity::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "article.deleted",
        Target::new("article", row.id),
        &Changes::removed(Recorded::of(&row, companies)),
    )
    .await?;
    state.commit(txn).await?;
    super::images::forget_all(state, image_keys).await;
    Ok(())
}

/// The support team: the revisions of an article, newest first.
pub async fn revisions(
    state: &AppState,
    user: &SessionUser,
    slug: &str,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<ArticleRevisionPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let article = queries::find_readable(&state.db, Reader::Staff, slug, false).await?;
    let rows = newest_first(
        article_revisions::Entity::find()
            .filter(article_revisions::Column::ArticleId.eq(article.id)),
        article_revisions::Column::Id,
        &request,
    )
    .all(&state.db)
    .await?;
    let names = names_of(&state.db, rows.iter().filter_map(|r| r.author_id)).await?;
    let page = request.page(rows, |row| row.id);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|row| ArticleRevision {
                number: row.number,
                author: row.author_id.map(|id| UserRef {
                    id,
                    name: names.get(&id).cloned().unwrap_or_default(),
                }),
                title: row.title,
                body_markdown: row.body_markdown,
                at: row.created_at,
            })
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// The public published articles, for the sitemap: (slug, last change), at most 50,000
/// (a sitemap's limit).
pub async fn public_pages(state: &AppState) -> ApiResult<Vec<(String, chrono::DateTime<Utc>)>> {
    Ok(articles::Entity::find()
        .select_only()
        .columns([articles::Column::Slug, articles::Column::UpdatedAt])
        .filter(queries::readable(Reader::Anonymous))
        .order_by_asc(articles::Column::Id)
        .limit(50_000)
        .into_tuple()
        .all(&state.db)
        .await?)
}
