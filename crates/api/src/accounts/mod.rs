//! Profiles, companies, the category tree and company assets.
pub mod categories;
pub mod routes;
pub mod service;
