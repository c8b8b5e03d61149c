//! What a queued job is: its kind (which handler runs it) and its state. Both are stored as
//! their snake_case names.
use sea_orm::entity::prelude::*;

/// The kinds of queued work. Adding one is a variant here and its arm in
/// `jobs::worker::dispatch` (the match is exhaustive, so a kind without a handler does not
/// compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum JobKind {
    /// Send one message of `outbox_messages` (payload: `notifications::delivery::MailJob`).
    #[sea_orm(string_value = "deliver_mail")]
    DeliverMail,
    /// Act on one accepted `account_mail_requests` row (payload: `auth::recovery::AccountMailJob`).
    #[sea_orm(string_value = "account_mail")]
    AccountMail,
}

impl JobKind {
    /// Failed attempts before the job is given up (`dead`).
    pub fn max_attempts(self) -> i32 {
        match self {
            JobKind::DeliverMail | JobKind::AccountMail => 8,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum JobState {
    /// Waiting for `next_attempt_at`, or leased to a worker until `lease_until`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Given up after too many failed attempts; kept, with its last error, to be looked at.
    #[sea_orm(string_value = "dead")]
    Dead,
}
