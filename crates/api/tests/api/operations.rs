//! What an operator runs: the client address behind a trusted proxy, request ids carried
//! into the jobs a request queues, and the Prometheus metrics.
use guichet_types::AuditQuery;

use crate::helpers::{spawn, spawn_with, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_trusted_proxy_names_the_client,
    forwarded_headers_from_an_untrusted_peer_are_ignored,
    a_request_id_is_answered_and_kept_on_its_jobs,
    a_malformed_request_id_is_replaced,
    metrics_move_with_the_work,
    metrics_need_their_token,
);

/// A failed sign-in sent with `X-Forwarded-For: forwarded_for`, straight to the server.
async fn fail_sign_in_via(app: &TestApp, forwarded_for: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", app.anonymous.base_url()))
        .header("X-Forwarded-For", forwarded_for)
        .json(&serde_json::json!({"email": "claire@acme.test", "password": "Not-The-Password-1!"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 401);
}

/// The addresses of the audit log's failed sign-ins, and how many throttle rows `ip`.
async fn recorded_addresses(app: &TestApp, ip: &str) -> (Vec<String>, i64) {
    let admin = app.client_for("admin@guichet.test").await;
    let failures = admin
        .audit_events(&AuditQuery {
            action: Some("auth.login_failed".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    let throttled = app
        .count(&format!(
            "SELECT COUNT(*) FROM login_failures WHERE throttle_key = 'ip:{ip}'"
        ))
        .await;
    (
        failures
            .items
            .into_iter()
            .map(|e| e.actor_address)
            .collect(),
        throttled,
    )
}

async fn a_trusted_proxy_names_the_client(backend: Backend) {
    // The test server's peer is 127.0.0.1: here it is the load balancer.
    let app = spawn_with(
        backend,
        &[("GUICHET_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")],
    )
    .await;
    // The client wrote 198.51.100.1 itself; the proxies saw 203.0.113.9, then 10.0.0.5.
    fail_sign_in_via(&app, "198.51.100.1, 203.0.113.9, 10.0.0.5").await;
    let (addresses, throttled) = recorded_addresses(&app, "203.0.113.9").await;
    assert_eq!(addresses, ["203.0.113.9"]);
    assert_eq!(throttled, 1);
}

async fn forwarded_headers_from_an_untrusted_peer_are_ignored(backend: Backend) {
    let app = spawn(backend).await;
    fail_sign_in_via(&app, "203.0.113.9").await;
    let (addresses, throttled) = recorded_addresses(&app, "127.0.0.1").await;
    assert_eq!(addresses, ["127.0.0.1"]);
    assert_eq!(throttled, 1);
}

async fn a_request_id_is_answered_and_kept_on_its_jobs(backend: Backend) {
    // Nothing listens there: the ticket's mail jobs stay queued, to be looked at.
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", "smtp://127.0.0.1:9")]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.new_ticket(&claire, "Traced").await;
    let token = app.login("claire@acme.test").await.access_token;
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v1/tickets", app.anonymous.base_url()))
        .bearer_auth(token)
        .header("X-Request-Id", "lb-4f2a.9_c")
        .json(&ticket)
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 201);
    assert_eq!(request_id_of(&answer), "lb-4f2a.9_c");
    let queued = app
        .count("SELECT COUNT(*) FROM jobs WHERE request_id = 'lb-4f2a.9_c'")
        .await;
    assert!(
        queued >= 1,
        "the ticket's mails are queued with the request's id"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM jobs WHERE request_id IS NULL OR request_id <> 'lb-4f2a.9_c'"
        )
        .await,
        0
    );
}

async fn a_malformed_request_id_is_replaced(backend: Backend) {
    let app = spawn(backend).await;
    let http = reqwest::Client::new();
    for sent in ["has space", &"x".repeat(65), "semi;colon"] {
        let answer = http
            .get(format!("{}/api/v1/no-such-thing", app.anonymous.base_url()))
            .header("X-Request-Id", sent)
            .send()
            .await
            .expect("sent");
        assert_eq!(answer.status(), 404, "errors carry the id too");
        let id = request_id_of(&answer);
        assert_ne!(id, sent);
        assert!(
            uuid::Uuid::parse_str(&id).is_ok(),
            "{id} is a generated UUID"
        );
    }
    let plain = http
        .get(format!("{}/healthz", app.anonymous.base_url()))
        .send()
        .await
        .expect("sent");
    assert!(uuid::Uuid::parse_str(&request_id_of(&plain)).is_ok());
}

fn request_id_of(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an X-Request-Id")
        .to_owned()
}

const METRICS_TOKEN: &str = "metrics-token-of-the-tests-0123456789";

/// `GET /metrics` with `token`.
async fn scrape_with(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}/metrics", app.anonymous.base_url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("sent")
}

async fn scrape(app: &TestApp) -> String {
    let answer = scrape_with(app, Some(METRICS_TOKEN)).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/plain; version=0.0.4")
    );
    answer.text().await.expect("text")
}

/// The value of `series` (name and labels as the text format writes them), 0 if absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(0.0)
}

