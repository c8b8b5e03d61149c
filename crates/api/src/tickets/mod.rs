//! Tickets, cut by job; each behaviour is one hop from here.
//!
//! - `routes.rs`: the HTTP layer and its OpenAPI description, over the plain functions below.
//! - `visibility.rs`: who sees which ticket, and "the ticket this request names, if this
//!   caller may see it", written once.
//! - `open.rs`: opening a ticket (from the API, a mail or the lost-account form);
//!   `requester.rs`: whom it is for (a customer, an agent's caller) and by which channel.
//! - `read.rs`: one ticket, and the lists (filters, scopes, search, pages).
//! - `change.rs`: the one transaction every change goes through, and `PATCH`.
//! - `actions.rs`: follow-ups, the solution, withdrawal, reopening, rating.
//! - `sharing.rs`: watchers.
//! - `timeline.rs`: recording events (and their mails), reading the history.
//! - `auto_close.rs`: the periodic auto-close (the state machine and who may do what are
//!   the shared policy, `guichet_types::policy`).
//! - `queries.rs`: the list and resource queries (a page with its names in one statement);
//!   `search.rs`, `cursor.rs`, `number.rs`: full text, keyset cursors, ticket numbers.
//! - `lost_account.rs`: the lost-account form, which opens a ticket without signing in.
pub mod actions;
pub mod auto_close;
pub mod change;
pub mod cursor;
pub mod lost_account;
pub mod number;
pub mod open;
pub mod queries;
pub mod read;
pub mod requester;
pub mod routes;
pub mod search;
pub mod sharing;
pub mod timeline;
pub mod visibility;
