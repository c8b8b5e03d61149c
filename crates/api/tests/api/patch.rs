//! `PATCH /tickets/{number}`: the requester's notification choice, and assignment by agents
//! (left out, `null`, an agent; taking a ticket by setting it in progress).
use guichet_client::{Client, ClientError};
use guichet_types::{
    CategoryId, Level, TicketEvent, TicketNumber, TicketStatus, TicketUpdate, UserId,
};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    the_requester_changes_their_notifications_and_nothing_else,
    assignment_tells_left_out_from_null,
    only_an_active_agent_or_admin_is_assigned,
    setting_an_unassigned_ticket_in_progress_takes_it,
);

const AGENT: &str = "agent@guichet.test";

fn fields(error: &ClientError) -> (u16, Vec<(String, String)>) {
    let problem = error
        .problem()
        .unwrap_or_else(|| panic!("a problem answer, got {error}"));
    let fields = problem
        .errors
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    (problem.status, fields)
}

fn not_allowed(members: &[&str]) -> (u16, Vec<(String, String)>) {
    let fields = members
        .iter()
        .map(|m| ((*m).to_owned(), "not_allowed".to_owned()))
        .collect();
    (422, fields)
}

async fn patch(
    client: &Client,
    number: &TicketNumber,
    update: TicketUpdate,
) -> Result<guichet_types::Ticket, ClientError> {
    let (_, etag) = client.ticket_with_etag(number).await.expect("etag");
    client
        .update_ticket(number, &update, &etag)
        .await
        .map(|(ticket, _)| ticket)
}

async fn assignments(client: &Client, number: &TicketNumber) -> Vec<Option<i64>> {
    client
        .timeline(number)
        .await
        .expect("timeline")
        .into_iter()
        .filter_map(|e| match e.event {
            TicketEvent::Assigned { assignee } => Some(assignee.map(|a| a.id.0)),
            _ => None,
        })
        .collect()
}

async fn the_requester_changes_their_notifications_and_nothing_else(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, remi, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("remi@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for(AGENT).await,
    );
    let number = app.create(&claire, "Mails ailleurs").await.number;
    let notifications = TicketUpdate {
        notify: Some(false),
        notify_email: Some("Claire.Martin@Acme.test".into()),
        ..Default::default()
    };

    // The same If-Match rule as the agents' PATCH.
    let without = claire
        .raw_json(
            "PATCH",
            &format!("/api/v1/tickets/{number}"),
            &json!({"notify": false}),
        )
        .await
        .expect("answer");
    assert_eq!(without.status, 428);

    let changed = patch(&claire, &number, notifications.clone())
        .await
        .expect("the requester changes their notifications");
    assert!(!changed.notify);
    assert_eq!(changed.notify_email, "claire.martin@acme.test");
    let changed = patch(
        &claire,
        &number,
        TicketUpdate {
            notify: Some(true),
            ..Default::default()
        },
    )
    .await
    .expect("notify alone");
    assert!(changed.notify);
    assert_eq!(changed.notify_email, "claire.martin@acme.test", "kept");

    // Validated as at creation, and nothing changes.
    let bad = patch(
        &claire,
        &number,
        TicketUpdate {
            notify: Some(false),
            notify_email: Some("pas une adresse".into()),
            ..Default::default()
        },
    )
    .await
    .expect_err("bad address");
    assert_eq!(
        fields(&bad),
        (422, vec![("notify_email".to_owned(), "email".to_owned())])
    );
    // Agents' members are named, every one, and nothing changes.
    let agents_members = patch(
        &claire,
        &number,
        TicketUpdate {
            status: Some(TicketStatus::InProgress),
            assignee_id: Some(None),
            category_id: Some(CategoryId(1)),
            impact: Some(Level::High),
            notify: Some(false),
            notify_email: None,
        },
    )
    .await
    .expect_err("not the customer's");
    assert_eq!(
        fields(&agents_members),
        not_allowed(&["assignee_id", "category_id", "impact", "status"])
    );
    let unchanged = claire.ticket(&number).await.expect("get");
    assert!(unchanged.notify);
    assert_eq!(unchanged.status, TicketStatus::New);

    // A referent sees the ticket but is not its requester; Paul does not see it.
    let referent = patch(&remi, &number, notifications.clone())
        .await
        .expect_err("not the requester");
    assert_eq!(referent.problem().map(|p| p.status), Some(403));
    let (_, etag) = claire.ticket_with_etag(&number).await.expect("etag");
    let hidden = paul
        .update_ticket(&number, &notifications, &etag)
        .await
        .expect_err("hidden");
    assert_eq!(hidden.problem().map(|p| p.status), Some(404));
    // The support team does not choose the requester's mails.
    let by_agent = patch(&agent, &number, notifications)
        .await
        .expect_err("not the agent's");
    assert_eq!(fields(&by_agent), not_allowed(&["notify", "notify_email"]));
}

