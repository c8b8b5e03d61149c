//! Profiles (`/me`), the companies and the support team as the queue filters name them.
pub mod routes;
pub mod service;
