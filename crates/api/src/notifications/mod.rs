//! Email: the outbox every notification is written to (in the transaction of the change it
//! announces), the worker that delivers it, and the notifications of ticket events.
pub mod account_mail;
pub mod delivery;
pub mod outbox;
pub mod templates;
pub mod ticket_mail;
