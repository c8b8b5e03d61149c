//! The lost-account form: a ticket for the support team, opened without signing in, with
//! its new-ticket mail and the writer's acknowledgement; bad input named field by field;
//! throttling per client. `phone_tickets.rs` follows the writer's account.
use guichet_client::{Client, RawResponse};
use guichet_types::{
    AccountRecoveryRequest, Level, Scope, Ticket, TicketKind, TicketListQuery, TicketStatus,
};
use serde_json::json;

use crate::helpers::{address, spawn, spawn_without_demo, Backend, TestApp};
use crate::on_both_databases;
use crate::recovery::{decoded, handled, with_smtp};

on_both_databases!(
    a_lost_account_opens_a_ticket_only_the_support_team_sees,
    a_production_database_takes_requests_too,
    every_bad_member_is_named_and_nothing_is_written,
    requests_are_throttled_per_client,
    renamed_intake_rows_still_take_requests,
);

const PATH: &str = "/api/v1/account-recovery-requests";

fn agnes() -> AccountRecoveryRequest {
    AccountRecoveryRequest {
        full_name: " Agnès Martin ".to_owned(),
        company_name: "Acme Industrie".to_owned(),
        email: address("agnes.martin@example.com"),
        phone: Some("+33 1 23 45 67 89".to_owned()),
        message: "J'ai perdu mon identifiant et l'adresse de mon compte.\nMerci de me rappeler."
            .to_owned(),
    }
}

async fn all_tickets(client: &Client, scope: Option<Scope>) -> Vec<Ticket> {
    let query = TicketListQuery {
        scope,
        limit: Some(100),
        ..Default::default()
    };
    client.list_tickets(&query).await.expect("list").items
}

async fn lost_account_ticket(agent: &Client) -> Ticket {
    all_tickets(agent, Some(Scope::All))
        .await
        .into_iter()
        .find(|t| t.title.starts_with("Compte support perdu"))
        .expect("the support team sees the ticket")
}

/// What the bad-input and throttling tests must leave untouched.
async fn written(app: &TestApp) -> [i64; 3] {
    [
        app.count("SELECT COUNT(*) FROM tickets").await,
        app.count("SELECT COUNT(*) FROM ticket_events").await,
        app.count("SELECT COUNT(*) FROM outbox_messages").await,
    ]
}

async fn a_lost_account_opens_a_ticket_only_the_support_team_sees(backend: Backend) {
    // The support address is the default one, support@guichet.test.
    let (app, smtp) = with_smtp(backend).await;
    let answer = app
        .anonymous
        .raw_json("POST", PATH, &agnes())
        .await
        .expect("answer");
    assert_eq!(answer.status, 202);
    assert!(answer.body.is_empty(), "no body");

    let agent = app.client_for("agent@guichet.test").await;
    let ticket = lost_account_ticket(&agent).await;
    assert_eq!(
        ticket.title,
        "Compte support perdu : Agnès Martin (Acme Industrie)"
    );
    assert_eq!(
        (ticket.kind, ticket.status, ticket.urgency),
        (TicketKind::Request, TicketStatus::New, Level::Medium)
    );
    assert_eq!(ticket.company.name, "Demandes sans compte");
    assert_eq!(ticket.category.name, "Accès au support");
    // The writer is the requester, and is told.
    assert_eq!(ticket.requester.email, "agnes.martin@example.com");
    assert_eq!(ticket.requester.name, "Agnès Martin");
    assert!(ticket.notify);
    for detail in [
        "Nom : Agnès Martin\n",
        "Société : Acme Industrie\n",
        "Adresse e-mail : agnes.martin@example.com\n",
        "Téléphone : +33 1 23 45 67 89\n",
        "J'ai perdu mon identifiant et l'adresse de mon compte.\nMerci de me rappeler.",
    ] {
        assert!(
            ticket.description.contains(detail),
            "{detail:?} in {}",
            ticket.description
        );
    }
    let timeline = agent.timeline(&ticket.number).await.expect("timeline");
    let events: Vec<&str> = timeline.iter().map(|e| e.event.name()).collect();
    assert_eq!(events, ["created"]);

    // Customers of the demo companies, referents included, never see it.
    for email in ["claire@acme.test", "remi@acme.test", "paul@boreal.test"] {
        let customer = app.client_for(email).await;
        let scope = (email == "remi@acme.test").then_some(Scope::Company);
        let listed = all_tickets(&customer, scope).await;
        assert!(listed.iter().all(|t| t.number != ticket.number), "{email}");
        let read = customer.ticket(&ticket.number).await.expect_err("hidden");
        assert_eq!(read.status(), Some(404), "{email}");
    }

    // The support address gets the new-ticket mail, naming who wrote, and the writer the
    // acknowledgement; nobody else any.
    let mails = smtp.wait_for(2).await;
    let support: Vec<_> = mails
        .iter()
        .filter(|m| m.recipients == ["support@guichet.test"])
        .collect();
    assert_eq!(support.len(), 1);
    let subject = support[0].header("Subject").unwrap_or_default();
    assert!(subject.contains(&ticket.number.to_string()), "{subject}");
    assert!(decoded(support[0]).contains(&format!(
        "Agnès Martin a ouvert le ticket {}",
        ticket.number
    )));
    let acknowledged = mails
        .iter()
        .filter(|m| m.recipients == ["agnes.martin@example.com"])
        .count();
    assert_eq!(acknowledged, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_messages").await, 2);

    // The system account opens nothing: no password signs in, no link recovers it.
    let login = app
        .anonymous
        .login("intake@guichet.invalid", "!")
        .await
        .expect_err("locked");
    assert_eq!(login.status(), Some(401));
    app.anonymous
        .request_password_reset(&address("intake@guichet.invalid"))
        .await
        .expect("202");
    handled(&app, 1).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM account_tokens").await, 0);
    assert_eq!(smtp.received().len(), 2, "still the two mails");
}

async fn a_production_database_takes_requests_too(backend: Backend) {
    let app = spawn_without_demo(backend).await;
    // Migrations alone wrote the intake company, its account and its category.
    for table in ["companies", "users", "categories"] {
        let rows = app.count(&format!("SELECT COUNT(*) FROM {table}")).await;
        assert_eq!(rows, 1, "{table}");
    }
    app.anonymous
        .request_account_recovery(&AccountRecoveryRequest {
            phone: None,
            ..agnes()
        })
        .await
        .expect("202");
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 1);
    let description: i64 = app
        .count("SELECT COUNT(*) FROM tickets WHERE description LIKE '%Téléphone : non indiqué%'")
        .await;
    assert_eq!(description, 1);
    let support = "SELECT COUNT(*) FROM outbox_messages WHERE recipient = 'support@guichet.test'";
    assert_eq!(app.count(support).await, 1);
}

