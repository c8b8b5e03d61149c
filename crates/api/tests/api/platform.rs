//! Health checks, security headers, unknown routes, the OpenAPI document, the SPA's
//! precompressed files and migrations run by several instances at once.
use guichet_api::{config::Settings, Application};

use guichet_client::RawResponse;
use guichet_types::{InboundOutcome, InboundResult};

use crate::helpers::{spawn, spawn_with, Backend, PostgresDatabase};
use crate::on_both_databases;

on_both_databases!(
    health_checks_answer,
    every_answer_carries_the_security_headers,
    pages_answer_405_to_other_methods,
    unknown_api_paths_are_problems,
    the_openapi_document_is_served_and_committed,
    bodies_are_refused_exactly_past_their_limits,
    enum_columns_hold_only_their_vocabulary,
);

async fn health_checks_answer(backend: Backend) {
    let app = spawn(backend).await;
    for path in ["/healthz", "/readyz"] {
        assert_eq!(
            app.anonymous
                .raw("GET", path, None, None)
                .await
                .expect("answer")
                .status,
            200,
            "{path}"
        );
    }
}

/// Found by the conformance run: `TRACE /healthz` fell through to the web app, which answered
/// 503 when it was not built (and its index page when it was).
async fn pages_answer_405_to_other_methods(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [("TRACE", "/healthz"), ("POST", "/"), ("DELETE", "/tickets")] {
        let answer = app
            .anonymous
            .raw(method, path, None, None)
            .await
            .expect("answer");
        assert_eq!(answer.status, 405, "{method} {path}");
        assert_eq!(answer.header("allow"), Some("GET, HEAD"), "{method} {path}");
    }
}

async fn every_answer_carries_the_security_headers(backend: Backend) {
    let app = spawn(backend).await;
    for path in ["/healthz", "/api/v1/me", "/", "/tickets/T20261121.0001"] {
        let answer = app
            .anonymous
            .raw("GET", path, None, None)
            .await
            .expect("answer");
        let csp = answer.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'")
                && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{path}"
        );
        // Attached images are previewed from downloaded bytes, never from other origins.
        assert!(csp.contains("img-src 'self' data: blob:;"), "{path}: {csp}");
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    // No CORS for other origins: a page elsewhere may neither read an answer nor be
    // granted a preflight, signed in or not.
    let claire = app.client_for("claire@acme.test").await;
    let foreign = ("Origin", "https://evil.example");
    let preflight = [
        foreign,
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ),
    ];
    for (method, path, headers) in [
        ("GET", "/api/v1/tickets", &[foreign][..]),
        ("GET", "/api/v1/me", &[foreign][..]),
        ("OPTIONS", "/api/v1/tickets", &preflight[..]),
        ("OPTIONS", "/api/v1/auth/login", &preflight[..]),
    ] {
        let answer = claire
            .raw_with_headers(method, path, headers, None)
            .await
            .expect("answer");
        for granted in [
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-allow-methods",
            "access-control-allow-headers",
        ] {
            assert!(
                answer.header(granted).is_none(),
                "{method} {path}: {granted} {:?}",
                answer.header(granted)
            );
        }
        if method == "OPTIONS" {
            assert!(
                !(200..300).contains(&answer.status),
                "{method} {path}: preflight answered {}",
                answer.status
            );
        } else {
            assert_eq!(
                answer.status, 200,
                "{method} {path}: same answer as without Origin"
            );
        }
    }
}

async fn unknown_api_paths_are_problems(backend: Backend) {
    let app = spawn(backend).await;
    let answer = app
        .anonymous
        .raw("GET", "/api/v1/nothing-here", None, None)
        .await
        .expect("answer");
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json")
    );
}

async fn the_openapi_document_is_served_and_committed(backend: Backend) {
    let app = spawn(backend).await;
    let served: serde_json::Value = app
        .anonymous
        .raw("GET", "/api/openapi.json", None, None)
        .await
        .expect("answer")
        .json()
        .expect("JSON");
    assert_eq!(served["openapi"], "3.1.0");
    let generated = serde_json::to_value(guichet_api::app::openapi()).expect("document");
    assert_eq!(served, generated);
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(committed_path).expect("openapi/openapi.json is committed"),
    )
    .expect("committed JSON");
    assert!(committed == generated, "openapi/openapi.json is stale: run `cargo run -p guichet-api -- openapi > openapi/openapi.json`");
    let docs = app
        .anonymous
        .raw("GET", "/api/docs/", None, None)
        .await
        .expect("answer");
    assert_eq!(docs.status, 200);
    let html = String::from_utf8_lossy(&docs.body);
    assert!(
        html.contains("swagger-ui") && !html.contains("https://"),
        "offline docs"
    );
}

