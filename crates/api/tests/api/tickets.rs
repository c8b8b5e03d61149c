//! Ticket creation and validation, numbering under concurrency, visibility, filters,
//! full-text search and keyset pagination.
use std::collections::HashSet;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use guichet_api::db::WriteGate;
use guichet_api::tickets::number;

use guichet_client::Client;
use guichet_types::{
    Level, NewTicket, Scope, TicketKind, TicketListQuery, TicketSort, TicketStatus, UrgencyFor,
};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{first_category, spawn, spawn_with, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_customer_opens_a_ticket_and_finds_it,
    every_invalid_member_is_named_and_nothing_is_written,
    malformed_oversized_and_mistyped_bodies_are_refused,
    fifty_concurrent_creations_get_fifty_numbers,
    the_first_numbers_of_a_new_day_taken_at_once_are_unique,
    customers_see_only_their_tickets_and_referents_their_company,
    agents_see_everything_and_open_tickets_for_customers,
    agent_filters_narrow_the_list,
    full_text_search_ignores_case_and_accents_and_matches_word_starts,
    a_search_finds_and_pages_to_matches_beyond_its_first_walk,
    a_ticket_number_in_the_search_finds_that_ticket,
    the_list_narrows_to_one_requester_within_its_scope,
    pages_follow_each_other_without_duplicates_or_gaps,
    by_default_every_ticket_takes_the_customers_urgency,
    when_urgency_is_for_incidents_requests_get_medium,
);

async fn list(client: &Client, query: TicketListQuery) -> Vec<String> {
    let page = client.list_tickets(&query).await.expect("list");
    page.items
        .into_iter()
        .map(|t| t.number.to_string())
        .collect()
}

fn mine(limit: u64) -> TicketListQuery {
    TicketListQuery {
        scope: Some(Scope::Mine),
        limit: Some(limit),
        ..Default::default()
    }
}

async fn a_customer_opens_a_ticket_and_finds_it(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let input = NewTicket {
        kind: TicketKind::Request,
        category_id: first_category(&claire, TicketKind::Request).await,
        urgency: Some(Level::Low),
        title: "Un de nos ordinateurs ne démarre plus".into(),
        description: "Depuis ce matin, <b>écran noir</b> & rien d'autre.".into(),
        asset_id: Some(claire.assets().await.expect("assets")[0].id),
        notify: Some(false),
        notify_email: Some("it@acme.test".into()),
        ..Default::default()
    };
    let answer = claire
        .raw_json("POST", "/api/v1/tickets", &input)
        .await
        .expect("answer");
    assert_eq!(answer.status, 201);
    let ticket: guichet_types::Ticket = answer.json().expect("ticket");
    assert_eq!(
        answer.header("location"),
        Some(format!("/api/v1/tickets/{}", ticket.number).as_str())
    );

    let today = chrono::Utc::now().format("T%Y%m%d.").to_string();
    assert!(
        ticket.number.as_str().starts_with(&today),
        "{}",
        ticket.number
    );
    assert_eq!(ticket.status, TicketStatus::New);
    assert_eq!(
        (ticket.urgency, ticket.impact, ticket.priority),
        (Level::Low, Level::Medium, 3)
    );
    assert_eq!(
        ticket.description, input.description,
        "text is stored as given"
    );
    assert_eq!(ticket.requester.email, "claire@acme.test");
    assert_eq!(ticket.company.name, "Acme Industrie");
    assert!(ticket.asset.is_some());
    assert_eq!(
        (ticket.notify, ticket.notify_email.as_str()),
        (false, "it@acme.test")
    );
    assert!(
        ticket.assignee.is_none() && ticket.watchers.is_empty() && ticket.satisfaction.is_none()
    );

    assert_eq!(claire.ticket(&ticket.number).await.expect("get"), ticket);
    assert_eq!(
        list(&claire, mine(100)).await.first(),
        Some(&ticket.number.to_string()),
        "newest first"
    );
    let timeline = claire.timeline(&ticket.number).await.expect("timeline");
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].event.name(), "created");
    assert_eq!(
        timeline[0].actor.as_ref().map(|a| a.name.as_str()),
        Some("Claire Martin")
    );
}

async fn ticket_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM tickets").await
}

