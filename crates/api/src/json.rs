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
/// An oversized body is read and dropped up to this size, so that the client gets the 413
/// answer rather than a reset connection; past it the connection is closed.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

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
            let body = read_limited(&mut payload).await?;
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let value: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| ApiError::MalformedJson(e.to_string()))?;
            parse_lenient::<T>(value)
                .map(ValidJson)
                .map_err(ApiError::Validation)
        })
    }
}

async fn read_limited(payload: &mut Payload) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    let mut total = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
        total += chunk.len();
        if total > DRAIN_LIMIT {
            break;
        }
        if total <= JSON_LIMIT {
            body.extend_from_slice(&chunk);
        }
    }
    if total > JSON_LIMIT {
        return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
    }
    Ok(body)
}