async fn metrics_move_with_the_work(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_METRICS_TOKEN", METRICS_TOKEN)]).await;
    let created =
        r#"guichet_http_requests_total{method="POST",route="/api/v1/tickets",status="201"}"#;
    let before = scrape(&app).await;
    for series in [
        "guichet_db_pool_max_connections",
        r#"guichet_db_pool_connections{state="idle"}"#,
        r#"guichet_jobs_queued{kind="deliver_mail"}"#,
        r#"guichet_jobs_dead{kind="deliver_mail"}"#,
        r#"guichet_jobs_oldest_due_age_seconds{kind="deliver_mail"}"#,
        r#"guichet_webhook_deliveries_total{outcome="failed"}"#,
    ] {
        assert!(before.contains(series), "{series} in\n{before}");
    }
    assert!(value(&before, "guichet_db_pool_max_connections") >= 1.0);

    let refused = app
        .anonymous
        .login("claire@acme.test", "Not-The-Password-1!")
        .await
        .expect_err("a wrong password");
    assert_eq!(refused.status(), Some(401));
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Counted").await;
    claire.ticket(&ticket.number).await.expect("the ticket");
    // The ticket's mails are written to the outbox directory by the job worker.
    let mut after = scrape(&app).await;
    for _ in 0..100 {
        if value(&after, "guichet_mails_sent_total") > value(&before, "guichet_mails_sent_total") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    assert!(value(&after, "guichet_mails_sent_total") > value(&before, "guichet_mails_sent_total"));
    assert_eq!(
        value(&after, "guichet_sign_in_failures_total"),
        value(&before, "guichet_sign_in_failures_total") + 1.0
    );
    assert_eq!(value(&after, created), value(&before, created) + 1.0);
    let timed = r#"guichet_http_request_duration_seconds_count{method="POST",route="/api/v1/tickets",status="201"}"#;
    assert_eq!(value(&after, timed), 1.0);
    // Routes are counted by template, never by path.
    let read = r#"guichet_http_requests_total{method="GET",route="/api/v1/tickets/{number}",status="200"}"#;
    assert_eq!(value(&after, read), 1.0);
    assert!(!after.contains(&ticket.number.to_string()));
}

async fn metrics_need_their_token(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_METRICS_TOKEN", METRICS_TOKEN)]).await;
    assert_eq!(scrape_with(&app, None).await.status(), 401);
    assert_eq!(
        scrape_with(&app, Some("metrics-token-of-the-tests-0123456780"))
            .await
            .status(),
        401
    );
    let unset = spawn(backend).await;
    assert_eq!(scrape_with(&unset, Some(METRICS_TOKEN)).await.status(), 404);
}