fn fields(answer: &RawResponse) -> Vec<(String, String)> {
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json")
    );
    let problem: guichet_types::Problem = answer.json().expect("a problem");
    problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

async fn every_bad_member_is_named_and_nothing_is_written(backend: Backend) {
    let app = spawn(backend).await;
    let before = written(&app).await;
    let post = |body: serde_json::Value| {
        let client = app.anonymous.clone();
        async move { client.raw_json("POST", PATH, &body).await.expect("answer") }
    };

    let bad = post(json!({
        "full_name": "Agnès\r\nBcc: victim@example.com",
        "company_name": "   ",
        "email": "agnes@",
        "phone": "appelez-moi",
        "message": "",
    }))
    .await;
    assert_eq!(
        fields(&bad),
        pairs(&[
            ("company_name", "blank"),
            ("email", "email"),
            ("full_name", "single_line"),
            ("message", "length"),
            ("phone", "phone"),
        ])
    );

    let missing = post(json!({"colour": "bleu"})).await;
    assert_eq!(
        fields(&missing),
        pairs(&[
            ("colour", "unknown_field"),
            ("company_name", "required"),
            ("email", "required"),
            ("full_name", "required"),
            ("message", "required"),
        ])
    );

    let long = post(json!({
        "full_name": "a".repeat(201),
        "company_name": "Acme\tIndustrie",
        "email": "agnes@example.com",
        "phone": "1".repeat(41),
        "message": "m".repeat(5001),
    }))
    .await;
    assert_eq!(
        fields(&long),
        pairs(&[
            ("company_name", "single_line"),
            ("full_name", "length"),
            ("message", "length"),
            ("phone", "phone"),
        ])
    );

    assert_eq!(written(&app).await, before, "nothing was written");
    let throttled =
        "SELECT COUNT(*) FROM login_failures WHERE throttle_key LIKE 'account-recovery:%'";
    assert_eq!(
        app.count(throttled).await,
        0,
        "bad requests are not counted"
    );
}

async fn requests_are_throttled_per_client(backend: Backend) {
    let app = spawn(backend).await;
    let before = written(&app).await;
    for _ in 0..5 {
        app.anonymous
            .request_account_recovery(&agnes())
            .await
            .expect("202");
    }
    let refused = app
        .anonymous
        .raw_json("POST", PATH, &agnes())
        .await
        .expect("answer");
    assert_eq!(refused.status, 429);
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json")
    );
    let retry_after: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((3000..=3600).contains(&retry_after), "{retry_after}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets").await,
        before[0] + 5,
        "the refused request wrote nothing"
    );
    // Sign-in keeps its own counts.
    app.login("claire@acme.test").await;
}

/// The administration screens will rename companies and categories and change addresses:
/// the form finds its rows by their key, whatever they are called.
async fn renamed_intake_rows_still_take_requests(backend: Backend) {
    let app = spawn(backend).await;
    for statement in [
        "UPDATE companies SET name = 'Accès perdus' WHERE name = 'Demandes sans compte'",
        "UPDATE categories SET name_fr = 'Compte perdu', name_en = 'Lost account' \
         WHERE name_fr = 'Accès au support'",
    ] {
        app.execute(statement).await;
    }
    app.anonymous
        .request_account_recovery(&agnes())
        .await
        .expect("202");

    let agent = app.client_for("agent@guichet.test").await;
    let ticket = lost_account_ticket(&agent).await;
    assert_eq!(ticket.company.name, "Accès perdus");
    assert_eq!(ticket.requester.email, "agnes.martin@example.com");
    // By id: the server's copy of the category tree learns of names written behind its back
    // only later.
    let category = app
        .count(
            "SELECT id FROM categories WHERE name_fr = 'Compte perdu' AND name_en = 'Lost account'",
        )
        .await;
    assert_eq!(ticket.category.id, category);
}
