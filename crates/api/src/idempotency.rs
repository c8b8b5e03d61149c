//! `Idempotency-Key`: a request retried with the same key and body gets the first answer
//! and changes nothing more; the same key with another body is a 422. Keys belong to the
//! caller and to one kind of request (the scope).
//!
//! The key is reserved before the work runs, so two concurrent retries cannot both run it:
//! the second sees the reservation and gets a 409 until the first has answered. The work's
//! own transaction settles the key ([`settle`]: what it made, conditionally on the
//! reservation still being its own), so the key and the work commit together: an instance
//! killed after the commit leaves a settled key, whose retry is answered from what was made;
//! one killed before leaves a reservation that a retry takes over after
//! [`STALE_AFTER_SECONDS`]. A request still running when its key is taken over fails its
//! settle and rolls back, so the work is done once either way.
use guichet_types::{EventId, UserId};
use std::future::Future;

use actix_web::{dev::Payload, FromRequest, HttpRequest};
use base64::Engine;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::entities::idempotency_keys;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const HEADER: &str = "Idempotency-Key";
const MAX_KEY_CHARS: usize = 200;
/// Marks a reserved key whose request has not answered yet; its `response_body` is then the
/// reservation's token, which changes when a retry takes it over.
const PENDING: i16 = 0;
/// Marks a key whose work committed but whose answer was not recorded yet; its
/// `response_body` is then what the work made ([`Made`]).
const COMMITTED: i16 = 1;
pub const STALE_AFTER_SECONDS: i64 = 10;

/// What the work behind a key made, recorded in its transaction: enough to answer a retry
/// when the instance died before recording the answer itself.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Made {
    Ticket(i64),
    Event(EventId),
}

#[derive(Clone)]
struct Claim {
    id: i64,
    token: String,
}

tokio::task_local! {
    /// The key reserved by the request running, for [`settle`] in its work's transaction.
    static CLAIM: Claim;
}

/// To be called in the transaction of work that may run behind an `Idempotency-Key` (a
/// no-op otherwise): records what it made, so that the key commits with the work. A 409
/// `request_in_progress` when a retry took the key over meanwhile: that retry does the work.
pub async fn settle(txn: &impl ConnectionTrait, made: Made) -> ApiResult<()> {
    let Ok(claim) = CLAIM.try_with(Claim::clone) else {
        return Ok(());
    };
    let made = serde_json::to_string(&made).map_err(ApiError::internal)?;
    let settled = idempotency_keys::Entity::update_many()
        .col_expr(
            idempotency_keys::Column::ResponseStatus,
            Expr::value(COMMITTED),
        )
        .col_expr(idempotency_keys::Column::ResponseBody, Expr::value(made))
        .filter(idempotency_keys::Column::Id.eq(claim.id))
        .filter(idempotency_keys::Column::ResponseStatus.eq(PENDING))
        .filter(idempotency_keys::Column::ResponseBody.eq(claim.token))
        .exec(txn)
        .await?;
    if settled.rows_affected == 0 {
        return Err(in_progress());
    }
    Ok(())
}

fn in_progress() -> ApiError {
    ApiError::Conflict {
        code: "request_in_progress",
        detail: "the first request with this key has not answered yet".into(),
    }
}

fn new_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The request's `Idempotency-Key` header, if any.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = match req.headers().get(HEADER) {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(key)
                    if !key.is_empty()
                        && key.len() <= MAX_KEY_CHARS
                        && key.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(IdempotencyKey(Some(key.to_owned())))
                }
                _ => Err(ApiError::field(
                    HEADER,
                    "invalid",
                    "1 to 200 printable ASCII characters",
                )),
            },
        };
        std::future::ready(key)
    }
}

/// An answer as stored for replay.
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
}

