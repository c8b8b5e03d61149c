//! Who reads which article, and the reads that build the resources.
use std::collections::HashMap;

use guichet_types::{
    Article, ArticleId, ArticleSummary, ArticleTranslation, ArticleVisibility, CategoryRef,
    CompanyId, Locale, Permission,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::auth::SessionUser;
use crate::categories::cache::Categories;
use crate::entities::{article_companies, articles};
use crate::error::{ApiError, ApiResult};
use crate::tickets::search::SearchIndex;

/// The articles' full-text index (migration 000022), searched as tickets are.
pub const ARTICLES: SearchIndex = SearchIndex {
    table: "articles",
    fts: "article_search",
};

/// Who reads: the rules of visibility depend on nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// No token: public published articles.
    Anonymous,
    /// A customer or referent: public and customers' articles, and those for their company;
    /// published only.
    Customer(Option<CompanyId>),
    /// The support team: every article, drafts included.
    Staff,
}

impl Reader {
    pub fn of(user: Option<&SessionUser>) -> Self {
        match user {
            None => Reader::Anonymous,
            Some(user) if user.can(Permission::TicketsWork) => Reader::Staff,
            Some(user) => Reader::Customer(user.company_id),
        }
    }

    pub fn is_staff(self) -> bool {
        self == Reader::Staff
    }
}

/// The articles `reader` may read.
pub fn readable(reader: Reader) -> Condition {
    let published = articles::Column::Published.eq(true);
    match reader {
        Reader::Staff => Condition::all(),
        Reader::Anonymous => Condition::all()
            .add(published)
            .add(articles::Column::Visibility.eq(ArticleVisibility::Public)),
        Reader::Customer(company) => {
            let mut visible = Condition::any().add(
                articles::Column::Visibility
                    .is_in([ArticleVisibility::Public, ArticleVisibility::Customers]),
            );
            if let Some(company) = company {
                let of_company = Query::select()
                    .column(article_companies::Column::ArticleId)
                    .from(article_companies::Entity)
                    .and_where(article_companies::Column::CompanyId.eq(company))
                    .to_owned();
                visible = visible.add(
                    Condition::all()
                        .add(articles::Column::Visibility.eq(ArticleVisibility::Companies))
                        .add(articles::Column::Id.in_subquery(of_company)),
                );
            }
            Condition::all().add(published).add(visible)
        }
    }
}

/// The article `slug` if `reader` may read it; 404 whether it is hidden or absent. `lock`:
/// `FOR UPDATE` on PostgreSQL (SQLite's writers are serialised by the write gate).
pub async fn find_readable(
    db: &impl ConnectionTrait,
    reader: Reader,
    slug: &str,
    lock: bool,
) -> ApiResult<articles::Model> {
    let mut query = articles::Entity::find()
        .filter(articles::Column::Slug.eq(slug))
        .filter(readable(reader));
    if lock && db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(db).await?.ok_or(ApiError::NotFound)
}

/// An article of a list: every column but the bodies.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SummaryRow {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub excerpt: String,
    pub locale: Locale,
    pub translation_of: Option<ArticleId>,
    pub category_id: Option<guichet_types::CategoryId>,
    pub visibility: ArticleVisibility,
    pub published: bool,
    pub reviewed_on: chrono::NaiveDate,
    pub views: i64,
    pub helpful_count: i64,
    pub unhelpful_count: i64,
    pub avoided_tickets: i64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

pub const SUMMARY_COLUMNS: [articles::Column; 15] = [
    articles::Column::Id,
    articles::Column::Slug,
    articles::Column::Title,
    articles::Column::Excerpt,
    articles::Column::Locale,
    articles::Column::TranslationOf,
    articles::Column::CategoryId,
    articles::Column::Visibility,
    articles::Column::Published,
    articles::Column::ReviewedOn,
    articles::Column::Views,
    articles::Column::HelpfulCount,
    articles::Column::UnhelpfulCount,
    articles::Column::AvoidedTickets,
    articles::Column::UpdatedAt,
];

/// The category of an article, named in the article's language.
fn category_ref(
    categories: &Categories,
    id: Option<guichet_types::CategoryId>,
    locale: Locale,
) -> Option<CategoryRef> {
    let id = id?;
    Some(CategoryRef {
        id,
        name: categories.name(id, locale).unwrap_or_default().to_owned(),
    })
}

