//! Sign-in, token refresh with rotation, sign-out and password change, as plain functions.
use chrono::{Duration, Utc};
use guichet_types::{ChangePasswordRequest, FieldError, LoginRequest, TokenPair};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::tokens::{
    hash_refresh_token, new_refresh_token, ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_DAYS,
};
use super::{throttle, SessionUser};
use crate::audit::{self, Actor, Changes, Target};
use crate::entities::{companies, refresh_tokens, sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Addresses are normalised in one place, `guichet_types`; this name is the one the ticket
/// modules (notification address, watchers) still call.
use guichet_types::normalize_email;

pub async fn login(state: &AppState, request: LoginRequest, ip: &str) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let email = normalize_email(&request.email);
    let limits = throttle::sign_in_keys(&email, ip, state.settings.sign_in_address_limit);
    throttle::check(&state.db, &limits, now).await?;
    let keys = limits.map(|(key, _)| key);

    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.as_str());
    let verified = state.passwords.verify(hash, &request.password).await?;
    // A deactivated person, or one of a deactivated company, gets the answer of a wrong
    // password: the portal tells nobody which accounts exist.
    let usable = match &user {
        Some(user) if verified => may_sign_in(&state.db, user).await?,
        _ => false,
    };
    let target = match &user {
        Some(user) => Target::new("user", user.id),
        None => Target::new("email", &email),
    };
    let actor = Actor::anonymous(ip);
    let (Some(user), true) = (user, usable) else {
        let (txn, _turn) = state.writes.begin(&state.db).await?;
        throttle::record(&txn, &keys, now).await?;
        let reason = if verified {
            "inactive"
        } else {
            "wrong_credentials"
        };
        let mut changes = Changes::new();
        changes.set("reason", (), reason);
        audit::record(&txn, &actor, "auth.login_failed", target, &changes).await?;
        txn.commit().await?;
        state.metrics.sign_in_failed();
        return Err(ApiError::InvalidCredentials);
    };

    let (txn, _turn) = state.writes.begin(&state.db).await?;
    throttle::clear_account(&txn, &keys[0]).await?;
    let session = sessions::ActiveModel {
        user_id: Set(user.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let pair = issue_pair(state, &txn, &user, session.id).await?;
    let actor = Actor {
        id: Some(user.id),
        address: ip.to_owned(),
    };
    audit::record(&txn, &actor, "auth.login", target, &Changes::new()).await?;
    txn.commit().await?;
    Ok(pair)
}

/// Whether `user` may sign in: active, and of an active company (or of the support team).
async fn may_sign_in(db: &impl ConnectionTrait, user: &users::Model) -> ApiResult<bool> {
    if !user.active {
        return Ok(false);
    }
    let Some(company) = user.company_id else {
        return Ok(true);
    };
    Ok(companies::Entity::find_by_id(company)
        .select_only()
        .column(companies::Column::Active)
        .into_tuple::<bool>()
        .one(db)
        .await?
        .unwrap_or(false))
}

async fn issue_pair(
    state: &AppState,
    db: &impl ConnectionTrait,
    user: &users::Model,
    session_id: i64,
) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let refresh_token = new_refresh_token();
    refresh_tokens::ActiveModel {
        session_id: Set(session_id),
        token_hash: Set(hash_refresh_token(&refresh_token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(REFRESH_TOKEN_DAYS)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(TokenPair {
        access_token: state
            .tokens
            .issue_access(user.id, session_id)
            .map_err(ApiError::internal)?,
        refresh_token,
        token_type: "Bearer".to_owned(),
        expires_in: ACCESS_TOKEN_SECONDS,
        must_change_password: user.must_change_password,
    })
}

/// Exchanges a refresh token for a new pair. Each refresh token works once: presenting a
/// used one means it was stolen or replayed, and the whole session is revoked.
pub async fn refresh(state: &AppState, token: &str) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let stored = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_refresh_token(token)))
        .one(&txn)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    // Marking it used is the first write, so concurrent refreshes of one token cannot both win.
    let marked = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(stored.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        revoke_sessions(&txn, sessions::Column::Id.eq(stored.session_id)).await?;
        txn.commit().await?;
        return Err(ApiError::Unauthenticated);
    }
    let session = sessions::Entity::find_by_id(stored.session_id)
        .one(&txn)
        .await?;
    let (Some(session), true) = (session, stored.expires_at > now) else {
        return Err(ApiError::Unauthenticated);
    };
    if session.revoked_at.is_some() {
        return Err(ApiError::Unauthenticated);
    }
    let user = users::Entity::find_by_id(session.user_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let pair = issue_pair(state, &txn, &user, session.id).await?;
    txn.commit().await?;
    Ok(pair)
}

/// Ends the session of `token`. Unknown tokens are ignored: the answer tells nothing.
pub async fn logout(state: &AppState, token: &str) -> ApiResult<()> {
    let stored = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_refresh_token(token)))
        .one(&state.db)
        .await?;
    if let Some(stored) = stored {
        revoke_sessions(&state.db, sessions::Column::Id.eq(stored.session_id)).await?;
    }
    Ok(())
}

/// Revokes the sessions `which` selects: their access tokens stop working at once
/// (`AuthUser` checks the session) and their refresh tokens with them.
pub async fn revoke_sessions(
    db: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
) -> ApiResult<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(which)
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Changes the caller's password and signs out every other session of the account.
pub async fn change_password(
    state: &AppState,
    user: &SessionUser,
    request: ChangePasswordRequest,
) -> ApiResult<()> {
    let account = users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !state
        .passwords
        .verify(Some(&account.password_hash), &request.current_password)
        .await?
    {
        return Err(ApiError::field(
            "current_password",
            "incorrect",
            "the current password is not correct",
        ));
    }
    if request.new_password == request.current_password {
        return Err(ApiError::Validation(vec![FieldError::new(
            "new_password",
            "unchanged",
            "the new password must differ from the current one",
        )]));
    }
    let hash = state.passwords.hash(&request.new_password).await?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut active: users::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.must_change_password = Set(false);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let others = sessions::Column::UserId
        .eq(user.id)
        .and(sessions::Column::Id.ne(user.session_id));
    revoke_sessions(&txn, others).await?;
    txn.commit().await?;
    Ok(())
}
