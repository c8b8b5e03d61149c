//! Profiles, companies, the category tree and company assets.
pub mod routes;
pub mod service;
