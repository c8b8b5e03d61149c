//! The knowledge base ("Cet article a-t-il été utile ?") and the provider's pages ("Votre
//! prestataire"): articles in Markdown that customers read before opening a ticket, rendered
//! and sanitised by the server, and the provider's information in both languages.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::enums::wire_enum;
use crate::{
    ArticleId, ArticleImageId, CategoryId, CategoryRef, CompanyId, Locale, Page, ProfileContract,
    UserRef,
};

/// The longest slug.
pub const ARTICLE_SLUG_MAX_CHARS: usize = 100;
/// The longest article or provider page, in characters of Markdown (about 8,000 words).
pub const ARTICLE_BODY_MAX_CHARS: usize = 50_000;
/// The longest comment of a vote.
pub const FEEDBACK_COMMENT_MAX_CHARS: usize = 2000;

wire_enum!(
    /// Who reads an article: anyone, without signing in (`public`); every signed-in customer
    /// (`customers`); the customers of the companies it names (`companies`). The support team
    /// reads every article, drafts included.
    ArticleVisibility { Public = "public", Customers = "customers", Companies = "companies" } default Customers
);

/// A linked translation of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleTranslation {
    pub id: ArticleId,
    pub locale: Locale,
    pub slug: String,
    pub title: String,
}

/// An article as its readers get it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    /// The body rendered from `body_markdown` when it was written (CommonMark), sanitised:
    /// safe to insert into a page as it is.
    pub body_html: String,
    pub locale: Locale,
    /// The original this article translates; `null` for an original.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub translation_of: Option<ArticleId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub category_id: Option<CategoryId>,
    /// The category, named in the article's language.
    pub category: Option<CategoryRef>,
    pub visibility: ArticleVisibility,
    /// The companies whose customers read it (`visibility: companies`); the support team
    /// only: empty for everyone else.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<i64>))]
    pub company_ids: Vec<CompanyId>,
    /// `false`: a draft, which only the support team reads.
    pub published: bool,
    /// When the support team last checked it was right.
    pub reviewed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The other languages of this article that the caller may read.
    pub translations: Vec<ArticleTranslation>,
    /// The support team only (absent for everyone else): readings by customers and readers
    /// not signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<i64>,
    /// The support team only: "yes" votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helpful_count: Option<i64>,
    /// The support team only: "no" votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhelpful_count: Option<i64>,
    /// The support team only: times a customer opened it from the new-ticket form and left
    /// without opening a ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoided_tickets: Option<i64>,
}

/// An article in a list: no body, an excerpt of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    /// The start of the body as plain text.
    pub excerpt: String,
    pub locale: Locale,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub translation_of: Option<ArticleId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub category_id: Option<CategoryId>,
    pub category: Option<CategoryRef>,
    pub visibility: ArticleVisibility,
    pub published: bool,
    pub reviewed_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
    /// The support team only (absent for everyone else): readings by customers and readers
    /// not signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<i64>,
    /// The support team only: "yes" votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helpful_count: Option<i64>,
    /// The support team only: "no" votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhelpful_count: Option<i64>,
    /// The support team only: times a customer opened it from the new-ticket form and left
    /// without opening a ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoided_tickets: Option<i64>,
}

pub type ArticlePage = Page<ArticleSummary>;

/// `POST /articles` (the support team).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "Redémarrer la box fibre", "body_markdown": "1. Débranchez la box.\n2. Attendez 30 secondes.",
    "locale": "fr", "visibility": "customers", "published": true
})))]
pub struct NewArticle {
    /// Lower-case letters, digits and single hyphens (`redemarrer-la-box`); unique. Left out,
    /// it is made from the title.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")
    )]
    #[validate(custom(function = "validate_slug"))]
    pub slug: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub title: String,
    /// CommonMark. Images may only show files uploaded to an article
    /// (`/api/v1/articles/{slug}/images/{id}`); raw HTML is shown as text.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50000))]
    #[validate(
        length(min = 1, max = 50000, message = "must be 1 to 50000 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub body_markdown: String,
    pub locale: Locale,
    /// The original article this one translates (another language, itself an original).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub translation_of: Option<ArticleId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub category_id: Option<CategoryId>,
    pub visibility: ArticleVisibility,
    /// With `visibility: companies`, one or more; otherwise none.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<i64>>))]
    pub company_ids: Option<Vec<CompanyId>>,
    /// Default: false (a draft).
    pub published: Option<bool>,
}

