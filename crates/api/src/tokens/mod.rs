//! API tokens and service accounts (issue 15): credentials made for machines.
//!
//! - [`service`]: a token's life — made for an owner (a person, or a service account by an
//!   admin), listed without its secret, revoked — and [`authenticate`], which [`guard`]
//!   calls for a bearer that starts with `gch_`.
//! - [`service_accounts`]: the non-person accounts of integrations.
//! - [`routes`]: `/me/tokens` and `/service-accounts`.
//! - [`guard`]: the middleware that recognises a token and checks its scope before the
//!   request is read, leaving the caller for the `AuthUser` extractor.
//!
//! What a token may call is the shared scope table of `guichet_types::policy::scopes`, asked
//! by the extractor with the request's route; the owner's role rules apply as for a session.
pub mod guard;
pub mod routes;
pub mod service;
pub mod service_accounts;

pub use service::authenticate;
