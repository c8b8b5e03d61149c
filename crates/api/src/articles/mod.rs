//! The knowledge base (issue 17): articles in Markdown that customers read before opening a
//! ticket. routes.rs (HTTP, OpenAPI), service.rs (lists and search, one article, the support
//! team's writes with revisions and audit), queries.rs (who reads what: `readable`, and the
//! resources), feedback.rs (votes and tickets avoided), images.rs, suggestions.rs (the new-ticket form's, any word ranked), render.rs (Markdown to
//! sanitised HTML, shared with the provider's pages), sitemap.rs, seed.rs (the demo articles).
pub mod feedback;
pub mod images;
pub mod queries;
pub mod render;
pub mod routes;
pub mod seed;
pub mod service;
pub mod sitemap;
pub mod suggestions;
