//! Login throttling: after 5 failures for one account or one address within 15 minutes,
//! sign-in answers 429 until the oldest failure ages out. Kept in the database so that
//! every instance sees the same counts; the account key is the email as typed, so an
//! unknown address is throttled exactly like a known one.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::login_failures;
use crate::error::{ApiError, ApiResult};

pub const MAX_FAILURES: u64 = 5;
pub const WINDOW_MINUTES: i64 = 15;

pub fn keys(email: &str, ip: &str) -> [String; 2] {
    [
        format!("account:{}", email.trim().to_lowercase()),
        format!("ip:{ip}"),
    ]
}

/// Fails with 429 when any of `keys` has too many recent failures.
pub async fn check(
    db: &impl ConnectionTrait,
    keys: &[String],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    for key in keys {
        let recent: Vec<DateTime<Utc>> = login_failures::Entity::find()
            .select_only()
            .column(login_failures::Column::At)
            .filter(login_failures::Column::ThrottleKey.eq(key.as_str()))
            .filter(login_failures::Column::At.gt(since))
            .order_by_desc(login_failures::Column::At)
            .limit(MAX_FAILURES)
            .into_tuple()
            .all(db)
            .await?;
        if recent.len() as u64 >= MAX_FAILURES {
            // Free again when the oldest of the last MAX_FAILURES failures leaves the window.
            let oldest = recent.last().copied().unwrap_or(now);
            let retry_after = (oldest + Duration::minutes(WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1) as u64;
            return Err(ApiError::Throttled {
                retry_after_secs: retry_after,
            });
        }
    }
    Ok(())
}

pub async fn record_failure(
    db: &impl ConnectionTrait,
    keys: &[String],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let rows = keys.iter().map(|key| login_failures::ActiveModel {
        throttle_key: Set(key.clone()),
        at: Set(now),
        ..Default::default()
    });
    login_failures::Entity::insert_many(rows).exec(db).await?;
    // Old rows serve no purpose; drop them as we go.
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::At.lt(now - Duration::minutes(WINDOW_MINUTES)))
        .exec(db)
        .await?;
    Ok(())
}

/// A successful sign-in forgets the account's failures (not the address's).
pub async fn clear_account(db: &impl ConnectionTrait, account_key: &str) -> ApiResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::ThrottleKey.eq(account_key))
        .exec(db)
        .await?;
    Ok(())
}
