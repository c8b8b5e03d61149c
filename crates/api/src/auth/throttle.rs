//! Throttling, kept in the database so that every instance sees the same counts. Each
//! [`Limit`] allows so many attempts per key within its window; past it the answer is 429
//! until the oldest counted attempt ages out.
//!
//! - Sign-in counts failures per account ([`SIGN_IN`]; the account key is the email as typed,
//!   so an unknown address is throttled exactly like a known one) and per client address with
//!   a much higher limit (`GUICHET_SIGN_IN_ADDRESS_LIMIT`), so that one office behind a
//!   single address is not locked out by a few colleagues' typos, while a guesser trying
//!   many accounts from one address still is.
//! - The lost-account form ([`ACCOUNT_RECOVERY`]) counts requests per address, see [`take`].
//!
//! Both live in `login_failures`, told apart by the prefix of their keys.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::login_failures;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// At most `max` attempts per key within `window_minutes`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u64,
    pub window_minutes: i64,
}

pub const SIGN_IN: Limit = Limit {
    max: 5,
    window_minutes: 15,
};
pub const ACCOUNT_RECOVERY: Limit = Limit {
    max: 5,
    window_minutes: 60,
};
/// The longest window of the limits above: older rows count for nothing.
const KEPT_MINUTES: i64 = 60;

/// The window of the per-address sign-in limit, whose count is a setting.
pub const SIGN_IN_ADDRESS_WINDOW_MINUTES: i64 = 15;

/// The key under which the sign-in failures of the account `email` are counted.
pub fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

/// The sign-in limits of one attempt: the account's, then the client address's.
pub fn sign_in_keys(email: &str, ip: &str, address_max: u64) -> [(String, Limit); 2] {
    [
        (account_key(email), SIGN_IN),
        (
            format!("ip:{ip}"),
            Limit {
                max: address_max,
                window_minutes: SIGN_IN_ADDRESS_WINDOW_MINUTES,
            },
        ),
    ]
}

/// Fails with 429 when any key has reached its limit.
pub async fn check(
    db: &impl ConnectionTrait,
    limits: &[(String, Limit)],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    for (key, limit) in limits {
        let window = Duration::minutes(limit.window_minutes);
        let recent: Vec<DateTime<Utc>> = login_failures::Entity::find()
            .select_only()
            .column(login_failures::Column::At)
            .filter(login_failures::Column::ThrottleKey.eq(key.as_str()))
            .filter(login_failures::Column::At.gt(now - window))
            .order_by_desc(login_failures::Column::At)
            .limit(limit.max)
            .into_tuple()
            .all(db)
            .await?;
        if recent.len() as u64 >= limit.max {
            // Free again when the oldest of the last `max` attempts leaves the window.
            let oldest = recent.last().copied().unwrap_or(now);
            let retry_after = (oldest + window - now).num_seconds().max(1) as u64;
            return Err(ApiError::Throttled {
                retry_after_secs: retry_after,
            });
        }
    }
    Ok(())
}

/// Counts one attempt for each of `keys`.
pub async fn record(
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
        .filter(login_failures::Column::At.lt(now - Duration::minutes(KEPT_MINUTES)))
        .exec(db)
        .await?;
    Ok(())
}

/// Checks `limit` and counts this attempt in one step: concurrent attempts are counted one
/// at a time (the SQLite write gate; an advisory lock on PostgreSQL, across instances),
/// so they cannot all slip under the limit together. A refused attempt is not counted.
pub async fn take(
    state: &AppState,
    keys: &[String],
    limit: Limit,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7303)")
            .await?;
    }
    let limits: Vec<(String, Limit)> = keys.iter().map(|key| (key.clone(), limit)).collect();
    check(&txn, &limits, now).await?;
    record(&txn, keys, now).await?;
    txn.commit().await?;
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
