//! The ticket's life: follow-ups and internal notes, the lifecycle for each role, agent
//! changes with ETags, the solution, sharing, satisfaction, auto-close and idempotent retries.
use std::time::Duration;

use guichet_client::{Client, ClientError};
use guichet_types::{
    CategoryId, Level, NewFollowup, Scope, ShareOutcome, TicketEvent, TicketListQuery,
    TicketNumber, TicketStatus, TicketUpdate,
};
use serde_json::json;

use crate::helpers::{address, spawn, spawn_with, Backend, TestApp, PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    a_ticket_lives_from_opening_to_rating,
    internal_notes_never_reach_customers,
    each_role_makes_only_its_moves,
    agent_changes_need_the_current_etag,
    concurrent_changes_with_one_etag_have_one_winner,
    sharing_shows_the_ticket_to_colleagues_only,
    sharing_another_companys_ticket_or_a_bad_address_writes_nothing,
    resolved_tickets_close_by_themselves,
    retried_requests_with_a_key_happen_once,
    a_key_left_by_a_killed_instance_is_done_once,
    a_customers_answer_is_the_actor_of_the_move_it_causes,
    a_withdrawn_ticket_can_be_rated_and_its_requester_is_invited,
    the_demos_resolved_tickets_carry_their_solution,
);

const AGENT: &str = "agent@guichet.test";

fn status_of(error: &ClientError) -> (u16, String) {
    let problem = error
        .problem()
        .unwrap_or_else(|| panic!("a problem answer, got {error}"));
    (problem.status, problem.code.clone())
}

fn followup(body: &str) -> NewFollowup {
    NewFollowup {
        body: body.to_owned(),
        internal: None,
    }
}

async fn events(client: &Client, number: &TicketNumber) -> Vec<String> {
    client
        .timeline(number)
        .await
        .expect("timeline")
        .into_iter()
        .map(|e| e.event.name().to_owned())
        .collect()
}

async fn a_ticket_lives_from_opening_to_rating(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let number = app.create(&claire, "Écran noir à l'accueil").await.number;

    agent
        .add_followup(&number, &followup("Le poste est-il branché sur secteur ?"))
        .await
        .expect("question");
    assert_eq!(
        claire.ticket(&number).await.expect("get").status,
        TicketStatus::InProgress,
        "an agent's answer starts the work"
    );
    let (_, etag) = agent.ticket_with_etag(&number).await.expect("etag");
    let (ticket, _) = agent
        .update_ticket(
            &number,
            &TicketUpdate {
                status: Some(TicketStatus::Waiting),
                ..Default::default()
            },
            &etag,
        )
        .await
        .expect("waiting");
    assert_eq!(ticket.status, TicketStatus::Waiting);

    claire
        .add_followup(&number, &followup("Oui, et il ne démarre toujours pas."))
        .await
        .expect("answer");
    assert_eq!(
        claire.ticket(&number).await.expect("get").status,
        TicketStatus::InProgress,
        "the customer's answer resumes the work"
    );

    let resolved = agent
        .propose_solution(&number, "Remplacez le câble d'alimentation.")
        .await
        .expect("solution");
    assert_eq!(resolved.status, TicketStatus::Resolved);
    assert!(resolved.resolved_at.is_some());
    let rejected = claire
        .reject_solution(&number, "Le câble est neuf, rien ne change.")
        .await
        .expect("rejected");
    assert_eq!(rejected.status, TicketStatus::InProgress);
    assert!(rejected.resolved_at.is_none());

    agent
        .propose_solution(&number, "L'alimentation du poste est remplacée.")
        .await
        .expect("second solution");
    let closed = claire
        .approve_solution(&number, Some("Merci, tout fonctionne."))
        .await
        .expect("approved");
    assert_eq!(closed.status, TicketStatus::Closed);
    assert!(closed.closed_at.is_some());

    let again = claire
        .approve_solution(&number, None)
        .await
        .expect_err("once");
    assert_eq!(
        again.problem().and_then(|p| p.current_status),
        Some(TicketStatus::Closed)
    );
    assert_eq!(status_of(&again), (409, "invalid_transition".to_owned()));
    let late = claire
        .add_followup(&number, &followup("Encore une chose"))
        .await
        .expect_err("closed");
    assert_eq!(status_of(&late).0, 409);

    let rated = claire
        .rate(&number, 5, Some("Rapide et efficace"))
        .await
        .expect("rated");
    assert_eq!(
        rated.satisfaction.map(|s| (s.rating, s.comment)),
        Some((5, Some("Rapide et efficace".to_owned())))
    );
    assert_eq!(
        status_of(&claire.rate(&number, 1, None).await.expect_err("once")),
        (409, "already_rated".to_owned())
    );

    assert_eq!(
        events(&claire, &number).await,
        [
            "created",
            "followup",
            "status_changed",
            "status_changed",
            "followup",
            "status_changed",
            "solution_proposed",
            "solution_rejected",
            "solution_proposed",
            "solution_approved",
            "rated",
        ]
    );
    let timeline = claire.timeline(&number).await.expect("timeline");
    let (rejection, reason) = timeline
        .iter()
        .find_map(|e| match &e.event {
            TicketEvent::SolutionRejected { reason, .. } => Some((e, reason)),
            _ => None,
        })
        .expect("rejection");
    assert_eq!(reason, "Le câble est neuf, rien ne change.");
    assert_eq!(
        rejection.actor.as_ref().map(|a| a.name.as_str()),
        Some("Claire Martin")
    );
}

