//! sea-orm entities, one per table, in the shape `sea-orm-cli generate entity` writes.
//! They never leave the server: responses are built from them in each domain module.

pub mod account_mail_requests;
pub mod account_tokens;
pub mod announcements;
pub mod api_tokens;
pub mod assets;
pub mod attachments;
pub mod audit_events;
pub mod cache_versions;
pub mod categories;
pub mod companies;
pub mod company_contacts;
pub mod contract_categories;
pub mod contracts;
pub mod idempotency_keys;
pub mod inbound_mails;
pub mod jobs;
pub mod login_failures;
pub mod outbox_messages;
pub mod refresh_tokens;
pub mod rejected_mails;
pub mod sessions;
pub mod support_accesses;
pub mod support_sessions;
pub mod ticket_day_counters;
pub mod ticket_events;
pub mod ticket_watchers;
pub mod tickets;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;
