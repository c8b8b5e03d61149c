//! Support access (issue 17): an agent asks, the customer grants or refuses, the agent works
//! in assisted sessions limited to the ticket, every call audited, every change shown with
//! both names, the customer mailed at each session's start and end. Time is moved by writing
//! the access's and session's times in the database.
use chrono::{DateTime, Duration, SubsecRound, Utc};
use guichet_api::entities::{support_accesses, support_sessions};
use guichet_client::{Client, ClientError, PageAt};
use guichet_types::{
    EventFeedQuery, EventId, FeedEvent, NewApiToken, NewFollowup, NewServiceAccount, ProfileUpdate,
    SupportAccess, SupportAccessGrant, SupportAccessState, SupportSessionEnd, Ticket, TokenScope,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::{address, spawn, spawn_with, Backend, TestApp, PASSWORD};
use crate::mail::text_of;
use crate::on_both_databases;
use crate::smtp::{Received, SmtpServer};

on_both_databases!(
    an_agent_works_as_the_customer_with_consent_and_the_customer_sees_everything,
    no_session_without_a_grant_after_revocation_or_past_the_end,
    an_unanswered_request_lapses_after_48_hours,
    bad_grants_are_named_and_other_people_get_404_or_403,
    an_assisted_session_cannot_touch_the_customers_account_or_other_tickets,
    an_expired_session_ends_by_itself_with_its_mail,
    a_service_accounts_ticket_has_nobody_to_ask,
);

fn code_of(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    let error = result.expect_err("a refusal");
    let problem = error.problem().expect("a problem answer");
    (problem.status, problem.code.clone())
}

fn grant_for(hours: i64) -> SupportAccessGrant {
    SupportAccessGrant {
        until: Utc::now() + Duration::hours(hours),
        note: Some("Seulement pour l'imprimante".into()),
    }
}

fn to(mails: &[Received], address: &str) -> Vec<String> {
    mails
        .iter()
        .filter(|m| m.recipients.iter().any(|r| r == address))
        .map(text_of)
        .collect()
}

/// The text of the first mail to `address` that says `needle`, once it arrived.
async fn mail_to(smtp: &SmtpServer, address: &str, needle: &str) -> String {
    for _ in 0..300 {
        if let Some(text) = to(&smtp.received(), address)
            .into_iter()
            .find(|text| text.contains(needle))
        {
            return text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail to {address} saying {needle:?}");
}

/// Claire's ticket, on which the agent asked for access.
async fn asked(app: &TestApp, claire: &Client, agent: &Client) -> (Ticket, SupportAccess) {
    let ticket = app.create(claire, "L'imprimante n'imprime plus").await;
    let access = agent
        .request_support_access(&ticket.number)
        .await
        .expect("asked");
    (ticket, access)
}

/// The access of `ticket` in the customer's panel (`GET /me/support-access`), if listed
/// there (the demo data has one of its own on another ticket).
async fn pending_on(customer: &Client, ticket: &Ticket) -> Option<SupportAccess> {
    customer
        .my_support_accesses(&PageAt::default())
        .await
        .expect("the panel")
        .items
        .into_iter()
        .find(|access| access.ticket.number == ticket.number)
}

/// Event `id` of the ticket as the feed gives it, once it shows (on PostgreSQL, once no
/// running transaction can precede it).
async fn fed_event(client: &Client, ticket: &Ticket, id: EventId) -> FeedEvent {
    for _ in 0..600 {
        let query = EventFeedQuery {
            ticket: Some(ticket.number.clone()),
            limit: Some(100),
            ..Default::default()
        };
        let page = client.events(&query).await.expect("the feed");
        if let Some(event) = page.items.into_iter().find(|e| e.id == id) {
            return event;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("event {id} never showed in the feed");
}

async fn set_access_times(
    app: &TestApp,
    id: i64,
    column: support_accesses::Column,
    at: DateTime<Utc>,
) {
    support_accesses::Entity::update_many()
        .col_expr(column, Expr::value(at.trunc_subsecs(6)))
        .filter(support_accesses::Column::Id.eq(id))
        .exec(&app.state.db)
        .await
        .expect("moved");
}

async fn audited_calls(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'support_session.request'")
        .await
}

async fn an_agent_works_as_the_customer_with_consent_and_the_customer_sees_everything(
    backend: Backend,
) {
    let (smtp, url) = SmtpServer::start().await;
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", &url)]).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let (ticket, access) = asked(&app, &claire, &agent).await;
    assert_eq!(access.state, SupportAccessState::Requested);
    assert_eq!(access.agent.name, "Agnès Support");
    assert_eq!(access.customer.name, "Claire Martin");
    assert_eq!(access.lapses_at, access.requested_at + Duration::hours(48));
    // One open access per ticket.
    assert_eq!(
        code_of(agent.request_support_access(&ticket.number).await),
        (409, "support_access_open".to_owned())
    );
    mail_to(
        &smtp,
        "claire@acme.test",
        "Agnès Support, de l'équipe d'assistance, demande à accéder",
    )
    .await;

    // The customer sees it in their profile's panel and on the ticket, and grants it.
    let mine = pending_on(&claire, &ticket).await.expect("in the panel");
    assert_eq!(mine.id, access.id);
    assert_eq!(mine.ticket.title, ticket.title);
    assert_eq!(mine.state, SupportAccessState::Requested);
    let granted = claire
        .grant_support_access(access.id, &grant_for(2))
        .await
        .expect("granted");
    assert_eq!(granted.state, SupportAccessState::Granted);
    assert_eq!(granted.note.as_deref(), Some("Seulement pour l'imprimante"));

    // The agent starts a session and acts as the customer.
    let before = audited_calls(&app).await;
    let session = agent
        .start_support_session(access.id)
        .await
        .expect("started");
    assert!(session.expires_in > 0 && session.expires_in <= 30 * 60);
    assert_eq!(session.token_type, "Bearer");
    mail_to(
        &smtp,
        "claire@acme.test",
        "Agnès Support utilise maintenant votre compte",
    )
    .await;
    let assisted = app
        .anonymous
        .with_access_token(session.access_token.clone());
    let me = assisted.me().await.expect("the customer's profile");
    assert_eq!(me.email, "claire@acme.test");
    assisted
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Pilote réinstallé, essayez d'imprimer".into(),
                internal: None,
            },
        )
        .await
        .expect("a follow-up as the customer");
    let on_ticket = agent
        .ticket_support_accesses(&ticket.number, &PageAt::default())
        .await
        .expect("the ticket's accesses");
    assert!(on_ticket.items[0].live_session(Utc::now()).is_some());

    // The timeline keeps the customer as actor and names the agent.
    let timeline = claire.timeline(&ticket.number).await.expect("timeline");
    let followup = timeline.last().expect("the follow-up");
    let actor = followup.actor.as_ref().expect("an actor");
    assert_eq!(actor.name, "Claire Martin");
    assert_eq!(
        actor.assisted_by.as_ref().map(|a| a.name.as_str()),
        Some("Agnès Support")
    );
    assert!(timeline[0]
        .actor
        .as_ref()
        .is_some_and(|a| a.assisted_by.is_none()));
    // The event feed (and so webhooks, which send the same entry) says it too.
    let fed = fed_event(&agent, &ticket, followup.id).await;
    assert_eq!(
        fed.actor.and_then(|a| a.assisted_by).map(|a| a.name),
        Some("Agnès Support".to_owned())
    );

    // The customer ends it: the token stops at once, and the end mail lists the change.
    let revoked = claire
        .revoke_support_access(access.id)
        .await
        .expect("revoked");
    assert_eq!(revoked.state, SupportAccessState::Revoked);
    assert_eq!(
        revoked.sessions[0].end_reason,
        Some(SupportSessionEnd::Revoked)
    );
    assert_eq!(code_of(assisted.me().await).0, 401);
    let ended = mail_to(&smtp, "claire@acme.test", "Vous avez mis fin à l'accès").await;
    assert!(
        ended.contains("Agnès Support pour Claire Martin a écrit")
            && ended.contains("> Pilote réinstallé, essayez d'imprimer"),
        "{ended}"
    );
    // Two calls in the session, each one audited (the refused one after revocation is not in it).
    assert_eq!(audited_calls(&app).await - before, 2);
    for action in [
        "support_access.requested",
        "support_access.granted",
        "support_session.started",
        "support_access.revoked",
        "support_session.ended",
    ] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
            ))
            .await,
            1,
            "{action}"
        );
    }
    let revoked_changes = app
        .query_one_string(
            "SELECT changes FROM audit_events WHERE action = 'support_access.revoked'",
        )
        .await;
    assert!(
        revoked_changes.contains(r#""state":{"from":"granted","to":"revoked"}"#),
        "{revoked_changes}"
    );
    let call = app
        .query_one_string(
            "SELECT changes FROM audit_events WHERE action = 'support_session.request' \
             ORDER BY id DESC LIMIT 1",
        )
        .await;
    for member in [
        r#""method":{"from":null,"to":"POST"}"#,
        r#""route":{"from":null,"to":"/api/v1/tickets/{number}/followups"}"#,
        r#""status":{"from":null,"to":201}"#,
    ] {
        assert!(call.contains(member), "{call}");
    }
    // Nothing pending any more in the profile's panel.
    assert!(pending_on(&claire, &ticket).await.is_none());
}