async fn internal_notes_never_reach_customers(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, remi, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for(AGENT).await,
    );
    let number = app.create(&claire, "Note interne").await.number;
    let note = NewFollowup {
        body: "Client difficile, voir avec le commercial".into(),
        internal: Some(true),
    };
    let entry = agent.add_followup(&number, &note).await.expect("note");
    assert!(matches!(entry.event, TicketEvent::InternalNote { .. }));
    assert_eq!(
        claire.ticket(&number).await.expect("get").status,
        TicketStatus::New,
        "a note changes nothing"
    );

    assert!(events(&agent, &number)
        .await
        .contains(&"internal_note".to_owned()));
    for customer in [&claire, &remi] {
        let raw = customer
            .raw(
                "GET",
                &format!("/api/v1/tickets/{number}/timeline"),
                None,
                None,
            )
            .await
            .expect("answer");
        assert!(!String::from_utf8_lossy(&raw.body).contains("commercial"));
        assert!(!events(customer, &number)
            .await
            .contains(&"internal_note".to_owned()));
        let ticket = customer
            .raw("GET", &format!("/api/v1/tickets/{number}"), None, None)
            .await
            .expect("answer");
        assert!(!String::from_utf8_lossy(&ticket.body).contains("commercial"));
    }
    let refused = claire
        .add_followup(
            &number,
            &NewFollowup {
                body: "secret".into(),
                internal: Some(true),
            },
        )
        .await
        .expect_err("agents only");
    assert_eq!(
        refused
            .problem()
            .and_then(|p| p.field_error("internal"))
            .map(|e| e.code.as_str()),
        Some("not_allowed")
    );
}

