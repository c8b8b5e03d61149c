//! `ValidJson<T>`: the JSON body extractor. It enforces the 256 KB limit, answers 400 only
//! for unparsable JSON, and 422 naming every bad member (see `guichet_types::lenient`).
use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use guichet_types::parse_lenient;
use serde::{de::DeserializeOwned, Serialize};
use validator::Validate;

use crate::error::ApiError;

pub const JSON_LIMIT: usize = 256 * 1024;
/// An oversized body is read and dropped up to this much past its limit, so that the client
/// gets the 413 answer rather than a reset connection; past it the connection is closed.
const DRAIN_MARGIN: usize = 16 * 1024 * 1024;

pub struct ValidJson<T>(pub T);

impl<T> FromRequest for ValidJson<T>
where
    T: DeserializeOwned + Serialize + Validate + Default + 'static,
{
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_limited(&mut payload, JSON_LIMIT, ApiError::MalformedJson).await?;
            if !is_json {
                return Err(ApiError::UnsupportedMediaType("application/json"));
            }
            let value: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| ApiError::MalformedJson(e.to_string()))?;
            parse_lenient::<T>(value)
                .map(ValidJson)
                .map_err(ApiError::Validation)
        })
    }
}

/// The whole body if it is at most `limit` bytes, else the 413 problem; `unreadable` names
/// a body that broke off.
pub async fn read_limited(
    payload: &mut Payload,
    limit: usize,
    unreadable: fn(String) -> ApiError,
) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    let mut total = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| unreadable(e.to_string()))?;
        total += chunk.len();
        if total > limit.saturating_add(DRAIN_MARGIN) {
            break;
        }
        if total <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    if total > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(body)
}