async fn no_session_without_a_grant_after_revocation_or_past_the_end(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let (ticket, access) = asked(&app, &claire, &agent).await;
    let not_granted = (409, "support_access_not_granted".to_owned());
    assert_eq!(
        code_of(agent.start_support_session(access.id).await),
        not_granted
    );
    // Refused: no session, and the agent may ask again.
    let refused = claire
        .revoke_support_access(access.id)
        .await
        .expect("refused");
    assert_eq!(refused.state, SupportAccessState::Refused);
    assert_eq!(
        code_of(agent.start_support_session(access.id).await),
        not_granted
    );

    // Granted then revoked: no session.
    let again = agent
        .request_support_access(&ticket.number)
        .await
        .expect("asked again");
    claire
        .grant_support_access(again.id, &grant_for(2))
        .await
        .expect("granted");
    claire
        .revoke_support_access(again.id)
        .await
        .expect("revoked");
    assert_eq!(
        code_of(agent.start_support_session(again.id).await),
        not_granted
    );
    assert_eq!(
        code_of(claire.revoke_support_access(again.id).await),
        (409, "support_access_closed".to_owned())
    );

    // Granted, a session running; then past `until`: no new session; past `until` + 1 h, the
    // running one stops too.
    let third = agent
        .request_support_access(&ticket.number)
        .await
        .expect("asked a third time");
    claire
        .grant_support_access(third.id, &grant_for(2))
        .await
        .expect("granted");
    let session = agent
        .start_support_session(third.id)
        .await
        .expect("started");
    let assisted = app.anonymous.with_access_token(session.access_token);
    assisted.ticket(&ticket.number).await.expect("works");
    set_access_times(
        &app,
        third.id,
        support_accesses::Column::Until,
        Utc::now() - Duration::minutes(10),
    )
    .await;
    assert_eq!(
        code_of(agent.start_support_session(third.id).await),
        not_granted
    );
    assisted
        .ticket(&ticket.number)
        .await
        .expect("the hour after the end lets it finish");
    set_access_times(
        &app,
        third.id,
        support_accesses::Column::Until,
        Utc::now() - Duration::minutes(61),
    )
    .await;
    assert_eq!(code_of(assisted.ticket(&ticket.number).await).0, 401);
}