/// A built file with a `.gz` beside it goes out as that `.gz` to clients that take gzip, with
/// the year-long cache of hashed names; others get the file itself.
#[tokio::test]
async fn hashed_files_are_served_precompressed_and_cached() {
    let web = tempfile::tempdir().expect("temp dir");
    let wasm = "/guichet_frontend_bg-0123456789abcdef.wasm";
    let plain: &[u8] = b"\0asm the module";
    let gzipped: &[u8] = b"\x1f\x8b the module, compressed at build time";
    std::fs::write(web.path().join("index.html"), "<!doctype html>").expect("index");
    std::fs::write(web.path().join(&wasm[1..]), plain).expect("wasm");
    std::fs::write(web.path().join(format!("{}.gz", &wasm[1..])), gzipped).expect("gz");
    let web_dir = web.path().display().to_string();
    let app = spawn_with(Backend::Sqlite, &[("GUICHET_WEB_DIR", web_dir.as_str())]).await;
    let http = reqwest::Client::new();
    let url = format!("{}{wasm}", app.anonymous.base_url());

    let answer = http
        .get(&url)
        .header("Accept-Encoding", "gzip, deflate, br")
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 200);
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-encoding"), "gzip");
    assert_eq!(header("content-type"), "application/wasm");
    assert_eq!(
        header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header("vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(answer.bytes().await.expect("body").as_ref(), gzipped);

    let answer = http.get(&url).send().await.expect("answer");
    assert!(answer.headers().get("content-encoding").is_none());
    assert_eq!(answer.bytes().await.expect("body").as_ref(), plain);
}

/// Several instances starting together on one PostgreSQL database migrate it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_share_one_migration() {
    let database = PostgresDatabase::create().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let starts = (0..3).map(|_| {
        let values = [
            ("GUICHET_BIND", "127.0.0.1:0".to_owned()),
            ("GUICHET_DATABASE_URL", database.url.clone()),
            ("GUICHET_DATA_DIR", dir.path().display().to_string()),
            ("GUICHET_TOKEN_KEY", crate::helpers::TOKEN_KEY.to_owned()),
            ("GUICHET_WORKERS", "1".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let settings = Settings::from_map(&values).expect("settings");
        tokio::spawn(async move {
            Application::build(settings, true)
                .await
                .map(|app| app.port())
        })
    });
    for start in starts.collect::<Vec<_>>() {
        start.await.expect("task").expect("each instance starts");
    }
    let clients = "SELECT COUNT(*) FROM companies WHERE service_code <> ''";
    let probe = crate::helpers::TestApp::count_on(&database.url, clients).await;
    assert_eq!(probe, 2, "the demo data was seeded once");
}

/// A client generated from the document must send and accept what the server does: each
/// enum schema lists exactly the values serde writes (they were once the Rust variant names).
#[test]
fn published_enums_are_the_wire_names() {
    use guichet_types::enums::{
        InboundOutcome, Level, Locale, RejectReason, Role, TicketKind, TicketStatus, UrgencyFor,
    };

    fn wire<T: serde::Serialize>(all: &[T]) -> Vec<serde_json::Value> {
        all.iter()
            .map(|value| serde_json::to_value(value).expect("enum value"))
            .collect()
    }
    let document = serde_json::to_value(guichet_api::app::openapi()).expect("document");
    let expected = [
        ("Role", wire(Role::ALL)),
        ("TicketKind", wire(TicketKind::ALL)),
        ("Level", wire(Level::ALL)),
        ("TicketStatus", wire(TicketStatus::ALL)),
        ("Locale", wire(Locale::ALL)),
        ("InboundOutcome", wire(InboundOutcome::ALL)),
        ("RejectReason", wire(RejectReason::ALL)),
        ("UrgencyFor", wire(UrgencyFor::ALL)),
    ];
    for (schema, values) in expected {
        let published = document["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} is published as an enum"));
        assert_eq!(published, &values, "{schema}");
    }
}

const GATEWAY: &str = "gateway-token-for-the-limit-tests-0123456";
const JSON_LIMIT: usize = 256 * 1024;
const MAIL_LIMIT: usize = 25 * 1024 * 1024;

/// `body` padded with trailing whitespace (still the same JSON) to exactly `size` bytes.
fn padded(body: &serde_json::Value, size: usize) -> Vec<u8> {
    let mut bytes = body.to_string().into_bytes();
    assert!(bytes.len() <= size);
    bytes.resize(size, b' ');
    bytes
}

/// A plain mail from an unknown sender, of exactly `size` bytes.
fn mail_of(size: usize) -> Vec<u8> {
    let mut mail = b"From: inconnu@example.com\r\nTo: support@guichet.test\r\n\
                     Subject: Gros fichier\r\nMessage-ID: <big@example.com>\r\n\r\n"
        .to_vec();
    let line = [b"x".repeat(76), b"\r\n".to_vec()].concat();
    while mail.len() + line.len() <= size {
        mail.extend_from_slice(&line);
    }
    mail.resize(size, b'y');
    mail
}

fn too_large(answer: &RawResponse, what: &str) {
    assert_eq!(answer.status, 413, "{what}");
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json"),
        "{what}"
    );
    let problem: guichet_types::Problem = answer.json().expect("a problem");
    assert_eq!(problem.code, "payload_too_large", "{what}");
}

