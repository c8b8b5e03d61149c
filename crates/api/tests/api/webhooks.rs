//! Webhooks, received by a real HTTP server on loopback and verified with two third-party
//! Standard Webhooks libraries: the PyPI `standardwebhooks` package (a python3 subprocess)
//! and the crates.io `standardwebhooks` crate.
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::Utc;
use guichet_api::entities::jobs;
use guichet_api::jobs::kind::JobKind;
use guichet_client::{Client, PageAt};
use guichet_types::{
    CompanyId, DeliveryState, NewFollowup, NewWebhook, TicketNumber, WebhookDelivery, WebhookId,
    WebhookUpdate,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};

use crate::helpers::{spawn_with, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_followup_arrives_signed_and_verifies,
    failures_are_retried_then_delivered_once_with_the_same_id,
    two_instances_deliver_each_event_once,
    endpoints_get_their_company_and_internal_notes_only_if_asked,
    private_addresses_are_refused_without_the_setting,
    redirects_are_not_followed,
    rotation_signs_with_both_secrets_for_a_day,
    an_endpoint_failing_for_days_is_disabled_and_its_owner_told,
    bad_input_is_named_and_only_admins_manage_webhooks,
);

/// Loopback is allowed: the receiver listens there.
const LOOPBACK_ALLOWED: [(&str, &str); 2] = [
    ("GUICHET_WEBHOOK_ALLOW_HTTP", "true"),
    ("GUICHET_WEBHOOK_ALLOW_PRIVATE", "127.0.0.1"),
];

/// A request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

/// What the receiver answers next (status, `Location`), then `otherwise` (200 unless set).
#[derive(Default)]
struct Script {
    answers: VecDeque<(u16, Option<String>)>,
    otherwise: Option<u16>,
    received: Vec<Received>,
}