async fn an_unanswered_request_lapses_after_48_hours(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let (ticket, access) = asked(&app, &claire, &agent).await;
    set_access_times(
        &app,
        access.id,
        support_accesses::Column::RequestedAt,
        Utc::now() - Duration::hours(48) - Duration::minutes(1),
    )
    .await;
    assert_eq!(
        code_of(claire.grant_support_access(access.id, &grant_for(2)).await),
        (409, "support_access_lapsed".to_owned())
    );
    assert!(pending_on(&claire, &ticket).await.is_none());
    let listed = agent
        .ticket_support_accesses(&ticket.number, &PageAt::default())
        .await
        .expect("the ticket's");
    assert_eq!(listed.items[0].state, SupportAccessState::Lapsed);
    // A lapsed request is not open: the agent may ask again.
    agent
        .request_support_access(&ticket.number)
        .await
        .expect("asked again");
}

async fn bad_grants_are_named_and_other_people_get_404_or_403(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent, admin, paul, remi) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
        app.client_for("admin@guichet.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for("remi@acme.test").await,
    );
    let (ticket, access) = asked(&app, &claire, &agent).await;
    let fields = |result: Result<SupportAccess, ClientError>| {
        let error = result.expect_err("a 422");
        let problem = error.problem().expect("a problem");
        assert_eq!(problem.status, 422);
        problem
            .errors
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect::<Vec<_>>()
    };
    let past = SupportAccessGrant {
        until: Utc::now() - Duration::minutes(1),
        note: None,
    };
    assert_eq!(
        fields(claire.grant_support_access(access.id, &past).await),
        [("until".to_owned(), "in_the_past".to_owned())]
    );
    let far = SupportAccessGrant {
        until: Utc::now() + Duration::days(7) + Duration::hours(1),
        note: Some("x".repeat(1_001)),
    };
    assert_eq!(
        fields(claire.grant_support_access(access.id, &far).await),
        [
            ("until".to_owned(), "too_far".to_owned()),
            ("note".to_owned(), "too_long".to_owned())
        ]
    );
    let unknown = claire
        .raw_json(
            "POST",
            &format!("/api/v1/support-access/{}/grant", access.id),
            &serde_json::json!({"until": grant_for(1).until, "scope": "all"}),
        )
        .await
        .expect("an answer");
    assert_eq!(unknown.status, 422);
    // Nothing was granted by the bad requests.
    let still = pending_on(&claire, &ticket).await.expect("still pending");
    assert_eq!(still.state, SupportAccessState::Requested);

    // Another customer, even a referent who sees the ticket, cannot answer: 404.
    for other in [&paul, &remi] {
        assert_eq!(
            code_of(other.grant_support_access(access.id, &grant_for(1)).await).0,
            404
        );
        assert_eq!(code_of(other.revoke_support_access(access.id).await).0, 404);
        assert_eq!(
            code_of(
                other
                    .ticket_support_accesses(&ticket.number, &PageAt::default())
                    .await
            )
            .0,
            404
        );
    }
    // Customers cannot ask nor start sessions; an agent who neither asked nor has the ticket
    // cannot start one.
    assert_eq!(
        code_of(claire.request_support_access(&ticket.number).await).0,
        403
    );
    claire
        .grant_support_access(access.id, &grant_for(1))
        .await
        .expect("granted");
    assert_eq!(
        code_of(claire.start_support_session(access.id).await).0,
        404
    );
    assert_eq!(code_of(admin.start_support_session(access.id).await).0, 403);
    assert_eq!(code_of(claire.end_support_session(access.id).await).0, 404);
    // An API token cannot grant: consent needs a signed-in session.
    let token = claire
        .create_my_token(&NewApiToken {
            name: "Intégration".into(),
            scopes: vec![TokenScope::TicketsWrite],
            expires_at: None,
        })
        .await
        .expect("a token");
    let by_token = app.anonymous.with_access_token(token.secret);
    assert_eq!(
        code_of(by_token.revoke_support_access(access.id).await),
        (403, "insufficient_scope".to_owned())
    );
}

