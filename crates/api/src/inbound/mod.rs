//! Reply by email: received mails become follow-ups (replies to notifications, whose
//! Reply-To names the ticket and is signed for the recipient) or new tickets (mail to the
//! support address from a known customer); the others are kept as rejected mails.
//! Mail arrives by `guichet mail-ingest` (one message on standard input, piped from an MTA)
//! or `POST /api/v1/inbound-email` (an HTTP mail gateway with its token).
pub mod quoted;
pub mod rejected;
pub mod routes;
pub mod service;