async fn each_role_makes_only_its_moves(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, remi, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for(AGENT).await,
    );
    let number = app.create(&claire, "Rôles").await.number;
    let (_, etag) = claire.ticket_with_etag(&number).await.expect("etag");
    let update = TicketUpdate {
        impact: Some(Level::High),
        ..Default::default()
    };
    // The agents' members of PATCH are named as not the customer's.
    let agents_only = claire
        .update_ticket(&number, &update, &etag)
        .await
        .expect_err("agents only");
    assert_eq!(status_of(&agents_only).0, 422);
    assert_eq!(
        agents_only
            .problem()
            .and_then(|p| p.field_error("impact"))
            .map(|e| e.code.as_str()),
        Some("not_allowed")
    );
    assert_eq!(
        status_of(
            &claire
                .propose_solution(&number, "moi-même")
                .await
                .expect_err("agents only")
        )
        .0,
        403
    );
    assert_eq!(
        status_of(
            &claire
                .reopen(&number, "pourquoi pas")
                .await
                .expect_err("agents only")
        )
        .0,
        403
    );
    assert_eq!(
        status_of(
            &paul
                .withdraw(&number, "pas à moi")
                .await
                .expect_err("hidden")
        )
        .0,
        404
    );
    assert_eq!(
        status_of(
            &claire
                .approve_solution(&number, None)
                .await
                .expect_err("not resolved")
        )
        .0,
        409
    );

    agent
        .propose_solution(&number, "Voici la solution")
        .await
        .expect("solution");
    assert_eq!(
        status_of(
            &agent
                .approve_solution(&number, None)
                .await
                .expect_err("customers approve")
        )
        .0,
        403
    );
    assert_eq!(
        status_of(
            &claire
                .withdraw(&number, "trop tard")
                .await
                .expect_err("resolved: approve or reject")
        )
        .0,
        409
    );
    // A referent answers for the company.
    assert_eq!(
        remi.reject_solution(&number, "Pas convaincu")
            .await
            .expect("referent rejects")
            .status,
        TicketStatus::InProgress
    );
    assert_eq!(
        status_of(
            &remi
                .withdraw(&number, "pas le mien")
                .await
                .expect_err("requester only")
        )
        .0,
        403
    );
    let blank = claire
        .raw_json(
            "POST",
            &format!("/api/v1/tickets/{number}/withdraw"),
            &json!({"reason": "  "}),
        )
        .await
        .expect("answer");
    assert_eq!(blank.status, 422);

    let withdrawn = claire
        .withdraw(&number, "Réglé de notre côté")
        .await
        .expect("withdrawn");
    assert_eq!(withdrawn.status, TicketStatus::Closed);
    assert_eq!(
        status_of(
            &agent
                .propose_solution(&number, "trop tard")
                .await
                .expect_err("closed")
        )
        .0,
        409
    );
    let reopened = agent
        .reopen(&number, "Le client rappelle")
        .await
        .expect("reopened");
    assert_eq!(
        (reopened.status, reopened.closed_at),
        (TicketStatus::InProgress, None)
    );
    assert_eq!(
        status_of(
            &agent
                .reopen(&number, "encore")
                .await
                .expect_err("not closed")
        )
        .0,
        409
    );
    assert!(events(&claire, &number)
        .await
        .ends_with(&["withdrawn".to_owned(), "reopened".to_owned()]));
}

async fn agent_changes_need_the_current_etag(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let created = app.create(&claire, "Impact").await;
    let number = created.number.clone();
    let (_, etag) = agent.ticket_with_etag(&number).await.expect("etag");
    let path = format!("/api/v1/tickets/{number}");

    let without = agent
        .raw_json("PATCH", &path, &json!({"impact": "high"}))
        .await
        .expect("answer");
    assert_eq!(without.status, 428);
    let me = agent.me().await.expect("me");
    let (changed, new_etag) = agent
        .update_ticket(
            &number,
            &TicketUpdate {
                assignee_id: Some(Some(me.id)),
                impact: Some(Level::VeryHigh),
                ..Default::default()
            },
            &etag,
        )
        .await
        .expect("changed");
    assert_eq!(
        (changed.impact, changed.priority),
        (Level::VeryHigh, 5),
        "urgency high + impact very high"
    );
    assert_eq!(
        changed.status,
        TicketStatus::InProgress,
        "assignment starts the work"
    );
    assert_eq!(changed.assignee.map(|a| a.id), Some(me.id.0));
    assert_ne!(new_etag, etag);

    let stale = agent
        .update_ticket(
            &number,
            &TicketUpdate {
                impact: Some(Level::Low),
                ..Default::default()
            },
            &etag,
        )
        .await
        .expect_err("stale");
    assert_eq!(status_of(&stale), (412, "precondition_failed".to_owned()));
    assert_eq!(
        agent.ticket(&number).await.expect("get").impact,
        Level::VeryHigh,
        "nothing changed"
    );

    // A customer cannot be the assignee.
    let customer = claire.me().await.expect("me").id;
    let bad = agent
        .update_ticket(
            &number,
            &TicketUpdate {
                status: Some(TicketStatus::Resolved),
                assignee_id: Some(Some(customer)),
                ..Default::default()
            },
            &new_etag,
        )
        .await
        .expect_err("invalid");
    let fields: Vec<String> = bad
        .problem()
        .and_then(|p| p.errors.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["assignee_id", "status"]);

    let request_category =
        crate::helpers::first_category(&agent, guichet_types::TicketKind::Request).await;
    let mismatch = agent
        .update_ticket(
            &number,
            &TicketUpdate {
                category_id: Some(request_category),
                ..Default::default()
            },
            &new_etag,
        )
        .await
        .expect_err("kind mismatch");
    assert_eq!(
        mismatch
            .problem()
            .and_then(|p| p.field_error("category_id"))
            .map(|e| e.code.as_str()),
        Some("kind_mismatch")
    );
    let timeline = events(&agent, &number).await;
    assert_eq!(
        timeline,
        ["created", "assigned", "impact_changed", "status_changed"]
    );
}