async fn an_assisted_session_cannot_touch_the_customers_account_or_other_tickets(backend: Backend) {
    let app = spawn(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let other = app.create(&claire, "Un autre problème").await;
    let (ticket, access) = asked(&app, &claire, &agent).await;
    claire
        .grant_support_access(access.id, &grant_for(2))
        .await
        .expect("granted");
    let session = agent
        .start_support_session(access.id)
        .await
        .expect("started");
    let assisted = app.anonymous.with_access_token(session.access_token);
    let before = audited_calls(&app).await;
    let forbidden = (403, "assisted_session_forbidden".to_owned());
    assert_eq!(
        code_of(
            assisted
                .change_password(PASSWORD, "Un-Autre-Mot-2026!")
                .await
        ),
        forbidden
    );
    let email_change = ProfileUpdate {
        email: Some(address("pirate@example.test")),
        ..Default::default()
    };
    assert_eq!(code_of(assisted.update_me(&email_change).await), forbidden);
    assert_eq!(code_of(assisted.my_tokens(None).await), forbidden);
    let token = NewApiToken {
        name: "Porte dérobée".into(),
        scopes: vec![TokenScope::TicketsRead],
        expires_at: None,
    };
    assert_eq!(code_of(assisted.create_my_token(&token).await), forbidden);
    assert_eq!(
        code_of(
            assisted
                .grant_support_access(access.id, &grant_for(5))
                .await
        ),
        forbidden
    );
    assert_eq!(
        code_of(assisted.revoke_support_access(access.id).await),
        forbidden
    );
    assert_eq!(
        code_of(assisted.start_support_session(access.id).await),
        forbidden
    );
    assert_eq!(
        code_of(assisted.my_support_accesses(&PageAt::default()).await),
        forbidden
    );
    // Only the access's ticket: another of the customer's tickets is a 404, the list refused.
    assert_eq!(code_of(assisted.ticket(&other.number).await).0, 404);
    assert_eq!(
        code_of(assisted.list_tickets(&Default::default()).await),
        forbidden
    );
    assisted.ticket(&ticket.number).await.expect("its ticket");
    // Nothing changed on the account.
    let profile = claire.me().await.expect("profile");
    assert_eq!(profile.email, "claire@acme.test");
    assert!(claire
        .my_tokens(None)
        .await
        .expect("tokens")
        .items
        .is_empty());
    app.login("claire@acme.test").await;
    // Every call of the session is one audit entry, refused ones included.
    assert_eq!(audited_calls(&app).await - before, 11);
    let agent_id = agent.me().await.expect("agent").id;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'support_session.request' \
             AND actor_id = {agent_id} AND target_id = '{}'",
            profile.id
        ))
        .await,
        11
    );
    // The agent ends the session with the assisted token itself.
    assisted
        .end_support_session(access.id)
        .await
        .expect("ended");
    assert_eq!(code_of(assisted.ticket(&ticket.number).await).0, 401);
    // Or with their own credentials: their live sessions on the access end; none left is a 404.
    let second = agent.start_support_session(access.id).await.expect("again");
    let assisted = app.anonymous.with_access_token(second.access_token);
    assisted.ticket(&ticket.number).await.expect("works");
    agent
        .end_support_session(access.id)
        .await
        .expect("ended by the agent");
    assert_eq!(code_of(assisted.ticket(&ticket.number).await).0, 401);
    assert_eq!(code_of(agent.end_support_session(access.id).await).0, 404);
}