async fn every_invalid_member_is_named_and_nothing_is_written(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let good = serde_json::to_value(app.new_ticket(&claire, "Valid").await).expect("json");
    let request_category = first_category(&claire, TicketKind::Request).await;
    let boreal_asset = app
        .client_for("paul@boreal.test")
        .await
        .assets()
        .await
        .expect("assets")[0]
        .id;
    let before = ticket_count(&app).await;

    let with = |changes: serde_json::Value| {
        let mut body = good.clone();
        for (k, v) in changes.as_object().expect("object") {
            if v.is_null() {
                body.as_object_mut().expect("object").remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        body
    };
    let cases = [
        (
            json!({"kind": "incident", "urgency": "urgentissime", "title": "", "description": ""}),
            vec![
                ("category_id", "required"),
                ("description", "length"),
                ("title", "length"),
                ("urgency", "invalid_choice"),
            ],
        ),
        (
            with(json!({"title": "x".repeat(201)})),
            vec![("title", "length")],
        ),
        (
            with(json!({"description": "x".repeat(20_001)})),
            vec![("description", "length")],
        ),
        (with(json!({"title": "   "})), vec![("title", "blank")]),
        (
            with(json!({"kind": "problem", "category_id": "two", "notify": "yes"})),
            vec![
                ("category_id", "invalid_type"),
                ("kind", "invalid_choice"),
                ("notify", "invalid_type"),
            ],
        ),
        (
            with(json!({"status": "closed", "company_id": 2})),
            vec![("company_id", "unknown_field"), ("status", "unknown_field")],
        ),
        (
            with(json!({"requester_id": 3})),
            vec![("requester_id", "not_allowed")],
        ),
        (
            with(json!({"category_id": 999_999})),
            vec![("category_id", "not_found")],
        ),
        (
            with(json!({"category_id": request_category.0})),
            vec![("category_id", "kind_mismatch")],
        ),
        (
            with(json!({"asset_id": boreal_asset.0})),
            vec![("asset_id", "not_found")],
        ),
        (
            with(json!({"notify_email": "not an address\r\nBcc: x@y"})),
            vec![("notify_email", "email")],
        ),
        (with(json!({"title": null})), vec![("title", "required")]),
        (
            with(json!({"urgency": null})),
            vec![("urgency", "required")],
        ),
    ];
    for (body, expected) in cases {
        let answer = claire
            .raw_json("POST", "/api/v1/tickets", &body)
            .await
            .expect("answer");
        assert_eq!(answer.status, 422, "{body}");
        assert_eq!(
            answer.header("content-type"),
            Some("application/problem+json")
        );
        let problem: guichet_types::Problem = answer.json().expect("problem");
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.type_, "/problems/validation_failed");
        let named: Vec<(&str, &str)> = problem
            .errors
            .iter()
            .flatten()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(named, expected, "{body}");
    }
    assert_eq!(ticket_count(&app).await, before, "nothing was written");
}

/// A ticket of `kind` in its first category, with `urgency` if any.
async fn ticket_of(client: &Client, kind: TicketKind, urgency: Option<Level>) -> NewTicket {
    NewTicket {
        kind,
        category_id: first_category(client, kind).await,
        urgency,
        title: format!("Un ticket de type {kind}"),
        description: "Le détail.".into(),
        ..Default::default()
    }
}

/// The problem of a refused creation, as (field, code) pairs.
async fn refused(client: &Client, input: &NewTicket) -> Vec<(String, String)> {
    let problem = client
        .create_ticket(input)
        .await
        .expect_err("refused")
        .problem()
        .cloned()
        .expect("a problem");
    assert_eq!(problem.status, 422);
    problem
        .errors
        .into_iter()
        .flatten()
        .map(|e| (e.field, e.code))
        .collect()
}

async fn by_default_every_ticket_takes_the_customers_urgency(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let form = claire.me().await.expect("me").ticket_form;
    assert_eq!(form.urgency_for, UrgencyFor::All);
    let before = ticket_count(&app).await;
    let request = ticket_of(&claire, TicketKind::Request, None).await;
    assert_eq!(
        refused(&claire, &request).await,
        [("urgency".to_owned(), "required".to_owned())]
    );
    assert_eq!(ticket_count(&app).await, before, "nothing was written");
    let request = ticket_of(&claire, TicketKind::Request, Some(Level::VeryHigh)).await;
    let created = claire.create_ticket(&request).await.expect("created");
    assert_eq!((created.urgency, created.priority), (Level::VeryHigh, 4));
}

async fn when_urgency_is_for_incidents_requests_get_medium(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_URGENCY_FOR", "incidents")]).await;
    let claire = app.client_for("claire@acme.test").await;
    let me = claire.me().await.expect("me");
    assert_eq!(me.ticket_form.urgency_for, UrgencyFor::Incidents);

    // A request takes none; one sent anyway (an older client) is not the customer's to set.
    for sent in [None, Some(Level::VeryHigh)] {
        let request = ticket_of(&claire, TicketKind::Request, sent).await;
        let created = claire.create_ticket(&request).await.expect("created");
        assert_eq!((created.urgency, created.priority), (Level::Medium, 3));
        let stored = claire.ticket(&created.number).await.expect("get");
        assert_eq!(stored.urgency, Level::Medium);
    }

    // An incident still needs one.
    let before = ticket_count(&app).await;
    let incident = ticket_of(&claire, TicketKind::Incident, None).await;
    assert_eq!(
        refused(&claire, &incident).await,
        [("urgency".to_owned(), "required".to_owned())]
    );
    assert_eq!(ticket_count(&app).await, before, "nothing was written");
    let incident = ticket_of(&claire, TicketKind::Incident, Some(Level::High)).await;
    let created = claire.create_ticket(&incident).await.expect("created");
    assert_eq!(created.urgency, Level::High);
}

async fn malformed_oversized_and_mistyped_bodies_are_refused(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let before = ticket_count(&app).await;
    let cases: [(&str, Vec<u8>, u16, &str); 5] = [
        (
            "application/json",
            br#"{"title": "#.to_vec(),
            400,
            "malformed_json",
        ),
        (
            "application/json",
            b"[1, 2]".to_vec(),
            422,
            "validation_failed",
        ),
        (
            "application/json",
            format!(r#"{{"title": "{}"}}"#, "a".repeat(300 * 1024)).into_bytes(),
            413,
            "payload_too_large",
        ),
        (
            "application/json",
            format!(r#"{{"title": "{}"}}"#, "a".repeat(3_000_000)).into_bytes(),
            413,
            "payload_too_large",
        ),
        ("text/plain", b"{}".to_vec(), 415, "unsupported_media_type"),
    ];
    for (content_type, body, status, code) in cases {
        let answer = claire
            .raw("POST", "/api/v1/tickets", Some(content_type), Some(body))
            .await
            .expect("answer");
        assert_eq!(answer.status, status, "{code}");
        let problem: guichet_types::Problem = answer.json().expect("problem+json");
        assert_eq!(problem.code, code);
    }
    assert_eq!(ticket_count(&app).await, before);
}

async fn fifty_concurrent_creations_get_fifty_numbers(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let input = app.new_ticket(&claire, "Concurrent").await;
    let creations = (0..50).map(|i| {
        let (client, mut input) = (claire.clone(), input.clone());
        input.title = format!("Concurrent {i}");
        tokio::spawn(async move { client.create_ticket(&input).await })
    });
    let mut numbers = HashSet::new();
    for creation in creations.collect::<Vec<_>>() {
        let ticket = creation.await.expect("task").expect("created");
        numbers.insert(ticket.number.to_string());
    }
    assert_eq!(numbers.len(), 50);
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT number) FROM tickets WHERE title LIKE 'Concurrent %'")
            .await,
        50
    );
}

/// The day's first number writes the day's row (PostgreSQL) or counter (SQLite): numbers
/// taken at once on a day nobody has numbered yet are unique, and the day starts at 1.
async fn the_first_numbers_of_a_new_day_taken_at_once_are_unique(backend: Backend) {
    let app = spawn(backend).await;
    let db = guichet_api::db::connect(&app.database_url)
        .await
        .expect("connect");
    let writes = Arc::new(WriteGate::for_backend(db.get_database_backend()));
    let day = Utc
        .with_ymd_and_hms(2031, 5, 6, 12, 0, 0)
        .single()
        .expect("a date");
    let takers = (0..20).map(|_| {
        let (db, writes) = (db.clone(), writes.clone());
        tokio::spawn(async move {
            let (txn, _turn) = writes.begin(&db).await.expect("begin");
            let number = number::allocate(&txn, chrono_tz::UTC, day)
                .await
                .expect("a number");
            txn.commit().await.expect("commit");
            number.to_string()
        })
    });
    let mut numbers = HashSet::new();
    for taker in takers.collect::<Vec<_>>() {
        numbers.insert(taker.await.expect("task"));
    }
    assert_eq!(numbers.len(), 20, "{numbers:?}");
    assert!(numbers.contains("T20310506.0001"), "{numbers:?}");
}

async fn customers_see_only_their_tickets_and_referents_their_company(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, remi, paul) = (
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for("paul@boreal.test").await,
    );
    let ticket = app.create(&claire, "Confidentiel Acme").await;

    let hidden = paul.ticket(&ticket.number).await.expect_err("hidden");
    assert_eq!(hidden.status(), Some(404));
    let absent = paul
        .raw("GET", "/api/v1/tickets/T20000101.0001", None, None)
        .await
        .expect("answer");
    assert_eq!(absent.status, 404);
    assert_eq!(
        absent.body,
        paul.raw(
            "GET",
            &format!("/api/v1/tickets/{}", ticket.number),
            None,
            None
        )
        .await
        .expect("answer")
        .body,
        "hidden and absent answer alike"
    );
    assert_eq!(
        paul.timeline(&ticket.number)
            .await
            .expect_err("hidden")
            .status(),
        Some(404)
    );
    assert!(!list(&paul, mine(100))
        .await
        .contains(&ticket.number.to_string()));
    let searched = TicketListQuery {
        q: Some("confidentiel".into()),
        ..Default::default()
    };
    assert!(list(&paul, searched.clone()).await.is_empty());

    // The referent sees the company's tickets, but "mine" stays his own.
    assert_eq!(
        remi.ticket(&ticket.number)
            .await
            .expect("referent reads")
            .number,
        ticket.number
    );
    let company = TicketListQuery {
        scope: Some(Scope::Company),
        limit: Some(100),
        ..Default::default()
    };
    let company_list = list(&remi, company.clone()).await;
    assert!(company_list.contains(&ticket.number.to_string()));
    assert!(!list(&remi, mine(100))
        .await
        .contains(&ticket.number.to_string()));
    let company_search = TicketListQuery {
        scope: Some(Scope::Company),
        ..searched
    };
    assert_eq!(
        list(&remi, company_search).await,
        vec![ticket.number.to_string()]
    );

    // Other scopes are closed to customers.
    for client in [&claire, &paul] {
        assert_eq!(
            client
                .list_tickets(&company)
                .await
                .expect_err("no company scope")
                .status(),
            Some(403)
        );
        let all = TicketListQuery {
            scope: Some(Scope::All),
            ..Default::default()
        };
        assert_eq!(
            client
                .list_tickets(&all)
                .await
                .expect_err("no all scope")
                .status(),
            Some(403)
        );
    }
    let paul_company = TicketListQuery {
        company_id: Some(ticket.company.id),
        ..Default::default()
    };
    let refused = paul
        .list_tickets(&paul_company)
        .await
        .expect_err("agent-only filter");
    assert_eq!(
        refused
            .problem()
            .and_then(|p| p.field_error("company_id"))
            .map(|e| e.code.as_str()),
        Some("not_allowed")
    );
}