async fn concurrent_changes_with_one_etag_have_one_winner(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let number = app.create(&claire, "Concurrence").await.number;
    let (_, etag) = agent.ticket_with_etag(&number).await.expect("etag");
    let levels = [
        Level::VeryLow,
        Level::Low,
        Level::High,
        Level::VeryHigh,
        Level::VeryLow,
        Level::High,
    ];
    let attempts: Vec<_> = levels
        .into_iter()
        .map(|impact| {
            let (agent, number, etag) = (agent.clone(), number.clone(), etag.clone());
            tokio::spawn(async move {
                agent
                    .update_ticket(
                        &number,
                        &TicketUpdate {
                            impact: Some(impact),
                            ..Default::default()
                        },
                        &etag,
                    )
                    .await
            })
        })
        .collect();
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(_) => won += 1,
            Err(error) => assert_eq!(status_of(&error).0, 412),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(
        events(&agent, &number)
            .await
            .iter()
            .filter(|e| *e == "impact_changed")
            .count(),
        1
    );
}

async fn sharing_shows_the_ticket_to_colleagues_only(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let nina_tokens = app.login("nouveau@acme.test").await;
    let nina = app.anonymous.with_access_token(nina_tokens.access_token);
    nina.change_password(PASSWORD, "Nina-Nouveau-2026!")
        .await
        .expect("password changed");
    let paul = app.client_for("paul@boreal.test").await;
    let number = app.create(&claire, "À partager").await.number;

    assert_eq!(
        nina.ticket(&number).await.expect_err("not yet").status(),
        Some(404)
    );
    // The sharer learns which of the two it is, and nothing more: another company's account
    // and an unknown address (of the same length, so that even the sizes match) read alike.
    let mut answers = Vec::new();
    for email in ["nouveau@acme.test", "paul@boreal.test", "anne@boreal.test"] {
        let answer = claire
            .raw_json(
                "POST",
                &format!("/api/v1/tickets/{number}/watchers"),
                &json!({"email": email}),
            )
            .await
            .expect("answer");
        assert_eq!(answer.status, 200, "{email}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        let body = String::from_utf8(answer.body).expect("text");
        answers.push(body.replace(email, "ADDRESS"));
    }
    let colleague: serde_json::Value = serde_json::from_str(&answers[0]).expect("json");
    assert_eq!(colleague, json!({"email": "ADDRESS", "sees_ticket": true}));
    let elsewhere: serde_json::Value = serde_json::from_str(&answers[1]).expect("json");
    assert_eq!(elsewhere, json!({"email": "ADDRESS", "sees_ticket": false}));
    assert_eq!(
        answers[1], answers[2],
        "another company's account and an unknown address get the same answer"
    );
    // Sharing again gives the first answer, the address as stored (in lower case).
    for (given, stored, sees_ticket) in [
        ("NOUVEAU@acme.test", "nouveau@acme.test", true),
        ("Paul@Boreal.test", "paul@boreal.test", false),
    ] {
        let again = claire
            .raw_json(
                "POST",
                &format!("/api/v1/tickets/{number}/watchers"),
                &json!({"email": given}),
            )
            .await
            .expect("answer");
        assert_eq!(again.status, 200, "twice is once: {given}");
        assert_eq!(
            again.json::<ShareOutcome>().expect("an outcome"),
            ShareOutcome {
                email: stored.to_owned(),
                sees_ticket
            }
        );
    }
    let ticket = claire.ticket(&number).await.expect("get");
    assert_eq!(
        ticket.watchers,
        ["nouveau@acme.test", "paul@boreal.test", "anne@boreal.test"]
    );

    // A colleague sees it in her list and on its page, and may answer on it.
    assert_eq!(nina.ticket(&number).await.expect("shared").number, number);
    let mine = TicketListQuery {
        scope: Some(Scope::Mine),
        ..Default::default()
    };
    assert!(nina
        .list_tickets(&mine)
        .await
        .expect("list")
        .items
        .iter()
        .any(|t| t.number == number));
    nina.add_followup(&number, &followup("Je suis aussi concernée"))
        .await
        .expect("watcher writes");
    // Another company's address only gets notifications.
    assert_eq!(
        paul.ticket(&number)
            .await
            .expect_err("other company")
            .status(),
        Some(404)
    );

    let bad = claire
        .raw_json(
            "POST",
            &format!("/api/v1/tickets/{number}/watchers"),
            &json!({"email": "x@acme.test\r\nBcc: y@z.test"}),
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    claire
        .unshare(&number, "nouveau@acme.test")
        .await
        .expect("unshared");
    assert_eq!(
        nina.ticket(&number).await.expect_err("no longer").status(),
        Some(404)
    );
    let timeline = events(&claire, &number).await;
    assert_eq!(timeline.iter().filter(|e| *e == "shared").count(), 3);
    assert!(timeline.ends_with(&["unshared".to_owned()]));
}

async fn sharing_another_companys_ticket_or_a_bad_address_writes_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let number = app.create(&claire, "Chez Acme").await.number;
    let shares = "SELECT COUNT(*) FROM ticket_watchers";
    let shared = "SELECT COUNT(*) FROM ticket_events WHERE event = 'shared'";
    let mails = "SELECT COUNT(*) FROM outbox_messages";
    let before = (
        app.count(shares).await,
        app.count(shared).await,
        app.count(mails).await,
    );

    let refused = paul
        .share(&number, &address("paul@boreal.test"))
        .await
        .expect_err("another company's ticket");
    assert_eq!(status_of(&refused).0, 404);
    let bad = claire
        .raw_json(
            "POST",
            &format!("/api/v1/tickets/{number}/watchers"),
            &json!({"email": "pas une adresse"}),
        )
        .await
        .expect("answer");
    let problem: guichet_types::Problem = bad.json().expect("problem");
    assert_eq!(problem.status, 422);
    assert_eq!(
        problem
            .errors
            .iter()
            .flatten()
            .map(|e| (e.field.as_str(), e.code.as_str(), e.message.as_str()))
            .collect::<Vec<_>>(),
        [("email", "email", "not a valid email address")]
    );
    let after = (
        app.count(shares).await,
        app.count(shared).await,
        app.count(mails).await,
    );
    assert_eq!(after, before);
}

async fn wait_for_status(client: &Client, number: &TicketNumber, status: TicketStatus) {
    for _ in 0..100 {
        if client.ticket(number).await.expect("get").status == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{number} never became {status}");
}

async fn resolved_tickets_close_by_themselves(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_AUTO_CLOSE_AFTER", "1s")]).await;
    // A second instance on the same database runs the same job.
    let other = app
        .another_instance(&[("GUICHET_AUTO_CLOSE_AFTER", "1s")])
        .await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let numbers = [
        app.create(&claire, "Auto 1").await.number,
        app.create(&claire, "Auto 2").await.number,
    ];
    for number in &numbers {
        agent
            .propose_solution(number, "Réglé")
            .await
            .expect("resolved");
    }
    let open = app.create(&claire, "Toujours ouvert").await.number;
    for number in &numbers {
        wait_for_status(&claire, number, TicketStatus::Closed).await;
        let timeline = claire.timeline(number).await.expect("timeline");
        let closings: Vec<_> = timeline
            .iter()
            .filter(|e| matches!(e.event, TicketEvent::AutoClosed { .. }))
            .collect();
        assert_eq!(closings.len(), 1, "closed once by one of the two instances");
        assert!(closings[0].actor.is_none());
    }
    assert_eq!(
        claire.ticket(&open).await.expect("get").status,
        TicketStatus::New
    );
    // The demo's resolved ticket was due as well.
    let resolved = TicketListQuery {
        status: vec![TicketStatus::Resolved],
        ..Default::default()
    };
    let other_agent = other.with_access_token(
        other
            .login(AGENT, PASSWORD)
            .await
            .expect("login")
            .access_token,
    );
    assert!(other_agent
        .list_tickets(&resolved)
        .await
        .expect("list")
        .items
        .is_empty());
}

async fn retried_requests_with_a_key_happen_once(backend: Backend) {
    let app: TestApp = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let input = app.new_ticket(&claire, "Idempotent").await;
    let keyed = claire.with_idempotency_key("create-42");
    let first = keyed.create_ticket(&input).await.expect("first");
    let retry = keyed.create_ticket(&input).await.expect("retry");
    assert_eq!(first, retry);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE title = 'Idempotent'")
            .await,
        1
    );
    let mut other = input.clone();
    other.title = "Another body".into();
    let reused = keyed.create_ticket(&other).await.expect_err("key reused");
    assert_eq!(status_of(&reused).0, 422);
    assert_eq!(
        reused
            .problem()
            .and_then(|p| p.field_error("Idempotency-Key"))
            .map(|e| e.code.as_str()),
        Some("reused")
    );
    // Keys are per caller: another user's same key is another request.
    let remi = app
        .client_for("remi@acme.test")
        .await
        .with_idempotency_key("create-42");
    assert_ne!(
        remi.create_ticket(&input).await.expect("remi's own").number,
        first.number
    );

    let note = followup("Une seule fois");
    let keyed = claire.with_idempotency_key("followup-1");
    let a = keyed
        .add_followup(&first.number, &note)
        .await
        .expect("first");
    let b = keyed
        .add_followup(&first.number, &note)
        .await
        .expect("retry");
    assert_eq!(a.id, b.id);
    assert_eq!(
        events(&claire, &first.number)
            .await
            .iter()
            .filter(|e| *e == "followup")
            .count(),
        1
    );
    // A failed request can be retried with its key once fixed.
    let keyed = claire.with_idempotency_key("create-bad");
    let mut invalid = input.clone();
    invalid.title = String::new();
    assert_eq!(
        status_of(&keyed.create_ticket(&invalid).await.expect_err("invalid")).0,
        422
    );
    // Refused by the work itself (no such category), after the key was reserved.
    let mut unknown_category = input.clone();
    unknown_category.category_id = CategoryId(999_999);
    let refused = keyed
        .create_ticket(&unknown_category)
        .await
        .expect_err("unknown category");
    assert_eq!(status_of(&refused).0, 422);
    assert!(
        refused
            .problem()
            .and_then(|p| p.field_error("category_id"))
            .is_some(),
        "{refused}"
    );
    let mut fixed = input.clone();
    fixed.title = "Corrigé".into();
    let created = keyed.create_ticket(&fixed).await.expect("fixed retry");
    assert_eq!(created.title, "Corrigé");
    assert_eq!(
        keyed.create_ticket(&fixed).await.expect("again"),
        created,
        "the fixed request is the one remembered"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE title = 'Corrigé'")
            .await,
        1
    );

    // The same key sent twice at once: one ticket; the other answer is the same ticket or
    // a 409 telling that the first is still running.
    let mut racing = input.clone();
    racing.title = "En même temps".into();
    for round in 0..5 {
        let keyed = claire.with_idempotency_key(format!("race-{round}"));
        let (a, b) = tokio::join!(keyed.create_ticket(&racing), keyed.create_ticket(&racing));
        let numbers: Vec<_> = [a, b]
            .into_iter()
            .filter_map(|answer| match answer {
                Ok(ticket) => Some(ticket.number),
                Err(error) => {
                    assert_eq!(status_of(&error), (409, "request_in_progress".into()));
                    None
                }
            })
            .collect();
        assert!(!numbers.is_empty(), "round {round}: one of them succeeds");
        assert!(
            numbers.windows(2).all(|w| w[0] == w[1]),
            "round {round}: one ticket"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM tickets WHERE title = 'En même temps'")
                .await,
            round + 1,
            "round {round}"
        );
    }
}

/// What an instance killed mid-request leaves behind, written as it would be: the retry on
/// another instance neither loses the work nor does it twice.
async fn a_key_left_by_a_killed_instance_is_done_once(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for(AGENT).await;

    // Killed after its work committed (the key settled in that transaction), before the
    // answer was recorded: the retry gets the ticket made, and nothing more is made.
    let input = app.new_ticket(&claire, "Tué après le commit").await;
    let keyed = claire.with_idempotency_key("killed-after");
    let first = keyed.create_ticket(&input).await.expect("first");
    app.execute(&format!(
        "UPDATE idempotency_keys SET response_status = 1, \
         response_body = '{{\"ticket\":' || (SELECT id FROM tickets WHERE number = '{}') || '}}' \
         WHERE key = 'killed-after'",
        first.number
    ))
    .await;
    let retried = keyed.create_ticket(&input).await.expect("retry");
    assert_eq!(retried.number, first.number);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE title = 'Tué après le commit'")
            .await,
        1
    );
    let note = followup("Tuée après le commit");
    let keyed_note = agent.with_idempotency_key("note-killed-after");
    let entry = keyed_note
        .add_followup(&first.number, &note)
        .await
        .expect("note");
    app.execute(&format!(
        "UPDATE idempotency_keys SET response_status = 1, \
         response_body = '{{\"event\":{}}}' WHERE key = 'note-killed-after'",
        entry.id.0
    ))
    .await;
    let again = keyed_note
        .add_followup(&first.number, &note)
        .await
        .expect("note retried");
    assert_eq!(again.id, entry.id);

    // Killed before its work committed: a reservation with nobody behind it. Until it is
    // stale a retry is told to wait; then it takes it over and does the work once.
    let input = app.new_ticket(&claire, "Tué avant le commit").await;
    let keyed = claire.with_idempotency_key("killed-before");
    keyed.create_ticket(&input).await.expect("first");
    // The ticket of the first request, moved aside: as if it had never committed.
    app.execute("UPDATE tickets SET title = 'Mis de côté' WHERE title = 'Tué avant le commit'")
        .await;
    app.execute(
        "UPDATE idempotency_keys SET response_status = 0, response_body = 'dead-token' \
         WHERE key = 'killed-before'",
    )
    .await;
    let waiting = keyed.create_ticket(&input).await.expect_err("in progress");
    assert_eq!(status_of(&waiting), (409, "request_in_progress".into()));
    app.execute(
        "UPDATE idempotency_keys SET created_at = '2020-01-01 00:00:00+00:00' \
         WHERE key = 'killed-before'",
    )
    .await;
    let taken_over = keyed.create_ticket(&input).await.expect("taken over");
    assert_eq!(
        keyed.create_ticket(&input).await.expect("replayed").number,
        taken_over.number
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE title = 'Tué avant le commit'")
            .await,
        1
    );
}