/// An HTTP receiver on loopback, port 0, that records every request.
struct Receiver {
    base: String,
    script: Arc<Mutex<Script>>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let script = Arc::new(Mutex::new(Script::default()));
        let shared = web::Data::from(script.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .default_service(web::to(answer))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Receiver { base, script }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer_next(&self, status: u16, location: Option<&str>) {
        self.script
            .lock()
            .expect("script")
            .answers
            .push_back((status, location.map(str::to_owned)));
    }

    /// Answers `status` to every request after the scripted ones.
    fn answer_all(&self, status: u16) {
        self.script.lock().expect("script").otherwise = Some(status);
    }

    fn received(&self) -> Vec<Received> {
        self.script.lock().expect("script").received.clone()
    }

    fn received_on(&self, path: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
}

async fn answer(
    request: HttpRequest,
    body: web::Bytes,
    script: web::Data<Mutex<Script>>,
) -> HttpResponse {
    let mut script = script.lock().expect("script");
    script.received.push(Received {
        path: request.path().to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let otherwise = script.otherwise.unwrap_or(200);
    let (status, location) = script.answers.pop_front().unwrap_or((otherwise, None));
    let mut answer =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a status"));
    if let Some(location) = location {
        answer.insert_header(("Location", location));
    }
    answer.body("thanks")
}

/// Whether the PyPI `standardwebhooks` package verifies the request with `secret`.
fn python_verifies(secret: &str, received: &Received) -> bool {
    use std::io::Write;
    let script = r#"
import json, sys
from standardwebhooks.webhooks import Webhook
given = json.load(sys.stdin)
try:
    Webhook(given["secret"]).verify(given["body"], given["headers"])
    print("verified")
except Exception as error:
    print("refused:", error)
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (with `pip install standardwebhooks`, as scripts/test-all.sh does)");
    let input = serde_json::json!({
        "secret": secret,
        "body": String::from_utf8_lossy(&received.body),
        "headers": received.headers,
    });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write to python3");
    let output = child.wait_with_output().expect("python3 ran");
    let said = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(
        said == "verified" || said.starts_with("refused"),
        "python3 could not check the signature (is `standardwebhooks` installed?): {said} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    said == "verified"
}

/// Whether the crates.io `standardwebhooks` crate verifies the request with `secret`.
fn rust_verifies(secret: &str, received: &Received) -> bool {
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &received.headers {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    standardwebhooks::Webhook::new(secret)
        .expect("a secret")
        .verify(&received.body, &headers)
        .is_ok()
}

/// Polls `check` until it holds (30 s at most), letting the webhook jobs that wait for a
/// retry go at once: the tests do not wait for the real backoff.
async fn eventually<F, Fut>(app: &TestApp, what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    poll(Some(app), what, check).await
}

/// Polls `check` until it holds (30 s at most), retries left to their schedule (the first
/// comes after 4 s at least): to see the state between two attempts.
async fn soon<F, Fut>(what: &str, check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    poll(None, what, check).await
}

async fn poll<F, Fut>(advancing: Option<&TestApp>, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if check().await {
            return;
        }
        if let Some(app) = advancing {
            advance_retries(app).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never: {what}");
}

async fn advance_retries(app: &TestApp) {
    let db = Database::connect(&app.database_url).await.expect("connect");
    jobs::Entity::update_many()
        .col_expr(
            jobs::Column::NextAttemptAt,
            Expr::value(Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(jobs::Column::Kind.eq(JobKind::DeliverWebhook))
        .filter(jobs::Column::LeaseUntil.is_null())
        .exec(&db)
        .await
        .expect("advance the retries");
    db.close().await.ok();
}

fn events(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn followup(body: &str) -> NewFollowup {
    NewFollowup {
        body: body.to_owned(),
        ..Default::default()
    }
}

async fn deliveries(admin: &Client, id: WebhookId) -> Vec<WebhookDelivery> {
    admin
        .webhook_deliveries(id, &PageAt::default())
        .await
        .expect("deliveries")
        .items
}

async fn a_followup_arrives_signed_and_verifies(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let created = admin
        .create_webhook(&NewWebhook {
            url: receiver.url("/hooks"),
            events: events(&["followup", "created"]),
            ..Default::default()
        })
        .await
        .expect("registered");
    assert!(created.secret.starts_with("whsec_"), "{}", created.secret);
    let id = created.webhook.id;
    assert_eq!(created.webhook.events, events(&["created", "followup"]));
    assert!(created.webhook.active && !created.webhook.include_internal);
    let listed = admin.webhooks(&PageAt::default()).await.expect("list");
    assert_eq!(listed.items.len(), 1);
    let listed_json = serde_json::to_string(&listed).expect("json");
    assert!(
        !listed_json.contains(&created.secret),
        "the secret is shown once"
    );
    let stored = app.query_one_string("SELECT secret FROM webhooks").await;
    assert!(
        !stored.contains(&created.secret["whsec_".len()..]),
        "kept encrypted"
    );

    let ticket = app.create(&claire, "Imprimante en panne").await;
    claire
        .add_followup(&ticket.number, &followup("Toujours en panne."))
        .await
        .expect("follow-up");
    eventually(&app, "two events received", || async {
        receiver.received().len() >= 2
    })
    .await;
    let received = receiver.received();
    assert_eq!(received.len(), 2, "{received:?}");
    let types: Vec<String> = received
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(types, ["created", "followup"], "in the change's order");
    let sent = &received[1];
    assert_eq!(sent.path, "/hooks");
    assert_eq!(sent.header("content-type"), "application/json");
    assert!(sent.header("webhook-id").starts_with("msg_"));
    assert!(sent.header("webhook-signature").starts_with("v1,"));
    let payload = sent.json();
    assert_eq!(payload["data"]["event"], "followup");
    assert_eq!(payload["data"]["body"], "Toujours en panne.");
    assert_eq!(
        payload["data"]["ticket"]["number"],
        ticket.number.to_string()
    );
    assert_eq!(payload["data"]["actor"]["role"], "customer");
    assert!(payload["data"]["ticket"]["company_id"].is_i64());
    assert!(python_verifies(&created.secret, sent), "Python library");
    assert!(rust_verifies(&created.secret, sent), "Rust library");
    let mut tampered = sent.clone();
    tampered.body = sent.body.replace_first(b"panne", b"PANNE");
    assert!(!python_verifies(&created.secret, &tampered));

    let delivered = deliveries(&admin, id).await;
    assert_eq!(delivered.len(), 2);
    let newest = &delivered[0];
    assert_eq!(newest.event, "followup");
    assert_eq!(newest.state, DeliveryState::Delivered);
    assert_eq!((newest.attempts, newest.status_code), (1, Some(200)));
    assert_eq!(newest.response_excerpt.as_deref(), Some("thanks"));
    assert_eq!(newest.ticket_number.as_ref(), Some(&ticket.number));
    assert_eq!(newest.message_id, sent.header("webhook-id"));
    let one = admin
        .webhook_deliveries(
            id,
            &PageAt {
                cursor: None,
                limit: Some(1),
            },
        )
        .await
        .expect("a page of one");
    assert_eq!(one.items.len(), 1);
    let rest = admin
        .webhook_deliveries(
            id,
            &PageAt {
                cursor: one.next_cursor,
                limit: Some(1),
            },
        )
        .await
        .expect("the next page");
    assert_eq!(rest.items[0].event, "created");
    let read = admin.webhook(id).await.expect("one endpoint");
    assert_eq!(
        read.last_delivery.map(|d| (d.id, d.state)),
        Some((newest.id, DeliveryState::Delivered))
    );

    // Redelivery: the same body and webhook-id again.
    let again = admin
        .redeliver_webhook(id, newest.id)
        .await
        .expect("redelivered");
    assert_eq!(again.state, DeliveryState::Pending);
    eventually(&app, "the redelivery", || async {
        receiver.received().len() >= 3
    })
    .await;
    let repeat = &receiver.received()[2];
    assert_eq!(repeat.header("webhook-id"), sent.header("webhook-id"));
    assert_eq!(repeat.body, sent.body);

    // A test event.
    let ping = admin.test_webhook(id).await.expect("test event");
    assert_eq!(ping.event, "ping");
    eventually(&app, "the ping", || async {
        receiver.received().len() >= 4
    })
    .await;
    let pinged = &receiver.received()[3];
    assert_eq!(pinged.json()["type"], "ping");
    assert_eq!(pinged.json()["data"]["webhook_id"], id.0);
    assert!(python_verifies(&created.secret, pinged));
    eventually(&app, "the ping recorded", || async {
        deliveries(&admin, id).await[0].state == DeliveryState::Delivered
    })
    .await;

    // Audited, without the secret; deleted with its deliveries.
    admin
        .update_webhook(
            id,
            &WebhookUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("deactivated");
    admin.delete_webhook(id).await.expect("deleted");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action IN ('webhook.created', 'webhook.updated', 'webhook.deleted')")
            .await,
        3
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE changes LIKE '%{}%'",
            &created.secret["whsec_".len()..]
        ))
        .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhook_deliveries").await,
        0
    );
}

/// A replace for byte strings, for tampering with a body.
trait ReplaceFirst {
    fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceFirst for Vec<u8> {
    fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
        match self.windows(from.len()).position(|w| w == from) {
            Some(at) => [&self[..at], to, &self[at + from.len()..]].concat(),
            None => self.clone(),
        }
    }
}

async fn register(admin: &Client, url: String, names: &[&str]) -> (WebhookId, String) {
    let created = admin
        .create_webhook(&NewWebhook {
            url,
            events: events(names),
            ..Default::default()
        })
        .await
        .expect("registered");
    (created.webhook.id, created.secret)
}

async fn failures_are_retried_then_delivered_once_with_the_same_id(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let (id, secret) = register(&admin, receiver.url("/in"), &["followup"]).await;
    let ticket = app.create(&claire, "Écran noir").await;
    receiver.answer_next(500, None);
    claire
        .add_followup(&ticket.number, &followup("Premier message"))
        .await
        .expect("first follow-up");
    claire
        .add_followup(&ticket.number, &followup("Second message"))
        .await
        .expect("second follow-up");
    soon("the failed attempt recorded", || async {
        deliveries(&admin, id)
            .await
            .iter()
            .any(|d| d.status_code == Some(500))
    })
    .await;
    let failed = deliveries(&admin, id).await;
    let first = failed
        .iter()
        .find(|d| d.status_code == Some(500))
        .expect("the failure");
    assert_eq!(first.state, DeliveryState::Pending, "{first:?}");
    assert_eq!(first.error.as_deref(), Some("HTTP 500"));
    assert!(first.next_attempt_at.is_some());
    eventually(&app, "both delivered", || async {
        deliveries(&admin, id)
            .await
            .iter()
            .all(|d| d.state == DeliveryState::Delivered)
    })
    .await;
    let received = receiver.received();
    assert_eq!(
        received.len(),
        3,
        "one failure, then each once: {received:?}"
    );
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );
    assert_eq!(received[1].json()["data"]["body"], "Premier message");
    assert_eq!(
        received[2].json()["data"]["body"],
        "Second message",
        "the second waited for the first"
    );
    assert!(received.iter().all(|r| python_verifies(&secret, r)));
    let delivered = deliveries(&admin, id).await;
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[1].attempts, 2);
    assert_eq!(delivered[0].attempts, 1);
    assert!(admin
        .webhook(id)
        .await
        .expect("endpoint")
        .failing_since
        .is_none());

    // Kept 14 days.
    app.execute(&format!(
        "UPDATE webhook_deliveries SET created_at = '2000-01-01 00:00:00+00:00' WHERE id = {}",
        delivered[1].id
    ))
    .await;
    let purged = guichet_api::webhooks::delivery::purge(&app.state)
        .await
        .expect("purged");
    assert_eq!(purged, 1);
    let kept = deliveries(&admin, id).await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].id, delivered[0].id);
}

async fn two_instances_deliver_each_event_once(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let other = app.another_instance(&LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = other.with_access_token(app.login("claire@acme.test").await.access_token);
    let (id, _) = register(&admin, receiver.url("/in"), &["followup"]).await;
    let mut numbers: Vec<TicketNumber> = Vec::new();
    for i in 0..3 {
        numbers.push(app.create(&claire, &format!("Ticket {i}")).await.number);
    }
    for round in 0..4 {
        for number in &numbers {
            claire
                .add_followup(number, &followup(&format!("Message {round}")))
                .await
                .expect("follow-up");
        }
    }
    eventually(&app, "twelve deliveries", || async {
        let all = deliveries(&admin, id).await;
        all.len() == 12 && all.iter().all(|d| d.state == DeliveryState::Delivered)
    })
    .await;
    let received = receiver.received();
    let ids: HashSet<&str> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!((received.len(), ids.len()), (12, 12), "each event once");
    for number in &numbers {
        let bodies: Vec<String> = received
            .iter()
            .map(Received::json)
            .filter(|p| p["data"]["ticket"]["number"] == number.to_string())
            .map(|p| p["data"]["body"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            bodies,
            ["Message 0", "Message 1", "Message 2", "Message 3"],
            "in order per ticket"
        );
    }
}

async fn endpoints_get_their_company_and_internal_notes_only_if_asked(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let acme = crate::people::company_id(&app, "1234").await;
    let names = &["followup", "internal_note"];
    let only_acme = admin
        .create_webhook(&NewWebhook {
            url: receiver.url("/acme"),
            events: events(names),
            company_id: Some(acme),
            ..Default::default()
        })
        .await
        .expect("Acme's endpoint");
    assert_eq!(
        only_acme.webhook.company.as_ref().map(|c| c.name.as_str()),
        Some("Acme Industrie")
    );
    admin
        .create_webhook(&NewWebhook {
            url: receiver.url("/all"),
            events: events(names),
            include_internal: Some(true),
            ..Default::default()
        })
        .await
        .expect("the endpoint of everything");
    let acme_ticket = app.create(&claire, "Acme").await.number;
    let boreal_ticket = app.create(&paul, "Boréal").await.number;
    agent
        .add_followup(
            &acme_ticket,
            &NewFollowup {
                body: "Note interne".into(),
                internal: Some(true),
            },
        )
        .await
        .expect("internal note");
    claire
        .add_followup(&acme_ticket, &followup("Acme écrit"))
        .await
        .expect("Acme follow-up");
    paul.add_followup(&boreal_ticket, &followup("Boréal écrit"))
        .await
        .expect("Boréal follow-up");
    eventually(
        &app,
        "three deliveries to the endpoint of everything",
        || async { receiver.received_on("/all").len() >= 3 },
    )
    .await;
    let bodies = |path: &str| -> Vec<String> {
        receiver
            .received_on(path)
            .iter()
            .map(|r| {
                r.json()["data"]["body"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let mut all = bodies("/all");
    all.sort();
    assert_eq!(all, ["Acme écrit", "Boréal écrit", "Note interne"]);
    eventually(&app, "Acme's follow-up", || async {
        !receiver.received_on("/acme").is_empty()
    })
    .await;
    assert_eq!(bodies("/acme"), ["Acme écrit"], "no note, no other company");
}

async fn private_addresses_are_refused_without_the_setting(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_WEBHOOK_ALLOW_HTTP", "true")]).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    for (url, says) in [
        (receiver.url("/in"), "127.0.0.1 is a loopback address"),
        ("https://localhost/in".to_owned(), "resolves to"),
        (
            "https://169.254.169.254/latest".to_owned(),
            "cloud metadata",
        ),
        ("https://[::ffff:10.0.0.1]/in".to_owned(), "private"),
        ("https://[fd00:ec2::254]/in".to_owned(), "cloud metadata"),
        ("https://nowhere.invalid/in".to_owned(), "does not resolve"),
    ] {
        let refused = admin
            .create_webhook(&NewWebhook {
                url: url.clone(),
                events: events(&["followup"]),
                ..Default::default()
            })
            .await
            .expect_err(&url);
        let problem = refused.problem().expect("a problem");
        assert_eq!(problem.status, 422, "{url}");
        let errors = problem.errors.clone().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert_eq!(errors[0].field, "url");
        assert!(
            errors[0].message.contains(says),
            "{url}: {}",
            errors[0].message
        );
    }
    // https only without GUICHET_WEBHOOK_ALLOW_HTTP.
    let strict = spawn_with(backend, &[]).await;
    let strict_admin = strict.client_for("admin@guichet.test").await;
    let refused = strict_admin
        .create_webhook(&NewWebhook {
            url: "http://example.com/in".into(),
            events: events(&["followup"]),
            ..Default::default()
        })
        .await
        .expect_err("http");
    let message = refused
        .problem()
        .and_then(|p| p.errors.clone())
        .unwrap_or_default();
    assert!(message[0].message.contains("https"), "{message:?}");

    // At delivery: an endpoint written straight in the database to a loopback address is
    // not reached.
    let allowed = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let allowed_admin = allowed.client_for("admin@guichet.test").await;
    let claire = allowed.client_for("claire@acme.test").await;
    let (id, _) = register(&allowed_admin, receiver.url("/in"), &["followup"]).await;
    let port = receiver
        .base
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    allowed
        .execute(&format!(
            "UPDATE webhooks SET url = 'http://127.0.0.2:{port}/in' WHERE id = {id}"
        ))
        .await;
    let ticket = allowed.create(&claire, "Adresse interdite").await;
    claire
        .add_followup(&ticket.number, &followup("Bonjour"))
        .await
        .expect("follow-up");
    eventually(&allowed, "the refused attempt", || async {
        deliveries(&allowed_admin, id)
            .await
            .iter()
            .any(|d| d.attempts > 0)
    })
    .await;
    let attempt = &deliveries(&allowed_admin, id).await[0];
    assert_eq!(attempt.status_code, None);
    assert!(
        attempt
            .error
            .as_deref()
            .is_some_and(|e| e.contains("loopback")),
        "{attempt:?}"
    );
    assert!(receiver.received().is_empty());
}

async fn redirects_are_not_followed(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let (id, _) = register(&admin, receiver.url("/in"), &["followup"]).await;
    receiver.answer_next(302, Some(&receiver.url("/elsewhere")));
    let ticket = app.create(&claire, "Redirection").await;
    claire
        .add_followup(&ticket.number, &followup("Bonjour"))
        .await
        .expect("follow-up");
    soon("the redirect recorded", || async {
        deliveries(&admin, id)
            .await
            .iter()
            .any(|d| d.status_code == Some(302))
    })
    .await;
    let attempt = &deliveries(&admin, id).await[0];
    assert_eq!(attempt.state, DeliveryState::Pending, "a failure, retried");
    assert!(
        attempt
            .error
            .as_deref()
            .is_some_and(|e| e.contains("redirect")),
        "{attempt:?}"
    );
    assert!(receiver.received_on("/elsewhere").is_empty());
}

async fn rotation_signs_with_both_secrets_for_a_day(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let (id, old) = register(&admin, receiver.url("/in"), &["followup"]).await;
    let rotated = admin.rotate_webhook_secret(id).await.expect("rotated");
    let new = rotated.secret;
    assert_ne!(new, old);
    let overlap = rotated
        .webhook
        .previous_secret_expires_at
        .expect("the old secret's end")
        - Utc::now();
    assert!(overlap > chrono::Duration::hours(23) && overlap <= chrono::Duration::hours(24));
    let ticket = app.create(&claire, "Rotation").await;
    claire
        .add_followup(&ticket.number, &followup("Pendant la rotation"))
        .await
        .expect("follow-up");
    eventually(&app, "one event", || async {
        !receiver.received().is_empty()
    })
    .await;
    let during = &receiver.received()[0];
    assert_eq!(during.header("webhook-signature").split(' ').count(), 2);
    for secret in [&old, &new] {
        assert!(python_verifies(secret, during), "{secret}");
        assert!(rust_verifies(secret, during));
    }
    // A day later, only the new one signs.
    app.execute(&format!(
        "UPDATE webhooks SET previous_secret_until = created_at WHERE id = {id}"
    ))
    .await;
    claire
        .add_followup(&ticket.number, &followup("Après la rotation"))
        .await
        .expect("follow-up");
    eventually(&app, "a second event", || async {
        receiver.received().len() >= 2
    })
    .await;
    let after = &receiver.received()[1];
    assert_eq!(after.header("webhook-signature").split(' ').count(), 1);
    assert!(python_verifies(&new, after));
    assert!(!python_verifies(&old, after));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'webhook.secret_rotated'")
            .await,
        1
    );
}

async fn an_endpoint_failing_for_days_is_disabled_and_its_owner_told(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let receiver = Receiver::start().await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let (id, _) = register(&admin, receiver.url("/in"), &["followup"]).await;
    let ticket = app.create(&claire, "Panne longue").await;
    receiver.answer_all(503);
    claire
        .add_followup(&ticket.number, &followup("Un"))
        .await
        .expect("follow-up");
    soon("failing", || async {
        admin
            .webhook(id)
            .await
            .expect("endpoint")
            .failing_since
            .is_some()
    })
    .await;
    // Four days later, it still fails.
    app.execute(&format!(
        "UPDATE webhooks SET failing_since = '2000-01-01 00:00:00+00:00' WHERE id = {id}"
    ))
    .await;
    eventually(&app, "disabled", || async {
        admin
            .webhook(id)
            .await
            .expect("endpoint")
            .disabled_at
            .is_some()
    })
    .await;
    let disabled = admin.webhook(id).await.expect("endpoint");
    assert!(disabled
        .disabled_reason
        .as_deref()
        .is_some_and(|r| r.contains("HTTP 503")));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox_messages WHERE recipient = 'admin@guichet.test' AND subject LIKE '%ebhook%'"
        )
        .await,
        1
    );
    // Nothing more is sent until it is enabled again.
    receiver.answer_all(200);
    let before = receiver.received().len();
    claire
        .add_followup(&ticket.number, &followup("Deux"))
        .await
        .expect("follow-up");
    let enabled = admin
        .update_webhook(
            id,
            &WebhookUpdate {
                active: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("enabled");
    assert!(enabled.disabled_at.is_none() && enabled.failing_since.is_none());
    claire
        .add_followup(&ticket.number, &followup("Trois"))
        .await
        .expect("follow-up");
    eventually(&app, "delivered again", || async {
        receiver
            .received()
            .iter()
            .any(|r| r.json()["data"]["body"] == "Trois")
    })
    .await;
    let bodies: Vec<String> = receiver.received()[before..]
        .iter()
        .map(|r| {
            r.json()["data"]["body"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(!bodies.contains(&"Deux".to_owned()), "{bodies:?}");
}

async fn bad_input_is_named_and_only_admins_manage_webhooks(backend: Backend) {
    let app = spawn_with(backend, &LOOPBACK_ALLOWED).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let bad = admin
        .raw_json(
            "POST",
            "/api/v1/webhooks",
            &serde_json::json!({
                "url": "ftp://example.com",
                "events": ["followup", "escalated"],
                "include_internal": "yes",
                "colour": "blue"
            }),
        )
        .await
        .expect("answered");
    assert_eq!(bad.status, 422);
    let problem: guichet_types::Problem = serde_json::from_slice(&bad.body).expect("problem");
    let mut fields: Vec<String> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    fields.sort();
    assert_eq!(fields, ["colour", "events", "include_internal", "url"]);
    let missing = admin
        .raw_json(
            "POST",
            "/api/v1/webhooks",
            &serde_json::json!({"events": []}),
        )
        .await
        .expect("answered");
    let problem: guichet_types::Problem = serde_json::from_slice(&missing.body).expect("problem");
    let mut fields: Vec<String> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    fields.sort();
    assert_eq!(
        (missing.status, fields),
        (422, vec!["events".to_owned(), "url".to_owned()])
    );
    let unknown_company = admin
        .create_webhook(&NewWebhook {
            url: "https://10.0.0.1/in".into(),
            events: events(&["followup"]),
            company_id: Some(CompanyId(999_999)),
            ..Default::default()
        })
        .await
        .expect_err("unknown company, refused address");
    let mut fields: Vec<String> = unknown_company
        .problem()
        .and_then(|p| p.errors.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    fields.sort();
    assert_eq!(fields, ["company_id", "url"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM webhooks").await,
        0,
        "nothing written"
    );

    let (id, _) = register(&admin, "http://127.0.0.1:9/in".into(), &["followup"]).await;
    let patched = admin
        .update_webhook(
            id,
            &WebhookUpdate {
                url: Some("https://10.0.0.1/in".into()),
                ..Default::default()
            },
        )
        .await
        .expect_err("private");
    assert_eq!(patched.problem().map(|p| p.status), Some(422));
    assert_eq!(
        admin.webhook(id).await.expect("endpoint").url,
        "http://127.0.0.1:9/in",
        "unchanged"
    );

    for (method, path) in [
        ("GET", "/api/v1/webhooks".to_owned()),
        ("GET", format!("/api/v1/webhooks/{id}")),
        ("GET", format!("/api/v1/webhooks/{id}/deliveries")),
        ("POST", format!("/api/v1/webhooks/{id}/test")),
        ("POST", format!("/api/v1/webhooks/{id}/secret")),
        ("DELETE", format!("/api/v1/webhooks/{id}")),
    ] {
        let refused = agent
            .raw(method, &path, None, None)
            .await
            .expect("answered");
        assert_eq!(refused.status, 403, "{method} {path}");
    }
    let refused = agent
        .create_webhook(&NewWebhook {
            url: "http://127.0.0.1:9/in".into(),
            events: events(&["followup"]),
            ..Default::default()
        })
        .await
        .expect_err("an agent");
    assert_eq!(refused.problem().map(|p| p.status), Some(403));
    assert_eq!(
        admin
            .raw("GET", "/api/v1/webhooks/424242", None, None)
            .await
            .expect("answered")
            .status,
        404
    );
}