async fn bodies_are_refused_exactly_past_their_limits(backend: Backend) {
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_SUPPORT_EMAIL", "support@guichet.test"),
            ("GUICHET_INBOUND_TOKEN", GATEWAY),
        ],
    )
    .await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket =
        serde_json::to_value(app.new_ticket(&claire, "Au ras de la limite").await).expect("json");
    let tickets = "SELECT COUNT(*) FROM tickets";
    let before = app.count(tickets).await;

    // JSON: 256 KiB exactly is read, one byte more is not.
    let over = claire
        .raw(
            "POST",
            "/api/v1/tickets",
            Some("application/json"),
            Some(padded(&ticket, JSON_LIMIT + 1)),
        )
        .await
        .expect("answer");
    too_large(&over, "JSON one byte over");
    assert_eq!(app.count(tickets).await, before);
    let at = claire
        .raw(
            "POST",
            "/api/v1/tickets",
            Some("application/json"),
            Some(padded(&ticket, JSON_LIMIT)),
        )
        .await
        .expect("answer");
    assert_eq!(
        at.status,
        201,
        "JSON at the limit: {}",
        String::from_utf8_lossy(&at.body)
    );
    assert_eq!(app.count(tickets).await, before + 1);

    // Inbound mail: 25 MiB exactly is read, one byte more is not.
    let rejected = "SELECT COUNT(*) FROM rejected_mails";
    let over = app
        .anonymous
        .raw_with_headers(
            "POST",
            "/api/v1/inbound-email",
            &[
                ("Authorization", &format!("Bearer {GATEWAY}")),
                ("Content-Type", "message/rfc822"),
            ],
            Some(mail_of(MAIL_LIMIT + 1)),
        )
        .await
        .expect("answer");
    too_large(&over, "mail one byte over");
    assert_eq!(app.count(rejected).await, 0);
    let at = app
        .anonymous
        .raw_with_headers(
            "POST",
            "/api/v1/inbound-email",
            &[
                ("Authorization", &format!("Bearer {GATEWAY}")),
                ("Content-Type", "message/rfc822"),
            ],
            Some(mail_of(MAIL_LIMIT)),
        )
        .await
        .expect("answer");
    assert_eq!(
        at.status,
        200,
        "mail at the limit: {}",
        String::from_utf8_lossy(&at.body)
    );
    let result: InboundResult = at.json().expect("an inbound result");
    assert_eq!(result.outcome, InboundOutcome::Rejected, "unknown sender");
    assert_eq!(app.count(rejected).await, 1);
}