/// `PATCH /articles/{slug}` (the support team): the members given change, the others do not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"published": true, "reviewed": true})))]
pub struct ArticleUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")
    )]
    #[validate(custom(function = "validate_slug"))]
    pub slug: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50000))]
    #[validate(
        length(min = 1, max = 50000, message = "must be 1 to 50000 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub body_markdown: Option<String>,
    pub locale: Option<Locale>,
    /// An original, or `null` to unlink; left out, it does not change.
    // In Rust: `None` leaves it, `Some(None)` removes it.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub translation_of: Option<Option<ArticleId>>,
    /// A category, or `null` for none; left out, it does not change.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub category_id: Option<Option<CategoryId>>,
    pub visibility: Option<ArticleVisibility>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<i64>>))]
    pub company_ids: Option<Vec<CompanyId>>,
    pub published: Option<bool>,
    /// `true`: the article was checked today (`reviewed_on` becomes today).
    pub reviewed: Option<bool>,
}

/// `POST /articles/{slug}/feedback`: "Cet article a-t-il été utile ?". One vote per person,
/// or per browser for readers who are not signed in; a second vote replaces the first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"helpful": false, "comment": "La box n'a pas de bouton.", "voter": "9b2f6c1e-8d0a-4f7b-a1c3-5e6d7f8a9b0c"})))]
pub struct ArticleFeedbackInput {
    pub helpful: bool,
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    #[validate(length(max = 2000, message = "must be at most 2000 characters"))]
    pub comment: Option<String>,
    /// Readers not signed in: a random UUID the browser keeps (the SPA stores it in
    /// localStorage) that names their vote; required without a token, ignored with one.
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    #[validate(custom(function = "validate_voter"))]
    pub voter: Option<String>,
}

/// The tally of an article's votes after a vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleVote {
    /// The vote as it now stands.
    pub helpful: bool,
    pub comment: Option<String>,
    /// Whether it replaced an earlier vote of the same person or browser.
    pub replaced: bool,
}

/// A vote as the support team reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleFeedback {
    pub id: i64,
    pub helpful: bool,
    pub comment: Option<String>,
    /// The signed-in voter; `null` for a reader who was not signed in.
    pub user: Option<UserRef>,
    pub at: DateTime<Utc>,
}

pub type ArticleFeedbackPage = Page<ArticleFeedback>;

/// One version of an article's title and body, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleRevision {
    /// 1 for the first version, then one more for each change of title or body.
    pub number: i32,
    pub title: String,
    pub body_markdown: String,
    pub author: Option<UserRef>,
    pub at: DateTime<Utc>,
}

pub type ArticleRevisionPage = Page<ArticleRevision>;

/// An image uploaded for articles, and the path to show it with (`![…](url)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleImage {
    pub id: ArticleImageId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// `/api/v1/articles/{slug}/images/{id}`: the path to write in the Markdown.
    pub url: String,
}

/// `POST /articles/preview` (the support team): a body to render as saving would, for an
/// editor's preview; nothing is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body_markdown": "1. Débranchez la box.\n2. Attendez **30 secondes**."})))]
pub struct ArticlePreviewInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 50000))]
    #[validate(length(max = 50000, message = "must be at most 50000 characters"))]
    pub body_markdown: String,
}

/// The rendered and sanitised body of a preview, as an article would show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticlePreview {
    pub body_html: String,
}

/// At most this many articles are suggested to a new ticket's title.
pub const ARTICLE_SUGGESTIONS_MAX: usize = 5;
/// The shortest word of a title that suggestions use.
pub const SUGGESTION_WORD_MIN_CHARS: usize = 3;

