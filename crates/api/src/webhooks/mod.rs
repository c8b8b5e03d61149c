//! Webhooks: admins register endpoints that receive the events of tickets, signed as the
//! Standard Webhooks specification says.
//!
//! - `enqueue.rs`: in the change's own transaction, one delivery (and its job) per event and
//!   endpoint that wants it; the endpoints come from memory (`cache.rs`).
//! - `delivery.rs`: the `deliver_webhook` jobs: per endpoint and ticket in order, signed
//!   (`secret.rs`), sent by `sender.rs` to addresses `address.rs` allows, retried over about
//!   a day; an endpoint failing for 3 days is disabled and its owner mailed. Deliveries are
//!   kept 14 days.
//! - `service.rs` and `routes.rs`: `/webhooks`, their deliveries, redelivery, test events and
//!   secret rotation (admins).
pub mod address;
pub mod cache;
pub mod delivery;
pub mod enqueue;
pub mod routes;
pub mod secret;
pub mod sender;
pub mod service;

use crate::config::{Secret, Settings};

/// What the server builds once for webhooks and keeps in `AppState`.
pub struct Webhooks {
    /// The active endpoints, for the changes that enqueue deliveries.
    pub endpoints: cache::EndpointCache,
    pub policy: address::AddressPolicy,
    pub sender: sender::Sender,
    /// Seals and opens the stored secrets.
    pub secrets: secret::SecretBox,
}

impl Webhooks {
    pub fn new(settings: &Settings, token_key: &Secret) -> Result<Self, String> {
        let policy = address::AddressPolicy::from_settings(settings);
        Ok(Webhooks {
            endpoints: cache::EndpointCache::default(),
            sender: sender::Sender::new(policy.clone())
                .map_err(|e| format!("webhook HTTP client: {e}"))?,
            policy,
            secrets: secret::SecretBox::new(token_key),
        })
    }
}
