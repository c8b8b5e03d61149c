//! The schema of Guichet, one migration per change, for SQLite and PostgreSQL alike.
//! The server applies pending migrations at start (`guichet migrate` does it alone).
pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261121_000001_foundation;
mod m20261121_000002_ticket_life;
mod m20261121_000003_outbox;
mod m20261121_000004_account_tokens;
mod m20261121_000005_inbound_mail;
mod m20261121_000006_account_recovery;
mod m20261121_000007_account_mail_queue;
mod m20261121_000008_announcements;
mod m20261121_000009_list_indexes;
mod m20261121_000010_ticket_number_sequence;
mod m20261203_000011_cache_versions;
mod m20261203_000012_job_queue;
mod m20261203_000013_system_keys;
mod m20261203_000014_enum_checks;
mod m20261204_000015_administration;
mod m20261205_000016_no_valid_contract;
mod m20261205_000017_refused_access_requests;
mod m20261206_000018_api_tokens;
mod m20261206_000019_webhooks;
mod m20261206_000020_event_feed;
mod m20261207_000021_job_request_ids;
mod m20261208_000022_knowledge_base;
mod m20261208_000023_support_access;

pub use m20261203_000013_system_keys::LOST_ACCOUNT_INTAKE;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_foundation::Migration),
            Box::new(m20261121_000002_ticket_life::Migration),
            Box::new(m20261121_000003_outbox::Migration),
            Box::new(m20261121_000004_account_tokens::Migration),
            Box::new(m20261121_000005_inbound_mail::Migration),
            Box::new(m20261121_000006_account_recovery::Migration),
            Box::new(m20261121_000007_account_mail_queue::Migration),
            Box::new(m20261121_000008_announcements::Migration),
            Box::new(m20261121_000009_list_indexes::Migration),
            Box::new(m20261121_000010_ticket_number_sequence::Migration),
            Box::new(m20261203_000011_cache_versions::Migration),
            Box::new(m20261203_000012_job_queue::Migration),
            Box::new(m20261203_000013_system_keys::Migration),
            Box::new(m20261203_000014_enum_checks::Migration),
            Box::new(m20261204_000015_administration::Migration),
            Box::new(m20261205_000016_no_valid_contract::Migration),
            Box::new(m20261205_000017_refused_access_requests::Migration),
            Box::new(m20261206_000018_api_tokens::Migration),
            Box::new(m20261206_000019_webhooks::Migration),
            Box::new(m20261206_000020_event_feed::Migration),
            Box::new(m20261207_000021_job_request_ids::Migration),
            Box::new(m20261208_000022_knowledge_base::Migration),
            Box::new(m20261208_000023_support_access::Migration),
        ]
    }
}