async fn agents_see_everything_and_open_tickets_for_customers(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let ticket = app.create(&claire, "Imprimante en panne").await;
    assert_eq!(
        agent
            .ticket(&ticket.number)
            .await
            .expect("agent reads")
            .number,
        ticket.number
    );
    let all = list(
        &agent,
        TicketListQuery {
            limit: Some(100),
            ..Default::default()
        },
    )
    .await;
    assert!(all.contains(&ticket.number.to_string()));
    assert!(all.len() >= 9, "the demo tickets of both companies too");

    // On a customer's behalf (phone call): requester_id names the customer.
    let mut input = app
        .new_ticket(&agent, "Appel téléphonique : poste bloqué")
        .await;
    let missing = agent
        .create_ticket(&input)
        .await
        .expect_err("requester needed");
    assert_eq!(
        missing
            .problem()
            .and_then(|p| p.field_error("requester_id"))
            .map(|e| e.code.as_str()),
        Some("required")
    );
    input.requester_id = Some(ticket.requester.id);
    let created = agent
        .create_ticket(&input)
        .await
        .expect("created for Claire");
    assert_eq!(created.requester.email, "claire@acme.test");
    assert_eq!(created.company.name, "Acme Industrie");
    assert!(list(&claire, mine(100))
        .await
        .contains(&created.number.to_string()));
    // The agent: not a customer.
    input.requester_id = Some(agent.me().await.expect("me").id);
    assert_eq!(
        agent
            .create_ticket(&input)
            .await
            .expect_err("not a customer")
            .status(),
        Some(422)
    );
}