/// The filters of `GET /articles`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleListQuery {
    /// Words, each the start of a word of the title or body (case and accents ignored).
    pub q: Option<String>,
    /// This category and the ones below it.
    pub category_id: Option<CategoryId>,
    pub locale: Option<Locale>,
    /// The support team: only the published (`true`) or the drafts (`false`).
    pub published: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl ArticleListQuery {
    /// The query string's pairs, for clients.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.q.clone()),
            ("category_id", self.category_id.map(|c| c.to_string())),
            ("locale", self.locale.map(|l| l.to_string())),
            ("published", self.published.map(|p| p.to_string())),
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

/// "Votre prestataire": how to reach the support team, its hours, phone numbers per contract
/// level, holidays and ways of working, in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderPage {
    pub locale: Locale,
    /// Empty until an administrator writes the page.
    pub body_markdown: String,
    /// Rendered and sanitised as articles are.
    pub body_html: String,
    /// `null` until an administrator writes the page.
    pub updated_at: Option<DateTime<Utc>>,
    /// The caller's company's current contract, with its gold-and-above phone line, for the
    /// customers who see it on `GET /me`; `null` for the support team and without a contract.
    pub contract: Option<ProfileContract>,
}

/// `PUT /provider-page/{locale}` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body_markdown": "## Horaires\n\nDu lundi au vendredi, de 8 h à 18 h."})))]
pub struct ProviderPageInput {
    #[cfg_attr(feature = "openapi", schema(max_length = 50000))]
    #[validate(length(max = 50000, message = "must be at most 50000 characters"))]
    pub body_markdown: String,
}

/// Slugs that are routes of their own: the API's `GET /articles/suggestions` and
/// `POST /articles/preview`, the SPA's `/admin/articles/new`.
pub const RESERVED_SLUGS: [&str; 3] = ["suggestions", "preview", "new"];

/// Whether `slug` is lower-case ASCII letters and digits in words joined by single hyphens.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !RESERVED_SLUGS.contains(&slug)
        && slug.len() <= ARTICLE_SLUG_MAX_CHARS
        && slug.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub fn validate_slug(slug: &str) -> Result<(), validator::ValidationError> {
    if is_valid_slug(slug) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new("invalid");
    error.message = Some(
        "lower-case letters and digits in words joined by single hyphens, at most 100 characters, not suggestions, preview or new"
            .into(),
    );
    Err(error)
}

/// Whether `voter` is a UUID in its usual text form (8-4-4-4-12 hexadecimal digits).
pub fn is_valid_voter(voter: &str) -> bool {
    let groups: Vec<&str> = voter.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn validate_voter(voter: &str) -> Result<(), validator::ValidationError> {
    if is_valid_voter(voter) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new("invalid");
    error.message = Some("a UUID (8-4-4-4-12 hexadecimal digits)".into());
    Err(error)
}

/// The path of an article's image, as the Markdown names it and the sanitiser accepts it.
pub fn article_image_path(slug: &str, id: ArticleImageId) -> String {
    format!("/api/v1/articles/{slug}/images/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        for good in ["box", "redemarrer-la-box", "vpn-2fa", "a1-b2-c3"] {
            assert!(is_valid_slug(good), "{good}");
        }
        for bad in [
            "",
            "Box",
            "-box",
            "box-",
            "la--box",
            "la box",
            "début",
            "a/b",
            "suggestions",
            "new",
            &"a".repeat(101),
        ] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }

    #[test]
    fn a_voter_is_a_uuid() {
        assert!(is_valid_voter("9b2f6c1e-8d0a-4f7b-a1c3-5e6d7f8a9b0c"));
        assert!(!is_valid_voter("9b2f6c1e8d0a4f7ba1c35e6d7f8a9b0c"));
        assert!(!is_valid_voter("not-a-uuid-at-all-x"));
        assert!(!is_valid_voter(""));
    }

    #[test]
    fn staff_counters_are_left_out_for_everyone_else() {
        let summary = ArticleSummary {
            id: ArticleId(1),
            slug: "box".into(),
            title: "Box".into(),
            excerpt: String::new(),
            locale: Locale::Fr,
            translation_of: None,
            category_id: None,
            category: None,
            visibility: ArticleVisibility::Public,
            published: true,
            reviewed_on: NaiveDate::default(),
            updated_at: DateTime::default(),
            views: None,
            helpful_count: None,
            unhelpful_count: None,
            avoided_tickets: None,
        };
        let json = serde_json::to_value(&summary).expect("json");
        assert!(json.get("views").is_none());
        let back: ArticleSummary = serde_json::from_value(json).expect("read back");
        assert_eq!(back, summary);
    }
}
