//! Announcements of the support team: everyone reads the current ones (in their language
//! or for all), admins write them.
pub mod routes;
pub mod service;
