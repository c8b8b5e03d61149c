//! `Idempotency-Key`: a request retried with the same key and body gets the first answer
//! and changes nothing more; the same key with another body is a 422. Keys belong to the
//! caller and to one kind of request (the scope).
//!
//! The key is reserved before the work runs, so two concurrent retries cannot both run it:
//! the second sees the reservation and gets a 409 until the first has answered. A
//! reservation left by a crash is taken over after a minute.
use guichet_types::UserId;
use std::future::Future;

use actix_web::{dev::Payload, FromRequest, HttpRequest};
use base64::Engine;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, SqlErr};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::entities::idempotency_keys;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const HEADER: &str = "Idempotency-Key";
const MAX_KEY_CHARS: usize = 200;
/// Marks a reserved key whose request has not answered yet.
const PENDING: i16 = 0;
const STALE_AFTER_SECONDS: i64 = 60;

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

/// Runs `work` unless this key already answered, in which case its answer is returned.
pub async fn once<Work, Done>(
    state: &AppState,
    user_id: UserId,
    scope: &str,
    key: &IdempotencyKey,
    request: &impl Serialize,
    work: Work,
) -> ApiResult<Answer>
where
    Work: FnOnce() -> Done,
    Done: Future<Output = ApiResult<Answer>>,
{
    let Some(key) = &key.0 else {
        return work().await;
    };
    let request_hash = {
        let bytes = serde_json::to_vec(request).map_err(ApiError::internal)?;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(bytes))
    };
    let reservation = match reserve(state, user_id, scope, key, &request_hash).await? {
        Reserved::Fresh(id) => id,
        Reserved::Existing(row) => {
            if row.request_hash != request_hash {
                return Err(ApiError::field(
                    HEADER,
                    "reused",
                    "this key was used for another request",
                ));
            }
            if row.response_status != PENDING {
                let body = serde_json::from_str(&row.response_body).map_err(ApiError::internal)?;
                return Ok(Answer {
                    status: u16::try_from(row.response_status).unwrap_or(200),
                    body,
                });
            }
            if row.created_at > Utc::now() - Duration::seconds(STALE_AFTER_SECONDS) {
                return Err(ApiError::Conflict {
                    code: "request_in_progress",
                    detail: "the first request with this key has not answered yet".into(),
                });
            }
            // Take the stale reservation over, unless a concurrent retry just did.
            let turn = state.writes.turn().await;
            let taken = idempotency_keys::Entity::update_many()
                .col_expr(idempotency_keys::Column::CreatedAt, Expr::value(Utc::now()))
                .filter(idempotency_keys::Column::Id.eq(row.id))
                .filter(idempotency_keys::Column::CreatedAt.eq(row.created_at))
                .exec(&state.db)
                .await?;
            drop(turn);
            if taken.rows_affected == 0 {
                return Err(ApiError::Conflict {
                    code: "request_in_progress",
                    detail: "the first request with this key has not answered yet".into(),
                });
            }
            row.id
        }
    };
    let result = work().await;
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
            // A failed request may be retried with the same key.
            idempotency_keys::Entity::delete_by_id(reservation)
                .exec(&state.db)
                .await?;
            Err(error)
        }
    }
}

enum Reserved {
    Fresh(i64),
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
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let inserted = idempotency_keys::ActiveModel {
        user_id: Set(user_id),
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        response_status: Set(PENDING),
        response_body: Set(String::new()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match inserted {
        Ok(row) => {
            txn.commit().await?;
            Ok(Reserved::Fresh(row.id))
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
