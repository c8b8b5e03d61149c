//! The database work of each request, reported in its `Server-Timing` header
//! (`db;dur=<ms>;desc="<n> statements"`).
//!
//! Tests read the count to catch N+1 queries without timing anything, and anyone can see a
//! request's database work in the browser's developer tools. sea-orm reports each statement
//! to a callback that runs in the task awaiting it; a task-local set around the request's
//! handler collects them. Statements outside a request (background jobs) are not counted.
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

#[derive(Default)]
struct Tally {
    statements: AtomicU32,
    micros: AtomicU64,
}

tokio::task_local! {
    static REQUEST_TALLY: Arc<Tally>;
}

/// sea-orm's metric callback (see `db::connect`).
pub fn record(info: &sea_orm::metric::Info<'_>) {
    let micros = u64::try_from(info.elapsed.as_micros()).unwrap_or(u64::MAX);
    // Outside a request there is no tally, and nothing to do.
    let _ = REQUEST_TALLY.try_with(|tally| {
        tally.statements.fetch_add(1, Ordering::Relaxed);
        tally.micros.fetch_add(micros, Ordering::Relaxed);
    });
}

/// Middleware: runs the request with a tally and writes it into the answer.
pub async fn report(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let tally = Arc::new(Tally::default());
    let mut response = REQUEST_TALLY.scope(tally.clone(), next.call(req)).await?;
    let statements = tally.statements.load(Ordering::Relaxed);
    if statements > 0 {
        let millis = tally.micros.load(Ordering::Relaxed) as f64 / 1000.0;
        let value = format!("db;dur={millis:.3};desc=\"{statements} statements\"");
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .append(HeaderName::from_static("server-timing"), value);
        }
    }
    Ok(response)
}

/// The statement count of a `Server-Timing` header written by [`report`].
pub fn statements_in(server_timing: &str) -> Option<u32> {
    server_timing.split(',').find_map(|metric| {
        let mut parts = metric.trim().split(';');
        (parts.next()? == "db").then_some(())?;
        parts.find_map(|p| {
            p.trim()
                .strip_prefix("desc=\"")?
                .strip_suffix(" statements\"")?
                .parse()
                .ok()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_reads_back_from_the_header() {
        assert_eq!(statements_in("db;dur=0.250;desc=\"3 statements\""), Some(3));
        assert_eq!(
            statements_in("cache;dur=1, db;dur=2.000;desc=\"12 statements\""),
            Some(12)
        );
        assert_eq!(statements_in("cache;dur=1"), None);
    }
}
