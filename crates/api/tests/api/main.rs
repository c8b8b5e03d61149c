//! One integration-test binary: every test starts the real server on a free port with a
//! fresh database, seeded with the demo data, and drives it through `guichet-client`.
//! Each test runs on SQLite and on PostgreSQL (`GUICHET_TEST_POSTGRES_URL`).
mod helpers;

mod access_requests;
mod announcements;
mod articles;
mod assets;
mod attachments;
mod audit;
mod auth;
mod categories;
mod companies;
mod contracts;
mod exports;
mod faults;
mod feed;
mod inbound;
mod isolation;
mod jobs;
mod life;
mod lost_account;
mod mail;
mod mail_crash;
mod moto;
mod operations;
mod patch;
mod people;
mod phone_tickets;
mod platform;
mod rate_limit;
mod recovery;
mod reference;
mod smtp;
mod statements;
mod storage;
mod support_access;
mod tickets;
mod tokens;
mod transfer;
mod webhooks;