/// Runs `work` unless this key already answered, in which case its answer is returned; or
/// `replay` of what the work made, when its instance died before recording the answer.
pub async fn once<Work, Done, Replay, Replayed>(
    state: &AppState,
    user_id: UserId,
    scope: &str,
    key: &IdempotencyKey,
    request: &impl Serialize,
    work: Work,
    replay: Replay,
) -> ApiResult<Answer>
where
    Work: FnOnce() -> Done,
    Done: Future<Output = ApiResult<Answer>>,
    Replay: FnOnce(Made) -> Replayed,
    Replayed: Future<Output = ApiResult<Answer>>,
{
    let Some(key) = &key.0 else {
        return work().await;
    };
    let request_hash = {
        let bytes = serde_json::to_vec(request).map_err(ApiError::internal)?;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(bytes))
    };
    let claim = match reserve(state, user_id, scope, key, &request_hash).await? {
        Reserved::Fresh(claim) => claim,
        Reserved::Existing(row) => {
            if row.request_hash != request_hash {
                return Err(ApiError::field(
                    HEADER,
                    "reused",
                    "this key was used for another request",
                ));
            }
            if row.response_status == COMMITTED {
                let made = serde_json::from_str(&row.response_body).map_err(ApiError::internal)?;
                return replay(made).await;
            }
            if row.response_status != PENDING {
                let body = serde_json::from_str(&row.response_body).map_err(ApiError::internal)?;
                return Ok(Answer {
                    status: u16::try_from(row.response_status).unwrap_or(200),
                    body,
                });
            }
            if row.created_at > Utc::now() - Duration::seconds(STALE_AFTER_SECONDS) {
                return Err(in_progress());
            }
            // Take the stale reservation over, unless a concurrent retry just did or its
            // work committed meanwhile; a request still running under it then fails to settle.
            let token = new_token();
            let turn = state.writes.turn().await;
            let taken = idempotency_keys::Entity::update_many()
                .col_expr(idempotency_keys::Column::CreatedAt, Expr::value(Utc::now()))
                .col_expr(
                    idempotency_keys::Column::ResponseBody,
                    Expr::value(token.as_str()),
                )
                .filter(idempotency_keys::Column::Id.eq(row.id))
                .filter(idempotency_keys::Column::ResponseStatus.eq(PENDING))
                .filter(idempotency_keys::Column::ResponseBody.eq(row.response_body))
                .exec(&state.db)
                .await?;
            drop(turn);
            if taken.rows_affected == 0 {
                return Err(in_progress());
            }
            Claim { id: row.id, token }
        }
    };
    let reservation = claim.id;
    let token = claim.token.clone();
    let result = CLAIM.scope(claim, work()).await;
    let _turn = state.writes.turn().await;
    match result {
        Ok(answer) => {
            idempotency_keys::Entity::update_many()
                .col_expr(
                    idempotency_keys::Column::ResponseStatus,
                    Expr::value(i16::try_from(answer.status).unwrap_or(200)),
                )
                .col_expr(
                    idempotency_keys::Column::ResponseBody,
                    Expr::value(answer.body.to_string()),
                )
                .filter(idempotency_keys::Column::Id.eq(reservation))
                .exec(&state.db)
                .await?;
            Ok(answer)
        }
        Err(error) => {
            // A request that failed before its work committed may be retried with the same
            // key; one whose work committed stays settled, and its retry gets the replay.
            idempotency_keys::Entity::delete_many()
                .filter(idempotency_keys::Column::Id.eq(reservation))
                .filter(idempotency_keys::Column::ResponseStatus.eq(PENDING))
                .filter(idempotency_keys::Column::ResponseBody.eq(token))
                .exec(&state.db)
                .await?;
            Err(error)
        }
    }
}

enum Reserved {
    Fresh(Claim),
    Existing(idempotency_keys::Model),
}

async fn reserve(
    state: &AppState,
    user_id: UserId,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> ApiResult<Reserved> {
    let find = || {
        idempotency_keys::Entity::find()
            .filter(idempotency_keys::Column::UserId.eq(user_id))
            .filter(idempotency_keys::Column::Scope.eq(scope))
            .filter(idempotency_keys::Column::Key.eq(key))
            .one(&state.db)
    };
    if let Some(row) = find().await? {
        return Ok(Reserved::Existing(row));
    }
    let token = new_token();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let inserted = idempotency_keys::ActiveModel {
        user_id: Set(user_id),
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        response_status: Set(PENDING),
        response_body: Set(token.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match inserted {
        Ok(row) => {
            txn.commit().await?;
            Ok(Reserved::Fresh(Claim { id: row.id, token }))
        }
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            drop(txn);
            find()
                .await?
                .map(Reserved::Existing)
                .ok_or_else(|| ApiError::internal("idempotency key vanished"))
        }
        Err(error) => Err(error.into()),
    }
}
