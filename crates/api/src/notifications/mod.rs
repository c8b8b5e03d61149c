//! Email: the outbox every notification is written to (in the transaction of the change it
//! announces), the worker that delivers it, the notifications of ticket events, and the
//! signed Reply-To addresses that let a reply by mail become a follow-up (`crate::inbound`).
pub mod account_mail;
pub mod contract_mail;
pub mod delivery;
pub mod mailer;
pub mod outbox;
pub mod reply_address;
pub mod smtp;
pub mod support_access_mail;
pub mod templates;
pub mod ticket_mail;
pub mod webhook_mail;
