//! What a queued job is: its kind (which handler runs it) and its state. Both are stored as
//! their snake_case names.
use sea_orm::entity::prelude::*;

/// The kinds of queued work. Adding one is a variant here and its arm in
/// `jobs::worker::dispatch` (the match is exhaustive, so a kind without a handler does not
/// compile).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Send one message of `outbox_messages` (payload: `notifications::delivery::MailJob`).
    #[sea_orm(string_value = "deliver_mail")]
    DeliverMail,
    /// Act on one accepted `account_mail_requests` row (payload: `auth::recovery::AccountMailJob`).
    #[sea_orm(string_value = "account_mail")]
    AccountMail,
    /// Send one `webhook_deliveries` row (payload: `webhooks::enqueue::DeliveryJob`).
    #[sea_orm(string_value = "deliver_webhook")]
    DeliverWebhook,
}

/// The waits of a webhook delivery after each failed attempt: about a day in all.
const WEBHOOK_RETRIES: [i64; 10] = [5, 30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800, 28_800];

impl JobKind {
    /// Failed attempts before the job is given up (`dead`).
    pub fn max_attempts(self) -> i32 {
        match self {
            JobKind::DeliverMail | JobKind::AccountMail => 8,
            JobKind::DeliverWebhook => WEBHOOK_RETRIES.len() as i32 + 1,
        }
    }

    /// The wait before the next attempt of `job` after its `attempts`-th failure.
    pub fn retry_delay(self, attempts: i32, job: i64) -> chrono::Duration {
        match self {
            // 5 s, 10 s, 20 s … capped at an hour.
            JobKind::DeliverMail | JobKind::AccountMail => {
                let seconds = 5i64.saturating_mul(1 << attempts.clamp(0, 20)) / 2;
                chrono::Duration::seconds(seconds.clamp(5, 3_600))
            }
            // 5 s, 30 s, 2 min, 10 min … 8 h, each within ±20 % so that the deliveries of
            // an endpoint that failed together do not all come back at once.
            JobKind::DeliverWebhook => {
                let step = usize::try_from(attempts.max(1) - 1)
                    .unwrap_or(0)
                    .min(WEBHOOK_RETRIES.len() - 1);
                let millis = WEBHOOK_RETRIES[step] * 1_000;
                chrono::Duration::milliseconds(millis + millis * jitter(job, attempts) / 1_000)
            }
        }
    }
}

/// A spread in ‰, from -200 to 199, fixed for a job and attempt (so the delivery can show
/// the time the queue will retry at).
fn jitter(job: i64, attempts: i32) -> i64 {
    let mixed = (job as u64 ^ ((attempts as u64) << 48)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((mixed >> 33) % 400) as i64 - 200
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_backoff_doubles_and_is_capped() {
        let seconds = |n| JobKind::DeliverMail.retry_delay(n, 1).num_seconds();
        assert_eq!(
            [seconds(1), seconds(2), seconds(3), seconds(30)],
            [5, 10, 20, 3_600]
        );
    }

    #[test]
    fn webhooks_retry_over_about_a_day_with_jitter() {
        let kind = JobKind::DeliverWebhook;
        let total: i64 = (1..kind.max_attempts())
            .map(|n| kind.retry_delay(n, 42).num_seconds())
            .sum();
        assert!((17 * 3_600..31 * 3_600).contains(&total), "{total}");
        let first: Vec<i64> = (0..50)
            .map(|job| kind.retry_delay(1, job).num_milliseconds())
            .collect();
        assert!(
            first.iter().all(|ms| (4_000..6_000).contains(ms)),
            "{first:?}"
        );
        assert!(first.iter().any(|ms| *ms != first[0]), "spread");
        assert_eq!(kind.retry_delay(1, 7), kind.retry_delay(1, 7));
        assert_eq!(kind.max_attempts(), 11);
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for `next_attempt_at`, or leased to a worker until `lease_until`.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Given up after too many failed attempts; kept, with its last error, to be looked at.
    #[sea_orm(string_value = "dead")]
    Dead,
}
