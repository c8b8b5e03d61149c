//! The knowledge base and the provider page. Public articles are read without a token: use a
//! client with none.
use guichet_types::{
    Article, ArticleFeedbackInput, ArticleFeedbackPage, ArticleImage, ArticleImageId,
    ArticleListQuery, ArticlePage, ArticlePreview, ArticlePreviewInput, ArticleRevisionPage,
    ArticleSummary, ArticleUpdate, ArticleVote, Locale, NewArticle, ProviderPage,
    ProviderPageInput,
};
use reqwest::Method;

use crate::{patch_body, without_nulls, Client, ClientError, PageAt, RawResponse};

impl Client {
    /// The articles the caller may read (anonymous: the public ones), newest first.
    pub async fn articles(&self, query: &ArticleListQuery) -> Result<ArticlePage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/articles")
                .query(&query.to_pairs()),
        )
        .await
    }

    /// The new-ticket form's suggestions for a title being typed: at most 5, best first.
    pub async fn article_suggestions(&self, q: &str) -> Result<Vec<ArticleSummary>, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/articles/suggestions")
                .query(&[("q", q)]),
        )
        .await
    }

    /// The support team: `body_markdown` rendered as saving would; nothing is written.
    pub async fn preview_article(
        &self,
        input: &ArticlePreviewInput,
    ) -> Result<ArticlePreview, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/articles/preview")
                .json(input),
        )
        .await
    }

    /// One article; a reading by anyone but the support team counts as a view.
    pub async fn article(&self, slug: &str) -> Result<Article, ClientError> {
        Self::send(self.request(Method::GET, &article_path(slug, ""))).await
    }

    /// The support team: writes an article.
    pub async fn create_article(&self, article: &NewArticle) -> Result<Article, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/articles")
                .json(&without_nulls(article)),
        )
        .await
    }

    /// The support team: the members given change; `category_id: Some(None)` and
    /// `translation_of: Some(None)` clear them.
    pub async fn update_article(
        &self,
        slug: &str,
        update: &ArticleUpdate,
    ) -> Result<Article, ClientError> {
        let body = patch_body(
            update,
            &[
                ("category_id", update.category_id == Some(None)),
                ("translation_of", update.translation_of == Some(None)),
            ],
        );
        Self::send(
            self.request(Method::PATCH, &article_path(slug, ""))
                .json(&body),
        )
        .await
    }

    pub async fn delete_article(&self, slug: &str) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::DELETE, &article_path(slug, ""))).await
    }

    /// The support team: the revisions of an article, newest first.
    pub async fn article_revisions(
        &self,
        slug: &str,
        page: &PageAt,
    ) -> Result<ArticleRevisionPage, ClientError> {
        Self::send(
            self.request(Method::GET, &article_path(slug, "/revisions"))
                .query(&page.to_pairs()),
        )
        .await
    }

    /// "Cet article a-t-il été utile ?"; without a token, `vote.voter` names the browser.
    pub async fn vote_on_article(
        &self,
        slug: &str,
        vote: &ArticleFeedbackInput,
    ) -> Result<ArticleVote, ClientError> {
        Self::send(
            self.request(Method::POST, &article_path(slug, "/feedback"))
                .json(&without_nulls(vote)),
        )
        .await
    }

    /// The support team: the votes on an article, newest first.
    pub async fn article_feedback(
        &self,
        slug: &str,
        page: &PageAt,
    ) -> Result<ArticleFeedbackPage, ClientError> {
        Self::send(
            self.request(Method::GET, &article_path(slug, "/feedback"))
                .query(&page.to_pairs()),
        )
        .await
    }

    /// Customers: the article, suggested by the new-ticket form, avoided a ticket.
    pub async fn count_avoided_ticket(&self, slug: &str) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::POST, &article_path(slug, "/avoided-tickets"))).await
    }

    /// The support team: uploads an image (multipart, part `file`) for articles.
    pub async fn upload_article_image(
        &self,
        slug: &str,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<ArticleImage, ClientError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str(content_type)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        Self::send(
            self.request(Method::POST, &article_path(slug, "/images"))
                .multipart(form),
        )
        .await
    }

    /// An article's image, with its headers.
    pub async fn article_image(
        &self,
        slug: &str,
        id: ArticleImageId,
    ) -> Result<RawResponse, ClientError> {
        self.raw(
            "GET",
            &article_path(slug, &format!("/images/{id}")),
            None,
            None,
        )
        .await
    }

    /// "Votre prestataire" in `locale` (default: the caller's language).
    pub async fn provider_page(&self, locale: Option<Locale>) -> Result<ProviderPage, ClientError> {
        let query: Vec<(&str, &str)> = locale.iter().map(|l| ("locale", l.as_str())).collect();
        Self::send(
            self.request(Method::GET, "/api/v1/provider-page")
                .query(&query),
        )
        .await
    }

    /// Admins: writes the provider page in `locale`.
    pub async fn put_provider_page(
        &self,
        locale: Locale,
        page: &ProviderPageInput,
    ) -> Result<ProviderPage, ClientError> {
        Self::send(
            self.request(Method::PUT, &format!("/api/v1/provider-page/{locale}"))
                .json(page),
        )
        .await
    }

    /// `/sitemap.xml`: the public articles' pages.
    pub async fn sitemap(&self) -> Result<String, ClientError> {
        let response = Self::check(self.request(Method::GET, "/sitemap.xml").send().await?).await?;
        Ok(response.text().await?)
    }
}

fn article_path(slug: &str, rest: &str) -> String {
    format!(
        "/api/v1/articles/{}{rest}",
        crate::encode_path_segment(slug)
    )
}
