//! Consented support access (seed 003, issue 17): an agent working a ticket asks its
//! requester for access to their account; the requester grants it until a time they choose
//! (at most 7 days ahead) or refuses, and may end it at any time; while it is granted, the
//! agent starts assisted sessions: short-lived tokens acting as the customer on that ticket
//! only, every call audited, every change shown with both names.
//!
//! - [`routes`]: HTTP and OpenAPI.
//! - [`service`]: asking, granting, refusing and revoking, sessions started and ended, the
//!   periodic sweep that ends expired sessions (with their end mail).
//! - [`queries`]: accesses read back with their tickets, people and sessions.
//! - [`guard`]: the middleware that recognises an assisted token, checks it in the database
//!   and against `guichet_types::policy::assisted_may` before the request is read, and
//!   audits each call after the answer.
//!
//! The states of an access are the shared rules of `guichet_types::support_access`.
pub mod guard;
pub mod queries;
pub mod routes;
pub mod service;
