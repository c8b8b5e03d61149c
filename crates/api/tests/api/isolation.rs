//! Tenant isolation for every action on a ticket: another company's ticket answers exactly
//! as a ticket number that does not exist (the whole problem body), and nothing is written.
//! A rejected mail is not the customers' business: its download is a 404 to them.
use guichet_client::{Client, RawResponse};
use guichet_types::{InboundOutcome, TicketNumber};
use serde_json::{json, Value};

use crate::helpers::{address, spawn_with, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    another_companys_ticket_is_missing_for_every_action,
    a_rejected_mail_is_missing_for_customers,
);

const AGENT: &str = "agent@guichet.test";
const GATEWAY: &str = "gateway-token-for-the-isolation-tests-0123";
/// A well-formed number no ticket has.
const ABSENT: &str = "T20000101.0001";

async fn start(backend: Backend) -> TestApp {
    spawn_with(
        backend,
        &[
            ("GUICHET_SUPPORT_EMAIL", "support@guichet.test"),
            ("GUICHET_INBOUND_TOKEN", GATEWAY),
        ],
    )
    .await
}

/// What any action may write: timeline entries, watchers, mails.
async fn written(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM ticket_events").await,
        app.count("SELECT COUNT(*) FROM ticket_watchers").await,
        app.count("SELECT COUNT(*) FROM outbox_messages").await,
    )
}

/// One request on a ticket: method, what follows `/api/v1/tickets/{number}`, JSON body.
struct Action {
    method: &'static str,
    suffix: &'static str,
    body: Option<Value>,
}

fn action(method: &'static str, suffix: &'static str, body: Option<Value>) -> Action {
    Action {
        method,
        suffix,
        body,
    }
}

async fn send(client: &Client, number: &str, action: &Action, if_match: &str) -> RawResponse {
    let path = format!("/api/v1/tickets/{number}{}", action.suffix);
    let mut headers = vec![("If-Match", if_match)];
    let body = action.body.as_ref().map(|b| b.to_string().into_bytes());
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    client
        .raw_with_headers(action.method, &path, &headers, body)
        .await
        .unwrap_or_else(|e| panic!("{} {path}: {e}", action.method))
}

/// `who` gets for `hidden` exactly the answer of a ticket that does not exist.
async fn answers_as_missing(
    who: &str,
    client: &Client,
    hidden: &TicketNumber,
    action: &Action,
    if_match: &str,
) {
    let what = format!("{who}: {} {}", action.method, action.suffix);
    let refused = send(client, &hidden.to_string(), action, if_match).await;
    let absent = send(client, ABSENT, action, if_match).await;
    assert_eq!(
        absent.status,
        404,
        "{what}: {:?}",
        String::from_utf8_lossy(&absent.body)
    );
    assert_eq!(
        refused.status,
        404,
        "{what}: {}",
        String::from_utf8_lossy(&refused.body)
    );
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json"),
        "{what}"
    );
    assert_eq!(
        String::from_utf8_lossy(&refused.body),
        String::from_utf8_lossy(&absent.body),
        "{what}: hidden and absent answer alike"
    );
}

async fn another_companys_ticket_is_missing_for_every_action(backend: Backend) {
    let app = start(backend).await;
    let (paul, claire, remi, agent) = (
        app.client_for("paul@boreal.test").await,
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for(AGENT).await,
    );
    // Boreal's tickets: one with a solution waiting for Paul, one closed.
    let open = app.create(&paul, "Chez Boréal, en attente").await.number;
    paul.share(&open, &address("exterieur@example.test"))
        .await
        .expect("shared outside");
    agent
        .propose_solution(&open, "Redémarrez le serveur.")
        .await
        .expect("solution");
    let closed = app.create(&paul, "Chez Boréal, fermé").await.number;
    paul.withdraw(&closed, "Réglé tout seul")
        .await
        .expect("withdrawn");
    let (open_before, etag) = paul.ticket_with_etag(&open).await.expect("open");
    let closed_before = paul.ticket(&closed).await.expect("closed");
    let before = written(&app).await;

    let reason = || Some(json!({ "reason": "Intrusion" }));
    let on_open = [
        action("GET", "", None),
        action("GET", "/timeline", None),
        action("PATCH", "", Some(json!({ "notify": false }))),
        action("POST", "/followups", Some(json!({ "body": "Intrusion" }))),
        action(
            "POST",
            "/watchers",
            Some(json!({ "email": "claire@acme.test" })),
        ),
        action("DELETE", "/watchers/exterieur%40example.test", None),
        action("POST", "/solution/approve", Some(json!({}))),
        action("POST", "/solution/reject", reason()),
        action("POST", "/withdraw", reason()),
        action("GET", "/support-access", None),
        // Only the support team asks, but who may act is asked of a ticket one sees.
        action("POST", "/support-access", None),
    ];
    let on_closed = [
        action("POST", "/satisfaction", Some(json!({ "rating": 5 }))),
        // Only the support team reopens, but who may act is asked of a ticket one sees.
        action("POST", "/reopen", reason()),
    ];
    for (who, client) in [("customer", &claire), ("referent", &remi)] {
        for action in &on_open {
            answers_as_missing(who, client, &open, action, &etag).await;
        }
        for action in &on_closed {
            answers_as_missing(who, client, &closed, action, &etag).await;
        }
    }

    assert_eq!(written(&app).await, before, "nothing written");
    let (open_after, etag_after) = paul.ticket_with_etag(&open).await.expect("open");
    assert_eq!((open_after, etag_after), (open_before, etag));
    assert_eq!(paul.ticket(&closed).await.expect("closed"), closed_before);
}

async fn a_rejected_mail_is_missing_for_customers(backend: Backend) {
    let app = start(backend).await;
    let (claire, remi, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for(AGENT).await,
    );
    // Claire's own mail, to an address nobody reads: rejected and kept.
    let mail = "From: claire@acme.test\r\nTo: ventes@guichet.test\r\n\
                Subject: Devis\r\nMessage-ID: <devis@acme.test>\r\n\r\nUn devis, svp.\r\n";
    let result = app
        .anonymous
        .inbound_email(GATEWAY, mail.as_bytes().to_vec())
        .await
        .expect("answered");
    assert_eq!(result.outcome, InboundOutcome::Rejected);
    let id = agent.rejected_mails(None, None).await.expect("page").items[0].id;
    assert!(
        String::from_utf8_lossy(&agent.rejected_mail_raw(id).await.expect("raw"))
            .contains("Un devis")
    );
    let absent_id = id + 1000;

    for (who, client) in [
        ("sender", &claire),
        ("referent", &remi),
        ("other company", &paul),
    ] {
        let kept = client
            .raw(
                "GET",
                &format!("/api/v1/rejected-mails/{id}/raw"),
                None,
                None,
            )
            .await
            .expect("answer");
        let absent = client
            .raw(
                "GET",
                &format!("/api/v1/rejected-mails/{absent_id}/raw"),
                None,
                None,
            )
            .await
            .expect("answer");
        assert_eq!(
            kept.status,
            404,
            "{who}: {}",
            String::from_utf8_lossy(&kept.body)
        );
        assert_eq!(
            kept.header("content-type"),
            Some("application/problem+json"),
            "{who}"
        );
        assert_eq!(
            kept.body, absent.body,
            "{who}: kept and absent answer alike"
        );
    }
}