async fn a_customers_answer_is_the_actor_of_the_move_it_causes(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let claire_id = claire.me().await.expect("me").id;
    let number = app.create(&claire, "Réponse attendue").await.number;
    for status in [TicketStatus::InProgress, TicketStatus::Waiting] {
        let (_, etag) = agent.ticket_with_etag(&number).await.expect("etag");
        agent
            .update_ticket(
                &number,
                &TicketUpdate {
                    status: Some(status),
                    ..Default::default()
                },
                &etag,
            )
            .await
            .expect("status");
    }
    claire
        .add_followup(&number, &followup("Voici la réponse."))
        .await
        .expect("answer");
    agent
        .propose_solution(&number, "Redémarrez le poste.")
        .await
        .expect("solution");
    claire
        .add_followup(&number, &followup("Toujours pas."))
        .await
        .expect("answer to the solution");
    for client in [&claire, &agent] {
        let moves: Vec<(String, Option<i64>)> = client
            .timeline(&number)
            .await
            .expect("timeline")
            .into_iter()
            .filter_map(|e| match e.event {
                TicketEvent::StatusChanged { from, to } if from != TicketStatus::New => {
                    Some((to.as_str().to_owned(), e.actor.map(|a| a.id.0)))
                }
                _ => None,
            })
            .collect();
        let by_claire: Vec<&(String, Option<i64>)> = moves
            .iter()
            .filter(|(_, actor)| *actor == Some(claire_id.0))
            .collect();
        assert_eq!(
            by_claire.len(),
            2,
            "waiting → in_progress and resolved → in_progress are Claire's: {moves:?}"
        );
        assert!(by_claire.iter().all(|(to, _)| to == "in_progress"));
    }
}