async fn an_expired_session_ends_by_itself_with_its_mail(backend: Backend) {
    let (smtp, url) = SmtpServer::start().await;
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", &url)]).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let (ticket, access) = asked(&app, &claire, &agent).await;
    claire
        .grant_support_access(access.id, &grant_for(2))
        .await
        .expect("granted");
    let session = agent
        .start_support_session(access.id)
        .await
        .expect("started");
    let assisted = app.anonymous.with_access_token(session.access_token);
    assisted.ticket(&ticket.number).await.expect("works");
    support_sessions::Entity::update_many()
        .col_expr(
            support_sessions::Column::ExpiresAt,
            Expr::value((Utc::now() - Duration::seconds(1)).trunc_subsecs(6)),
        )
        .filter(support_sessions::Column::Id.eq(session.session.id))
        .exec(&app.state.db)
        .await
        .expect("expired");
    assert_eq!(code_of(assisted.ticket(&ticket.number).await).0, 401);
    // Nobody calls again: the sweep ends it and mails the customer.
    let ended = mail_to(&smtp, "claire@acme.test", "a expiré").await;
    assert!(ended.contains("Aucune modification"), "{ended}");
    let listed = claire
        .ticket_support_accesses(&ticket.number, &PageAt::default())
        .await
        .expect("the ticket's");
    assert_eq!(
        listed.items[0].sessions[0].end_reason,
        Some(SupportSessionEnd::Expired)
    );
}

async fn a_service_accounts_ticket_has_nobody_to_ask(backend: Backend) {
    let app = spawn(backend).await;
    let (admin, agent) = (
        app.client_for("admin@guichet.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let account = admin
        .create_service_account(&NewServiceAccount {
            name: "Supervision Acme".into(),
            company_id: Some(crate::people::company_id(&app, "1234").await),
        })
        .await
        .expect("an account");
    let made = admin
        .create_service_account_token(
            account.id,
            &NewApiToken {
                name: "tickets".into(),
                scopes: vec![TokenScope::TicketsRead, TokenScope::TicketsWrite],
                expires_at: None,
            },
        )
        .await
        .expect("a token");
    let robot = app.anonymous.with_access_token(made.secret);
    let ticket = app.create(&robot, "Sonde en alerte").await;
    assert_eq!(
        code_of(agent.request_support_access(&ticket.number).await),
        (409, "requester_not_a_person".to_owned())
    );
}