async fn agent_filters_narrow_the_list(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let acme = app.create(&claire, "Filtre Acme").await;
    let mut input = app.new_ticket(&paul, "Filter Boreal").await;
    input.urgency = Some(Level::VeryLow);
    let boreal = paul.create_ticket(&input).await.expect("created");

    let query = |q: TicketListQuery| TicketListQuery {
        limit: Some(100),
        ..q
    };
    let by_company = list(
        &agent,
        query(TicketListQuery {
            company_id: Some(boreal.company.id),
            ..Default::default()
        }),
    )
    .await;
    assert!(
        by_company.contains(&boreal.number.to_string())
            && !by_company.contains(&acme.number.to_string())
    );
    let by_urgency = list(
        &agent,
        query(TicketListQuery {
            urgency: Some(Level::VeryLow),
            ..Default::default()
        }),
    )
    .await;
    assert!(
        by_urgency.contains(&boreal.number.to_string())
            && !by_urgency.contains(&acme.number.to_string())
    );
    let by_priority = list(
        &agent,
        query(TicketListQuery {
            priority: Some(acme.priority),
            ..Default::default()
        }),
    )
    .await;
    assert!(
        by_priority.contains(&acme.number.to_string())
            && !by_priority.contains(&boreal.number.to_string())
    );
    let closed = list(
        &agent,
        query(TicketListQuery {
            status: vec![TicketStatus::Closed],
            ..Default::default()
        }),
    )
    .await;
    assert_eq!(closed.len(), 2, "the two closed demo tickets");
    let open = list(
        &agent,
        query(TicketListQuery {
            status: vec![TicketStatus::New, TicketStatus::InProgress],
            ..Default::default()
        }),
    )
    .await;
    assert!(open.contains(&acme.number.to_string()) && !open.iter().any(|n| closed.contains(n)));
    let requests = agent
        .list_tickets(&query(TicketListQuery {
            kind: Some(TicketKind::Request),
            ..Default::default()
        }))
        .await
        .expect("list");
    assert!(
        !requests.items.is_empty() && requests.items.iter().all(|t| t.kind == TicketKind::Request)
    );
    let assigned = list(
        &agent,
        query(TicketListQuery {
            scope: Some(Scope::Mine),
            ..Default::default()
        }),
    )
    .await;
    assert!(
        !assigned.is_empty() && !assigned.contains(&acme.number.to_string()),
        "agents' own list is what is assigned to them"
    );

    let answer = agent
        .raw(
            "GET",
            "/api/v1/tickets?status=open,new&priority=9&scope=everything&limit=0&colour=red",
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("problem");
    let fields = problem.fields();
    assert_eq!(
        fields,
        vec!["colour", "limit", "priority", "scope", "status"]
    );

    // One rule for every list's limit: 1 to 100, anything else named in a 422, never cut.
    for (limit, status) in [
        ("9223372036854775808", 422),
        ("9223372036854775807", 422),
        ("101", 422),
        ("100", 200),
        ("1", 200),
    ] {
        let answer = agent
            .raw("GET", &format!("/api/v1/tickets?limit={limit}"), None, None)
            .await
            .expect("answer");
        assert_eq!(answer.status, status, "limit={limit}");
    }
}

async fn full_text_search_ignores_case_and_accents_and_matches_word_starts(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let target = app
        .create(&claire, "Un de nos ordinateurs ne démarre plus")
        .await;
    let mut other = app.new_ticket(&claire, "Imprimante bloquée").await;
    other.description = "L'écran de l'imprimante affiche « Erreur 52 »".into();
    let other = claire.create_ticket(&other).await.expect("created");

    let search = |q: &str| TicketListQuery {
        q: Some(q.into()),
        limit: Some(100),
        ..Default::default()
    };
    for q in [
        "ordinateurs",
        "ORDINATEUR DEMARRE",
        "ordi dém",
        "Démarre",
        "nos ordinateurs ne",
    ] {
        assert_eq!(
            list(&claire, search(q)).await,
            vec![target.number.to_string()],
            "{q}"
        );
    }
    for q in ["ecran erreur 52", "BLOQU", "affiche"] {
        assert_eq!(
            list(&claire, search(q)).await,
            vec![other.number.to_string()],
            "{q}"
        );
    }
    // Every word must match, and only at the start of a word.
    for q in ["ordinateur imprimante", "dinateur", "xyzzy"] {
        assert!(list(&claire, search(q)).await.is_empty(), "{q}");
    }
    // Punctuation alone is no query: everything is listed.
    assert!(list(&claire, search("!!")).await.len() >= 2);
}

async fn a_ticket_number_in_the_search_finds_that_ticket(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let target = app.create(&claire, "Imprimante du deuxième étage").await;
    app.create(&claire, "Une autre demande").await;
    let number = target.number.to_string();
    let search = |q: String, status: Vec<TicketStatus>| TicketListQuery {
        q: Some(q),
        status,
        limit: Some(100),
        ..Default::default()
    };
    let digits = number.trim_start_matches('T').to_owned();
    for q in [
        number.clone(),
        number.to_lowercase(),
        digits.clone(),
        format!("  {number} "),
    ] {
        assert_eq!(
            list(&claire, search(q.clone(), vec![])).await,
            vec![number.clone()],
            "{q}"
        );
        assert_eq!(
            list(&agent, search(q.clone(), vec![])).await,
            vec![number.clone()],
            "agent, {q}"
        );
    }
    // The other filters still apply, and a ticket the caller may not see stays hidden.
    assert!(
        list(&claire, search(number.clone(), vec![TicketStatus::Closed]))
            .await
            .is_empty()
    );
    assert_eq!(
        list(&claire, search(digits, vec![TicketStatus::New])).await,
        vec![number.clone()]
    );
    assert!(list(&paul, search(number.clone(), vec![])).await.is_empty());
    // A number that does not exist finds nothing.
    assert!(list(&claire, search("T20000101.0001".into(), vec![]))
        .await
        .is_empty());
}

async fn the_list_narrows_to_one_requester_within_its_scope(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, remi, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let (claire_id, remi_id, paul_id) = (
        claire.me().await.expect("me").id,
        remi.me().await.expect("me").id,
        paul.me().await.expect("me").id,
    );
    let by_claire = app.create(&claire, "Demande de Claire").await;
    let by_remi = app.create(&remi, "Demande de Rémi").await;
    let by_paul = app.create(&paul, "Demande de Paul").await;
    let query = |scope: Scope, requester| TicketListQuery {
        scope: Some(scope),
        requester_id: Some(requester),
        limit: Some(100),
        ..Default::default()
    };

    // Rémi's company view of Claire's tickets: hers only, the demo's ones included.
    let claires = remi
        .list_tickets(&query(Scope::Company, claire_id))
        .await
        .expect("list")
        .items;
    assert!(claires.iter().any(|t| t.number == by_claire.number));
    assert!(claires.iter().all(|t| t.requester.id == claire_id));
    let everyone = list(
        &remi,
        TicketListQuery {
            scope: Some(Scope::Company),
            limit: Some(100),
            ..Default::default()
        },
    )
    .await;
    assert!(claires.len() < everyone.len());
    assert!(everyone.contains(&by_remi.number.to_string()));
    // Another company's requester: nothing, as if they had no tickets.
    assert!(list(&remi, query(Scope::Company, paul_id)).await.is_empty());
    // Mine narrows too: Claire's own tickets are not Rémi's.
    assert!(list(&claire, query(Scope::Mine, remi_id)).await.is_empty());
    assert!(list(&claire, query(Scope::Mine, claire_id))
        .await
        .contains(&by_claire.number.to_string()));
    // Agents over every company.
    let pauls = list(&agent, query(Scope::All, paul_id)).await;
    assert!(pauls.contains(&by_paul.number.to_string()));
    assert!(!pauls.contains(&by_claire.number.to_string()));

    let bad = remi
        .raw(
            "GET",
            "/api/v1/tickets?scope=company&requester_id=claire",
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let problem: guichet_types::Problem = bad.json().expect("problem");
    assert_eq!(
        problem.field_error("requester_id").map(|e| e.code.as_str()),
        Some("invalid_type")
    );
}

async fn a_search_finds_and_pages_to_matches_beyond_its_first_walk(backend: Backend) {
    // A search first reads a few recent tickets one by one (PostgreSQL), then searches them
    // all when they do not fill the page: with 3 of them, pages take either way.
    let app = spawn_with(backend, &[("GUICHET_SEARCH_WALK", "3")]).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    // The oldest match, far behind newer tickets that do not match, then matches mixed
    // with tickets that match one word of two.
    let mut matching = vec![app.create(&claire, "Serveur de fichiers lent").await.number];
    for i in 0..20 {
        app.create(&claire, &format!("Autre demande {i}")).await;
    }
    for i in 0..9 {
        matching.push(
            app.create(&claire, &format!("Serveur mail {i} lent"))
                .await
                .number,
        );
        app.create(&claire, &format!("Poste {i} lent")).await;
    }
    // Tickets that share their update time: the windows are cut on it.
    app.count(
        "UPDATE tickets SET updated_at = (SELECT updated_at FROM tickets \
         WHERE title = 'Serveur mail 4 lent') \
         WHERE title IN ('Serveur mail 2 lent', 'Poste 3 lent', 'Serveur mail 5 lent') \
         RETURNING CAST(0 AS BIGINT)",
    )
    .await;
    let matching: HashSet<String> = matching.iter().map(|n| n.to_string()).collect();
    for sort in [TicketSort::UpdatedDesc, TicketSort::CreatedAsc] {
        let all = list(
            &agent,
            TicketListQuery {
                sort: Some(sort),
                limit: Some(100),
                ..Default::default()
            },
        )
        .await;
        let expected: Vec<String> = all.into_iter().filter(|n| matching.contains(n)).collect();
        assert_eq!(expected.len(), 10, "{sort}");
        let search = |limit: u64, cursor: Option<String>| TicketListQuery {
            q: Some("SERVEUR lent".into()),
            sort: Some(sort),
            limit: Some(limit),
            cursor,
            ..Default::default()
        };
        assert_eq!(list(&agent, search(100, None)).await, expected, "{sort}");
        for limit in [1, 3, 4] {
            let mut seen = Vec::new();
            let mut cursor = None;
            loop {
                let page = agent
                    .list_tickets(&search(limit, cursor.clone()))
                    .await
                    .expect("page");
                assert!(page.items.len() as u64 <= limit);
                seen.extend(page.items.into_iter().map(|t| t.number.to_string()));
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            assert_eq!(seen, expected, "{sort}, pages of {limit}");
        }
    }
}

async fn pages_follow_each_other_without_duplicates_or_gaps(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    for i in 0..23 {
        app.create(&claire, &format!("Page test {i}")).await;
    }
    for sort in [TicketSort::UpdatedDesc, TicketSort::CreatedAsc] {
        let whole = list(
            &claire,
            TicketListQuery {
                sort: Some(sort),
                limit: Some(100),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(whole.len(), 28, "23 new and 5 demo tickets");
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let query = TicketListQuery {
                sort: Some(sort),
                limit: Some(6),
                cursor: cursor.clone(),
                ..Default::default()
            };
            let page = claire.list_tickets(&query).await.expect("page");
            assert!(page.items.len() <= 6);
            seen.extend(page.items.into_iter().map(|t| t.number.to_string()));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, whole, "{sort}");
    }
    let bad = claire
        .raw("GET", "/api/v1/tickets?cursor=bm9wZQ", None, None)
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let largest = claire
        .list_tickets(&TicketListQuery {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .expect("the largest page");
    assert_eq!(largest.items.len(), 28);
    let too_large = claire
        .list_tickets(&TicketListQuery {
            limit: Some(1000),
            ..Default::default()
        })
        .await
        .map_err(|e| e.status())
        .err();
    assert_eq!(
        too_large,
        Some(Some(422)),
        "a limit past 100 is refused, not cut"
    );
}