/// Every operation documents the problem answers the extractors give before its handler
/// runs: a bearer → 401; a JSON body → 400, 413, 415 and 422; a query string → 422.
#[test]
fn every_operation_documents_the_answers_of_its_extractors() {
    let document = serde_json::to_value(guichet_api::app::openapi()).expect("document");
    let mut missing = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let needs_bearer = operation["security"]
                .as_array()
                .is_some_and(|all| all.iter().any(|one| one.get("bearer").is_some()));
            let has_json_body = operation["requestBody"]["content"]
                .get("application/json")
                .is_some();
            let has_query = operation["parameters"]
                .as_array()
                .is_some_and(|all| all.iter().any(|one| one["in"] == "query"));
            let mut expected = Vec::new();
            if needs_bearer {
                expected.push("401");
            }
            if has_json_body {
                expected.extend(["400", "413", "415", "422"]);
            }
            if has_query {
                expected.push("422");
            }
            for status in expected {
                if operation["responses"].get(status).is_none() {
                    missing.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented answers: {missing:?}");
    assert_eq!(
        document["components"]["responses"]["NotJson"]["content"]["application/problem+json"]
            ["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
}

/// A client generated from the document sends only bodies the server takes: `ValidJson`
/// refuses unknown members, and the validator's limits are published.
#[test]
fn request_bodies_publish_what_the_server_accepts() {
    let document = serde_json::to_value(guichet_api::app::openapi()).expect("document");
    let schemas = &document["components"]["schemas"];
    for body in ["NewTicket", "TicketUpdate", "LoginRequest", "ShareRequest"] {
        assert_eq!(schemas[body]["additionalProperties"], false, "{body}");
    }
    let title = &schemas["NewTicket"]["properties"]["title"];
    assert_eq!(
        (title["minLength"].as_u64(), title["maxLength"].as_u64()),
        (Some(1), Some(200))
    );
    let rating = &schemas["SatisfactionRequest"]["properties"]["rating"];
    assert_eq!(
        (rating["minimum"].as_u64(), rating["maximum"].as_u64()),
        (Some(1), Some(5))
    );
    assert_eq!(
        schemas["AccessRequest"]["properties"]["service_code"]["pattern"],
        "^[0-9]{4}$"
    );
}

/// A download is served with the type of its extension: the document lists them all.
#[test]
fn the_download_documents_the_types_it_is_served_with() {
    let document = serde_json::to_value(guichet_api::app::openapi()).expect("document");
    let served =
        &document["paths"]["/api/v1/attachments/{id}"]["get"]["responses"]["200"]["content"];
    for content_type in ["image/png", "application/pdf", "application/octet-stream"] {
        assert!(served.get(content_type).is_some(), "{content_type}");
    }
}

/// Every value of each closed vocabulary is accepted by its column, and nothing else is: a
/// CHECK constraint on PostgreSQL, triggers on SQLite (migration 000014). The values come
/// from `crates/types`, so a variant added without its migration fails here.
async fn enum_columns_hold_only_their_vocabulary(backend: Backend) {
    use guichet_types::{Level, Locale, Role, TicketKind, TicketStatus};
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

    let app = spawn(backend).await;
    let columns: [(&str, &str, Vec<&str>); 8] = [
        (
            "tickets",
            "kind",
            TicketKind::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "tickets",
            "status",
            TicketStatus::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "tickets",
            "urgency",
            Level::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "tickets",
            "impact",
            Level::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "users",
            "role",
            Role::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "users",
            "locale",
            Locale::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "categories",
            "kind",
            TicketKind::ALL.iter().map(|v| v.as_str()).collect(),
        ),
        (
            "announcements",
            "locale",
            Locale::ALL.iter().map(|v| v.as_str()).collect(),
        ),
    ];
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let run = |sql: String| Statement::from_string(backend, sql);
    for (table, column, values) in columns {
        let txn = db.begin().await.expect("begin");
        let first = format!(r#"(SELECT MIN("id") FROM "{table}")"#);
        for value in values {
            txn.execute(run(format!(
                r#"UPDATE "{table}" SET "{column}" = '{value}' WHERE "id" = {first}"#
            )))
            .await
            .unwrap_or_else(|e| panic!("{table}.{column} = {value}: {e}"));
        }
        let refused = txn
            .execute(run(format!(
                r#"UPDATE "{table}" SET "{column}" = 'bogus' WHERE "id" = {first}"#
            )))
            .await;
        assert!(refused.is_err(), "{table}.{column} took 'bogus'");
        txn.rollback().await.expect("rollback");
    }
    // A new row is held to the same list.
    let insert = |kind: &str| {
        run(format!(
            r#"INSERT INTO "categories" ("parent_id", "kind", "name_fr", "name_en", "position") VALUES (NULL, '{kind}', 'x', 'x', 0)"#
        ))
    };
    let txn = db.begin().await.expect("begin");
    txn.execute(insert("request")).await.expect("a known kind");
    assert!(
        txn.execute(insert("bogus")).await.is_err(),
        "a new category took 'bogus'"
    );
    txn.rollback().await.expect("rollback");
}
