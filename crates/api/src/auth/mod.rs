//! Sign-in, access and refresh tokens, password rules, throttling, accounts by email, and the `AuthUser` extractor every protected handler takes.
pub mod extractor;
pub mod links;
pub mod password;
pub mod recovery;
pub mod recovery_routes;
pub mod routes;
pub mod service;
pub mod throttle;
pub mod tokens;

pub use extractor::{AuthUser, OptionalUser, SessionUser};
