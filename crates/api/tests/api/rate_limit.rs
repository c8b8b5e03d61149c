//! The API's rate limits: the headers on every answer, 429 with `Retry-After` beyond a
//! credential's limit while another credential goes on, the per-address limit, and the
//! share of each instance.
use guichet_client::{Client, RawResponse};
use guichet_types::Problem;

use crate::helpers::{spawn, spawn_with, Backend};
use crate::on_both_databases;

on_both_databases!(
    every_api_answer_carries_the_rate_limit_headers,
    beyond_a_credential_s_limit_its_requests_wait_and_others_go_on,
    beyond_the_address_limit_every_request_from_it_waits,
    each_instance_enforces_its_share,
);

async fn me(client: &Client) -> RawResponse {
    client
        .raw("GET", "/api/v1/me", None, None)
        .await
        .expect("answer")
}

async fn every_api_answer_carries_the_rate_limit_headers(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let answer = me(&claire).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("ratelimit-policy"),
        Some("\"credential\";q=1000000;w=60, \"address\";q=1000000;w=60")
    );
    let limit = answer.header("ratelimit").expect("RateLimit");
    assert!(limit.starts_with("\"credential\";r=999999;t="), "{limit}");
    // Without a credential, the address's limit alone; errors carry the headers too.
    let anonymous = me(&app.anonymous).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.header("ratelimit-policy"),
        Some("\"address\";q=1000000;w=60")
    );
    // Health checks are not the API.
    let health = app
        .anonymous
        .raw("GET", "/healthz", None, None)
        .await
        .expect("answer");
    assert_eq!(health.header("ratelimit"), None);
}

/// Checks a 429 of the rate limit: its problem, `Retry-After` and headers.
fn assert_rate_limited(answer: &RawResponse, policy: &str) {
    assert_eq!(answer.status, 429);
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json")
    );
    let problem: Problem = answer.json().expect("problem");
    assert_eq!(problem.code, "rate_limited");
    let retry_after: u64 = answer
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(problem.retry_after, Some(retry_after));
    let limit = answer.header("ratelimit").expect("RateLimit");
    assert!(
        limit.contains(&format!("\"{policy}\";r=0;t={retry_after}")),
        "{limit}"
    );
}

async fn beyond_a_credential_s_limit_its_requests_wait_and_others_go_on(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_RATE_LIMIT_PER_MINUTE", "5")]).await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    for left in (0..5).rev() {
        let answer = me(&claire).await;
        assert_eq!(answer.status, 200);
        let limit = answer.header("ratelimit").expect("RateLimit");
        assert!(
            limit.starts_with(&format!("\"credential\";r={left};")),
            "{limit}"
        );
    }
    let refused = claire
        .raw(
            "POST",
            "/api/v1/tickets",
            Some("application/json"),
            Some(b"{}".to_vec()),
        )
        .await
        .expect("answer");
    assert_rate_limited(&refused, "credential");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"credential\";q=5;w=60, \"address\";q=1000000;w=60")
    );
    assert_eq!(me(&paul).await.status, 200);
}

async fn beyond_the_address_limit_every_request_from_it_waits(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE", "3")]).await;
    for _ in 0..3 {
        assert_eq!(me(&app.anonymous).await.status, 401);
    }
    let refused = me(&app.anonymous).await;
    assert_rate_limited(&refused, "address");
    // A credential does not lift the address's limit.
    let bearer = app.anonymous.with_access_token("anything");
    assert_rate_limited(&me(&bearer).await, "address");
}

async fn each_instance_enforces_its_share(backend: Backend) {
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_RATE_LIMIT_PER_MINUTE", "0"),
            ("GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE", "9"),
            ("GUICHET_INSTANCES", "2"),
        ],
    )
    .await;
    let answer = me(&app.anonymous).await;
    assert_eq!(
        answer.header("ratelimit-policy"),
        Some("\"address\";q=5;w=60")
    );
}