/// The support team's counters, or `None` for everyone else.
fn counters(reader: Reader, values: [i64; 4]) -> [Option<i64>; 4] {
    values.map(|value| reader.is_staff().then_some(value))
}

pub fn summary(reader: Reader, categories: &Categories, row: SummaryRow) -> ArticleSummary {
    let [views, helpful_count, unhelpful_count, avoided_tickets] = counters(
        reader,
        [
            row.views,
            row.helpful_count,
            row.unhelpful_count,
            row.avoided_tickets,
        ],
    );
    ArticleSummary {
        category: category_ref(categories, row.category_id, row.locale),
        id: row.id,
        slug: row.slug,
        title: row.title,
        excerpt: row.excerpt,
        locale: row.locale,
        translation_of: row.translation_of,
        category_id: row.category_id,
        visibility: row.visibility,
        published: row.published,
        reviewed_on: row.reviewed_on,
        updated_at: row.updated_at,
        views,
        helpful_count,
        unhelpful_count,
        avoided_tickets,
    }
}

/// The companies an article is for, in id order.
pub async fn company_ids(
    db: &impl ConnectionTrait,
    article: ArticleId,
) -> ApiResult<Vec<CompanyId>> {
    Ok(article_companies::Entity::find()
        .select_only()
        .column(article_companies::Column::CompanyId)
        .filter(article_companies::Column::ArticleId.eq(article))
        .order_by_asc(article_companies::Column::CompanyId)
        .into_tuple()
        .all(db)
        .await?)
}

/// The other languages of `row` that `reader` may read: the original and its translations.
async fn translations(
    db: &impl ConnectionTrait,
    reader: Reader,
    row: &articles::Model,
) -> ApiResult<Vec<ArticleTranslation>> {
    let original = row.translation_of.unwrap_or(row.id);
    let rows: Vec<(ArticleId, Locale, String, String)> = articles::Entity::find()
        .select_only()
        .columns([
            articles::Column::Id,
            articles::Column::Locale,
            articles::Column::Slug,
            articles::Column::Title,
        ])
        .filter(
            Condition::any()
                .add(articles::Column::Id.eq(original))
                .add(articles::Column::TranslationOf.eq(original)),
        )
        .filter(articles::Column::Id.ne(row.id))
        .filter(readable(reader))
        .order_by_asc(articles::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, locale, slug, title)| ArticleTranslation {
            id,
            locale,
            slug,
            title,
        })
        .collect())
}

/// The article resource of `row` for `reader`: its translations, and for the support team
/// its companies and counters.
pub async fn resource(
    db: &impl ConnectionTrait,
    reader: Reader,
    categories: &Categories,
    row: articles::Model,
) -> ApiResult<Article> {
    let company_ids = if reader.is_staff() && row.visibility == ArticleVisibility::Companies {
        company_ids(db, row.id).await?
    } else {
        Vec::new()
    };
    let translations = translations(db, reader, &row).await?;
    let [views, helpful_count, unhelpful_count, avoided_tickets] = counters(
        reader,
        [
            row.views,
            row.helpful_count,
            row.unhelpful_count,
            row.avoided_tickets,
        ],
    );
    Ok(Article {
        category: category_ref(categories, row.category_id, row.locale),
        id: row.id,
        slug: row.slug,
        title: row.title,
        body_markdown: row.body_markdown,
        body_html: row.body_html,
        locale: row.locale,
        translation_of: row.translation_of,
        category_id: row.category_id,
        visibility: row.visibility,
        company_ids,
        published: row.published,
        reviewed_on: row.reviewed_on,
        created_at: row.created_at,
        updated_at: row.updated_at,
        translations,
        views,
        helpful_count,
        unhelpful_count,
        avoided_tickets,
    })
}

/// `category` and every category below it.
pub fn with_descendants(
    categories: &Categories,
    category: guichet_types::CategoryId,
) -> Vec<guichet_types::CategoryId> {
    let mut children: HashMap<guichet_types::CategoryId, Vec<guichet_types::CategoryId>> =
        HashMap::new();
    for node in categories.all() {
        if let Some(parent) = node.parent_id {
            children.entry(parent).or_default().push(node.id);
        }
    }
    let mut found = vec![category];
    let mut next = 0;
    while let Some(current) = found.get(next).copied() {
        next += 1;
        for child in children.get(&current).into_iter().flatten() {
            if !found.contains(child) {
                found.push(*child);
            }
        }
    }
    found
}