async fn assignment_tells_left_out_from_null(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let admin = app
        .client_for("admin@guichet.test")
        .await
        .me()
        .await
        .expect("me")
        .id;
    let number = app.create(&claire, "Qui s'en charge ?").await.number;

    let assigned = patch(
        &agent,
        &number,
        TicketUpdate {
            assignee_id: Some(Some(admin)),
            ..Default::default()
        },
    )
    .await
    .expect("assigned");
    assert_eq!(assigned.assignee.map(|a| a.id), Some(admin.0));
    assert_eq!(assigned.status, TicketStatus::InProgress);

    // Left out: the assignee stays.
    let other = patch(
        &agent,
        &number,
        TicketUpdate {
            impact: Some(Level::High),
            ..Default::default()
        },
    )
    .await
    .expect("impact");
    assert_eq!(other.assignee.map(|a| a.id), Some(admin.0));

    // null: nobody.
    let unassigned = patch(
        &agent,
        &number,
        TicketUpdate {
            assignee_id: Some(None),
            ..Default::default()
        },
    )
    .await
    .expect("unassigned");
    assert_eq!(unassigned.assignee, None);
    assert_eq!(unassigned.status, TicketStatus::InProgress);
    assert_eq!(assignments(&agent, &number).await, [Some(admin.0), None]);
    // Unassigning an unassigned ticket records nothing.
    patch(
        &agent,
        &number,
        TicketUpdate {
            assignee_id: Some(None),
            ..Default::default()
        },
    )
    .await
    .expect("again");
    assert_eq!(assignments(&agent, &number).await.len(), 2);
}

async fn only_an_active_agent_or_admin_is_assigned(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let number = app.create(&claire, "Personne").await.number;
    let customer = claire.me().await.expect("me").id;
    let locked = locked_agent(&app).await;
    for id in [customer, locked, UserId(999_999)] {
        let error = patch(
            &agent,
            &number,
            TicketUpdate {
                assignee_id: Some(Some(id)),
                ..Default::default()
            },
        )
        .await
        .expect_err("not an active agent");
        assert_eq!(
            fields(&error),
            (
                422,
                vec![("assignee_id".to_owned(), "not_found".to_owned())]
            ),
            "{id}"
        );
    }
    let ticket = agent.ticket(&number).await.expect("get");
    assert_eq!((ticket.assignee, ticket.status), (None, TicketStatus::New));
}

/// An agent whose account is locked (no password verifies): not someone to assign.
async fn locked_agent(app: &TestApp) -> UserId {
    let db = Database::connect(&app.database_url).await.expect("connect");
    db.execute_unprepared(
        "INSERT INTO users (company_id, role, email, password_hash, must_change_password, prefix, \
         first_name, last_name, suffix, title, office_phone, extension, mobile_phone, fax, locale, \
         show_landing_page, created_at, updated_at) VALUES (NULL, 'agent', 'parti@guichet.test', '!', \
         false, '', 'Ancien', 'Agent', '', '', '', '', '', '', 'fr', true, \
         '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .await
    .expect("insert");
    db.close().await.ok();
    UserId(
        app.count("SELECT id FROM users WHERE email = 'parti@guichet.test'")
            .await,
    )
}

async fn setting_an_unassigned_ticket_in_progress_takes_it(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for(AGENT).await,
    );
    let me = agent.me().await.expect("me").id;
    let number = app.create(&claire, "Je prends").await.number;
    let taken = patch(
        &agent,
        &number,
        TicketUpdate {
            status: Some(TicketStatus::InProgress),
            ..Default::default()
        },
    )
    .await
    .expect("in progress");
    assert_eq!(taken.status, TicketStatus::InProgress);
    assert_eq!(taken.assignee.map(|a| a.id), Some(me.0));
    let timeline = agent.timeline(&number).await.expect("timeline");
    let events: Vec<&str> = timeline.iter().map(|e| e.event.name()).collect();
    assert_eq!(events, ["created", "assigned", "status_changed"]);
    assert!(timeline[1..]
        .iter()
        .all(|e| e.actor.as_ref().map(|a| a.id) == Some(me)));

    // Already assigned: setting the status back and forth does not take it over.
    let admin = app.client_for("admin@guichet.test").await;
    for status in [TicketStatus::Waiting, TicketStatus::InProgress] {
        let ticket = patch(
            &admin,
            &number,
            TicketUpdate {
                status: Some(status),
                ..Default::default()
            },
        )
        .await
        .expect("status");
        assert_eq!(ticket.assignee.map(|a| a.id), Some(me.0));
    }
    assert_eq!(assignments(&agent, &number).await, [Some(me.0)]);
}
