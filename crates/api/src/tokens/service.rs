//! A token's life as plain functions: made, listed, revoked, and recognised on a request.
use chrono::{DateTime, Duration, SubsecRound, Utc};
use guichet_types::{
    ApiToken, ApiTokenPage, CreatedApiToken, NewApiToken, Role, TokenScope, UserId, TOKEN_PREFIX,
};
use rand::distributions::{Alphanumeric, DistString};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

use crate::audit::{self, Changes, Target};
use crate::auth::extractor::{SessionUser, TokenGrant};
use crate::entities::{api_tokens, users};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;

/// Characters of a secret after its prefix: 40 alphanumerics, about 238 random bits.
const SECRET_CHARS: usize = 40;
/// The last use is written at most once a minute per token and address: a busy integration
/// must not turn every read into a write.
const LAST_USE_EVERY: Duration = Duration::minutes(1);

fn new_secret() -> String {
    let random = Alphanumeric.sample_string(&mut rand::thread_rng(), SECRET_CHARS);
    format!("{TOKEN_PREFIX}{random}")
}

fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// `gch_…a1b2`: enough to tell tokens apart, nothing to guess the rest from.
fn hint_of(secret: &str) -> String {
    let tail = &secret[secret.len().saturating_sub(4)..];
    format!("{TOKEN_PREFIX}…{tail}")
}

fn scopes_of(stored: &str) -> Vec<TokenScope> {
    stored
        .split_whitespace()
        .filter_map(TokenScope::parse)
        .collect()
}

fn to_resource(row: api_tokens::Model) -> ApiToken {
    ApiToken {
        id: row.id,
        scopes: scopes_of(&row.scopes),
        name: row.name,
        hint: row.hint,
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        last_used_address: row.last_used_address,
    }
}

/// The caller of a request that sent `secret`: its owner, as a session would make them, with
/// the token's grant. An unknown, revoked or expired token, or one whose owner is
/// deactivated, is a 401 like a bad access token.
pub async fn authenticate(state: &AppState, secret: &str, address: &str) -> ApiResult<SessionUser> {
    let now = Utc::now().trunc_subsecs(6);
    let found = api_tokens::Entity::find()
        .filter(api_tokens::Column::SecretHash.eq(hash_secret(secret)))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(api_tokens::Column::ExpiresAt.is_null())
                .add(api_tokens::Column::ExpiresAt.gt(now)),
        )
        .find_also_related(users::Entity)
        .one(&state.db)
        .await?;
    let Some((token, Some(owner))) = found else {
        return Err(ApiError::Unauthenticated);
    };
    if !owner.active {
        return Err(ApiError::Unauthenticated);
    }
    let stale = token.last_used_address.as_deref() != Some(address)
        || token
            .last_used_at
            .is_none_or(|at| now - at >= LAST_USE_EVERY);
    if stale {
        note_use(state, token.id, now, address).await?;
    }
    let grant = TokenGrant {
        id: token.id,
        scopes: scopes_of(&token.scopes),
    };
    let mut caller = SessionUser::of_account(owner, 0)?;
    caller.address = address.to_owned();
    caller.token = Some(grant);
    Ok(caller)
}

async fn note_use(state: &AppState, id: i64, now: DateTime<Utc>, address: &str) -> ApiResult<()> {
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::LastUsedAt, Expr::value(now))
        .col_expr(api_tokens::Column::LastUsedAddress, Expr::value(address))
        .filter(api_tokens::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    state.commit(txn).await
}

/// Makes a token for the account `owner` of `role` (which bounds the scopes), written with
/// its audit entry.
pub async fn create(
    state: &AppState,
    actor: &SessionUser,
    (owner, role): (UserId, Role),
    input: NewApiToken,
) -> ApiResult<CreatedApiToken> {
    let now = Utc::now().trunc_subsecs(6);
    let errors = input.errors_for(role, now);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut scopes = input.scopes;
    scopes.sort_by_key(|scope| TokenScope::ALL.iter().position(|s| s == scope));
    scopes.dedup();
    let secret = new_secret();
    let row = api_tokens::ActiveModel {
        user_id: Set(owner),
        name: Set(input.name.trim().to_owned()),
        scopes: Set(scopes
            .iter()
            .map(|scope| scope.as_str())
            .collect::<Vec<_>>()
            .join(" ")),
        secret_hash: Set(hash_secret(&secret)),
        hint: Set(hint_of(&secret)),
        created_at: Set(now),
        created_by: Set(Some(actor.id)),
        expires_at: Set(input.expires_at.map(|at| at.trunc_subsecs(6))),
        ..Default::default()
    };
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let token = to_resource(row.insert(&txn).await?);
    let mut changes = Changes::created(&token);
    changes.set("owner", serde_json::Value::Null, owner);
    audit::record(
        &txn,
        &actor.into(),
        "api_token.created",
        Target::new("api_token", token.id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(CreatedApiToken { token, secret })
}

/// The tokens of `owner` that are not revoked, newest first (expired ones too, so their
/// owner sees why an integration stopped).
pub async fn list(
    state: &AppState,
    owner: UserId,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<ApiTokenPage> {
    let mut errors = Vec::new();
    let request = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let query = api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(owner))
        .filter(api_tokens::Column::RevokedAt.is_null());
    let rows = newest_first(query, api_tokens::Column::Id, &request)
        .all(&state.db)
        .await?;
    Ok(request.page(rows.into_iter().map(to_resource).collect(), |t| t.id))
}

/// Revokes `owner`'s token `id` at once; an unknown one, another's or an already revoked
/// one is a 404.
pub async fn revoke(
    state: &AppState,
    actor: &SessionUser,
    owner: UserId,
    id: i64,
) -> ApiResult<()> {
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let revoked = revoke_in(&txn, owner, id, now).await?;
    if !revoked {
        return Err(ApiError::NotFound);
    }
    let mut changes = Changes::new();
    changes.set("revoked_at", serde_json::Value::Null, now);
    audit::record(
        &txn,
        &actor.into(),
        "api_token.revoked",
        Target::new("api_token", id),
        &changes,
    )
    .await?;
    state.commit(txn).await
}

async fn revoke_in(
    db: &impl ConnectionTrait,
    owner: UserId,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let done = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(now))
        .filter(api_tokens::Column::Id.eq(id))
        .filter(api_tokens::Column::UserId.eq(owner))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_recognisable_and_its_hint_gives_little_away() {
        let secret = new_secret();
        assert!(secret.starts_with("gch_"));
        assert_eq!(secret.len(), 4 + SECRET_CHARS);
        let hint = hint_of(&secret);
        assert!(hint.starts_with("gch_…"));
        assert!(secret.ends_with(hint.trim_start_matches("gch_…")));
        assert_ne!(new_secret(), secret);
        let hash = hash_secret(&secret);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&secret[4..]));
    }

    #[test]
    fn stored_scopes_read_back_and_unknown_ones_are_dropped() {
        assert_eq!(
            scopes_of("tickets:read webhooks:manage retired:scope"),
            [TokenScope::TicketsRead, TokenScope::WebhooksManage]
        );
    }
}