async fn a_withdrawn_ticket_can_be_rated_and_its_requester_is_invited(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let number = app.create(&claire, "Finalement inutile").await.number;
    let withdrawn = claire
        .withdraw(&number, "Le problème a disparu de lui-même.")
        .await
        .expect("withdrawn");
    assert_eq!(withdrawn.status, TicketStatus::Closed);

    let invitation = outbox_mail(&app, |mail| {
        mail.contains("To: claire@acme.test")
            && mail.contains(number.as_str())
            && mail.contains("votre avis")
    })
    .await;
    assert!(invitation.contains(&format!("/tickets/{number}")));

    let rated = claire
        .rate(&number, 4, Some("Merci quand même"))
        .await
        .expect("rated after a withdrawal");
    assert_eq!(rated.satisfaction.map(|s| s.rating), Some(4));
}

/// The first mail written to the outbox (`.eml` files, no SMTP configured) that `wanted`
/// accepts, its quoted-printable soft breaks undone.
async fn outbox_mail(app: &TestApp, wanted: impl Fn(&str) -> bool) -> String {
    let outbox = app.data_dir().join("outbox");
    for _ in 0..100 {
        let found = std::fs::read_dir(&outbox)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok())
            .map(|entry| std::fs::read_to_string(entry.path()).unwrap_or_default())
            .map(|mail| mail.replace("=\r\n", "").replace("=\n", ""))
            .find(|mail| wanted(mail));
        if let Some(mail) = found {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no such mail in {}", outbox.display());
}

async fn the_demos_resolved_tickets_carry_their_solution(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent_id = app.client_for(AGENT).await.me().await.expect("me").id;
    let resolved = claire
        .list_tickets(&TicketListQuery {
            status: vec![TicketStatus::Resolved],
            ..Default::default()
        })
        .await
        .expect("list")
        .items;
    assert!(!resolved.is_empty(), "the demo has a resolved ticket");
    for ticket in resolved {
        let timeline = claire.timeline(&ticket.number).await.expect("timeline");
        let (solution, body, to) = timeline
            .iter()
            .rev()
            .find_map(|e| match &e.event {
                TicketEvent::SolutionProposed { body, to, .. } => Some((e, body, *to)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{}: no solution in {timeline:?}", ticket.number));
        assert_eq!(solution.actor.as_ref().map(|a| a.id), Some(agent_id));
        assert!(body.len() > 40, "a real solution: {body}");
        assert_eq!(to, TicketStatus::Resolved);
    }
}
