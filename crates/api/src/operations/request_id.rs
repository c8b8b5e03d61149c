//! Request ids: every request has one, from a sane incoming `X-Request-Id` (a load balancer's)
//! or made here (a UUID v4). It is a field of the request's tracing span, the
//! `X-Request-Id` of the answer, and the `request_id` of every job the request queues, so
//! that the worker's log lines for that job (a mail's delivery) name it too.
//!
//! The id reaches `jobs::queue::enqueue` through a task-local set around the request's
//! handling, rather than as an argument threaded through every writer that may queue work.
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming id kept; a longer one is replaced.
const MAX_LENGTH: usize = 64;

tokio::task_local! {
    static CURRENT: RequestId;
}

/// A request's id: 1 to 64 characters of `[A-Za-z0-9._-]`, safe in a header and a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// An incoming id, if it is a sane one.
    pub fn parse(text: &str) -> Option<Self> {
        let sane = !text.is_empty()
            && text.len() <= MAX_LENGTH
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        sane.then(|| Self(text.to_owned()))
    }

    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(|id| id.0.clone()).ok()
}

/// The outermost middleware: gives the request its id (read by [`RequestSpan`] and
/// [`current`]) and answers it in `X-Request-Id`, errors included.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .and_then(RequestId::parse)
        .unwrap_or_else(RequestId::generate);
    req.extensions_mut().insert(id.clone());
    let header = HeaderValue::from_str(id.as_str()).ok();
    match CURRENT.scope(id, next.call(req)).await {
        Ok(mut response) => {
            if let Some(value) = header {
                response.headers_mut().insert(X_REQUEST_ID, value);
            }
            Ok(response)
        }
        // A middleware's refusal (429, a token's 401) is answered by the server from the
        // error: give that error the answer with the header.
        Err(error) => {
            let mut answer = error.error_response();
            if let Some(value) = header {
                answer.headers_mut().insert(X_REQUEST_ID, value);
            }
            Err(InternalError::from_response(error, answer).into())
        }
    }
}

/// The root span of each request (tracing-actix-web's fields, less what a log must not
/// carry), with our request id rather than the crate's own.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = request.match_pattern().as_deref().unwrap_or("unmatched"),
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            request_id = %id,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sane_ids_are_kept_others_refused() {
        for sane in ["abc", "0f1e-2d.3c_4b", &"a".repeat(64)] {
            assert_eq!(RequestId::parse(sane).map(|id| id.0), Some(sane.to_owned()));
        }
        for bad in [
            "",
            &"a".repeat(65),
            "a b",
            "id\r\nX-Evil: 1",
            "été",
            "a/b",
            "{id}",
        ] {
            assert_eq!(RequestId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn generated_ids_are_sane() {
        let id = RequestId::generate();
        assert_eq!(RequestId::parse(id.as_str()), Some(id));
    }

    #[tokio::test]
    async fn the_current_id_is_the_scope_s() {
        assert_eq!(current(), None);
        let id = RequestId::parse("req-1").expect("sane");
        let seen = CURRENT.scope(id, async { current() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
    }
}
