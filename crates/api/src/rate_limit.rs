//! Rate limits of the API, per credential and per client address, with the headers of the
//! IETF draft "RateLimit header fields for HTTP" (structured fields) on every answer under
//! `/api/`:
//!
//! ```text
//! RateLimit-Policy: "credential";q=1200;w=60, "address";q=3000;w=60
//! RateLimit: "credential";r=1187;t=13, "address";r=2990;t=4
//! ```
//!
//! `q` requests per `w` seconds; `r` left now; `t` seconds until the whole quota is back (on a
//! refusal: until the next request is taken, as `Retry-After` says). Beyond a limit the answer
//! is 429 `rate_limited` with `Retry-After`, and the request is not run.
//!
//! - The credential is the `Authorization` header's value, kept only as its SHA-256 (the
//!   secret never sits in the limiter's memory); requests without one have only the address
//!   limit. The address is [`client_address`], as the sign-in throttle counts it.
//! - Each limit is a GCRA (the `governor` crate, keyed): a burst of the whole quota, then one
//!   request back every `w / q` seconds, so a steady client is never cut off in whole minutes.
//! - In memory, per instance: each of `GUICHET_INSTANCES` instances enforces its share of
//!   the setting (rounded up), so that behind a load balancer spreading requests evenly the
//!   installation's limit is the setting, with no database round trip on every request. The
//!   headers give the instance's own quota. 0 disables a limit.
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::error::ApiError;
use crate::operations::client_address::client_address;

/// The window of every quota, in seconds.
const WINDOW_SECS: u64 = 60;
/// Every so many checks, the keys whose budget is whole again are forgotten.
const FORGET_EVERY: u64 = 4_096;

/// The limits of this instance, kept in its memory.
pub struct RateLimits {
    credential: Option<Policy<[u8; 32]>>,
    address: Option<Policy<String>>,
    checks: AtomicU64,
}

type Limiter<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// One limit: its name in the headers, its quota per window, the state of every key.
struct Policy<K: Hash + Eq + Clone> {
    name: &'static str,
    quota: u32,
    limiter: Limiter<K>,
}

/// What one limit says of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdict {
    name: &'static str,
    quota: u32,
    remaining: u32,
    reset_secs: u64,
    refused: bool,
}

impl<K: Hash + Eq + Clone> Policy<K> {
    /// `per_minute` for the installation, shared among `instances`; none for 0.
    fn new(name: &'static str, per_minute: u32, instances: u32) -> Option<Self> {
        let quota = per_minute.div_ceil(instances.max(1));
        let cells = NonZeroU32::new(quota)?;
        Some(Self {
            name,
            quota,
            limiter: RateLimiter::keyed(Quota::per_minute(cells))
                .with_middleware::<StateInformationMiddleware>(),
        })
    }

    fn check(&self, key: &K) -> Verdict {
        let per_request = WINDOW_SECS as f64 / f64::from(self.quota);
        match self.limiter.check_key(key) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                let used = f64::from(self.quota.saturating_sub(remaining));
                Verdict {
                    name: self.name,
                    quota: self.quota,
                    remaining,
                    reset_secs: (used * per_request).ceil() as u64,
                    refused: false,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                Verdict {
                    name: self.name,
                    quota: self.quota,
                    remaining: 0,
                    reset_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
                    refused: true,
                }
            }
        }
    }

    fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

impl RateLimits {
    pub fn new(settings: &Settings) -> Self {
        Self {
            credential: Policy::new(
                "credential",
                settings.rate_limit_per_minute,
                settings.instances,
            ),
            address: Policy::new(
                "address",
                settings.rate_limit_address_per_minute,
                settings.instances,
            ),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts the request against every limit that applies to it.
    fn check(&self, req: &actix_web::HttpRequest) -> Vec<Verdict> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            if let Some(policy) = &self.credential {
                policy.forget_idle();
            }
            if let Some(policy) = &self.address {
                policy.forget_idle();
            }
        }
        let mut verdicts = Vec::with_capacity(2);
        let credential = req.headers().get(actix_web::http::header::AUTHORIZATION);
        if let (Some(policy), Some(credential)) = (&self.credential, credential) {
            let key: [u8; 32] = Sha256::digest(credential.as_bytes()).into();
            verdicts.push(policy.check(&key));
        }
        if let Some(policy) = &self.address {
            verdicts.push(policy.check(&client_address(req)));
        }
        verdicts
    }
}

/// `RateLimit-Policy` and `RateLimit` of `verdicts`, in structured-field form.
fn headers(verdicts: &[Verdict]) -> [(HeaderName, String); 2] {
    let join = |item: &dyn Fn(&Verdict) -> String| {
        verdicts.iter().map(item).collect::<Vec<_>>().join(", ")
    };
    [
        (
            HeaderName::from_static("ratelimit-policy"),
            join(&|v| format!("\"{}\";q={};w={WINDOW_SECS}", v.name, v.quota)),
        ),
        (
            HeaderName::from_static("ratelimit"),
            join(&|v| format!("\"{}\";r={};t={}", v.name, v.remaining, v.reset_secs)),
        ),
    ]
}

/// Middleware: counts each API request, refuses it with 429 beyond a limit, and writes the
/// headers into every API answer.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limits = req.app_data::<web::Data<RateLimits>>().cloned();
    let verdicts = match limits {
        Some(limits) if req.path().starts_with("/api/") => limits.check(req.request()),
        _ => Vec::new(),
    };
    if verdicts.is_empty() {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let headers = headers(&verdicts);
    let refused = verdicts
        .iter()
        .filter(|v| v.refused)
        .map(|v| v.reset_secs)
        .max();
    let mut response = match refused {
        Some(retry_after_secs) => {
            let answer = ApiError::RateLimited { retry_after_secs }.error_response();
            req.into_response(answer).map_into_right_body()
        }
        None => next.call(req).await?.map_into_left_body(),
    };
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_is_shared_among_instances_and_zero_is_none() {
        let policy = Policy::<u8>::new("credential", 1_200, 3).expect("a limit");
        assert_eq!(policy.quota, 400);
        assert_eq!(
            Policy::<u8>::new("credential", 1_000, 3).map(|p| p.quota),
            Some(334)
        );
        assert!(Policy::<u8>::new("credential", 0, 1).is_none());
    }

    #[test]
    fn the_burst_is_the_quota_then_a_refusal_says_when() {
        let policy = Policy::new("address", 3, 1).expect("a limit");
        let verdicts: Vec<Verdict> = (0..4).map(|_| policy.check(&1u8)).collect();
        assert_eq!(
            verdicts.iter().map(|v| v.remaining).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
        assert!(!verdicts[2].refused && verdicts[3].refused);
        // One request comes back every 20 seconds.
        assert!((1..=20).contains(&verdicts[3].reset_secs));
        assert_eq!(verdicts[0].reset_secs, 20);
        assert!(
            !policy.check(&2u8).refused,
            "another key has its own budget"
        );
    }

    #[test]
    fn the_headers_are_structured_fields() {
        let verdicts = [
            Verdict {
                name: "credential",
                quota: 1_200,
                remaining: 1_187,
                reset_secs: 13,
                refused: false,
            },
            Verdict {
                name: "address",
                quota: 3_000,
                remaining: 2_990,
                reset_secs: 1,
                refused: false,
            },
        ];
        let [(_, policy), (_, limit)] = headers(&verdicts);
        assert_eq!(
            policy,
            "\"credential\";q=1200;w=60, \"address\";q=3000;w=60"
        );
        assert_eq!(limit, "\"credential\";r=1187;t=13, \"address\";r=2990;t=1");
    }
}
