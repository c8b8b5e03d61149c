//! People with an account, as the support team manages them: `GET/POST /users`,
//! `GET/PATCH /users/{id}` and the acts on an account ([`service`]); the one writer of new
//! accounts ([`accounts`]); the refused access requests turned into accounts
//! ([`access_requests`]). HTTP in [`routes`].
pub mod access_requests;
pub mod accounts;
pub mod routes;
pub mod service;
