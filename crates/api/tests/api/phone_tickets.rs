//! Tickets opened for someone else: an agent's phone ticket for a customer or for a caller
//! who has no account yet, and the lost-account form, whose writer becomes the requester.
use guichet_client::Client;
use guichet_types::{
    AccountRecoveryRequest, Channel, NewCaller, NewTicket, Role, Scope, Ticket, TicketEvent,
    TicketListQuery, TicketNumber, UserId,
};
use serde_json::json;

use crate::helpers::{address, spawn, Backend, TestApp, PASSWORD};
use crate::on_both_databases;
use crate::people::{actions, audit_of, company_id, problem, user_id, NEW_PASSWORD};
use crate::recovery::{decoded, handled, to, token_in, with_smtp};

on_both_databases!(
    an_agent_opens_a_phone_ticket_for_a_customer,
    a_new_caller_gets_an_account_without_a_password_and_sets_one_later,
    only_the_support_team_names_a_requester_or_a_channel,
    the_lost_account_form_makes_the_writer_the_requester,
);

/// The `created` entry of the ticket's timeline: who opened it, for whom, by which channel.
async fn created(
    client: &Client,
    number: &TicketNumber,
) -> (Option<UserId>, Option<UserId>, Option<Channel>) {
    let timeline = client.timeline(number).await.expect("timeline");
    match &timeline[0].event {
        TicketEvent::Created {
            on_behalf_of,
            channel,
            ..
        } => (
            timeline[0].actor.as_ref().map(|a| a.id),
            *on_behalf_of,
            *channel,
        ),
        other => panic!("the first entry is {other:?}"),
    }
}

fn caller(app_company: guichet_types::CompanyId, email: &str) -> NewCaller {
    NewCaller {
        email: address(email),
        first_name: "Gérard".to_owned(),
        last_name: "Appelant".to_owned(),
        company_id: app_company,
        phone: Some("03 89 55 44 33".to_owned()),
        send_invitation: None,
    }
}

async fn an_agent_opens_a_phone_ticket_for_a_customer(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let agent_id = user_id(&app, "agent@guichet.test").await;
    let claire_id = user_id(&app, "claire@acme.test").await;
    let acme = company_id(&app, "1234").await;

    let by_id = NewTicket {
        requester_id: Some(claire_id),
        ..app.new_ticket(&agent, "Appel : imprimante bloquée").await
    };
    let ticket = agent.create_ticket(&by_id).await.expect("for Claire");
    assert_eq!(ticket.requester.id, claire_id);
    assert_eq!(
        created(&agent, &ticket.number).await,
        (Some(agent_id), Some(claire_id), Some(Channel::Phone))
    );

    // By address: an account of the company is that account; nobody new is made.
    let users = app.count("SELECT COUNT(*) FROM users").await;
    let by_address = NewTicket {
        requester: Some(caller(acme, "Claire@acme.test")),
        channel: Some(Channel::Mail),
        ..app.new_ticket(&agent, "Mail transféré").await
    };
    let ticket = agent.create_ticket(&by_address).await.expect("for Claire");
    assert_eq!(ticket.requester.id, claire_id);
    assert_eq!(ticket.company.id, acme);
    assert_eq!(created(&agent, &ticket.number).await.2, Some(Channel::Mail));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);

    // An address of another company, or of the support team, is refused and names it.
    let tickets = app.count("SELECT COUNT(*) FROM tickets").await;
    for email in ["paul@boreal.test", "admin@guichet.test"] {
        let input = NewTicket {
            requester: Some(caller(acme, email)),
            ..app.new_ticket(&agent, "Mauvais appelant").await
        };
        let refused = agent.create_ticket(&input).await.expect_err(email);
        assert_eq!(
            problem(&refused),
            (
                422,
                "validation_failed".into(),
                vec!["requester.email".into()]
            ),
            "{email}"
        );
    }
    let nowhere = NewTicket {
        requester: Some(caller(
            guichet_types::CompanyId(999_999),
            "nouveau.venu@example.test",
        )),
        ..app.new_ticket(&agent, "Société inconnue").await
    };
    let refused = agent.create_ticket(&nowhere).await.expect_err("no company");
    assert_eq!(problem(&refused).2, ["requester.company_id"]);
    let both = NewTicket {
        requester_id: Some(claire_id),
        requester: Some(caller(acme, "claire@acme.test")),
        ..app.new_ticket(&agent, "Les deux").await
    };
    let refused = agent
        .create_ticket(&both)
        .await
        .expect_err("one or the other");
    assert_eq!(problem(&refused).2, ["requester"]);
    let bad = agent
        .raw_json(
            "POST",
            "/api/v1/tickets",
            &json!({
                "kind": "incident", "category_id": by_id.category_id.0, "urgency": "high",
                "title": "t", "description": "d", "channel": "fax",
                "requester": {"email": "x@example.test", "first_name": "", "last_name": "L",
                              "company_id": acme.0, "phone": "appelez"},
            }),
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let fields: guichet_types::Problem = bad.json().expect("a problem");
    assert_eq!(
        fields.fields(),
        ["channel", "requester.first_name", "requester.phone"]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, tickets);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
}

async fn a_new_caller_gets_an_account_without_a_password_and_sets_one_later(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let agent_id = user_id(&app, "agent@guichet.test").await;
    let acme = company_id(&app, "1234").await;
    let users = app.count("SELECT COUNT(*) FROM users").await;

    let input = NewTicket {
        requester: Some(caller(acme, "Gerard.Appelant@acme.test")),
        ..app.new_ticket(&agent, "Appel : écran noir").await
    };
    let ticket = agent.create_ticket(&input).await.expect("for the caller");
    assert_eq!(ticket.requester.email, "gerard.appelant@acme.test");
    assert_eq!(ticket.requester.name, "Gérard Appelant");
    assert_eq!(ticket.company.id, acme);
    assert_eq!(ticket.notify_email, "gerard.appelant@acme.test");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users + 1);
    let caller_id = ticket.requester.id;
    assert_eq!(
        created(&agent, &ticket.number).await,
        (Some(agent_id), Some(caller_id), Some(Channel::Phone))
    );
    let person = agent.user(caller_id).await.expect("a customer");
    assert_eq!(
        (person.role, person.office_phone.as_str()),
        (Role::Customer, "03 89 55 44 33")
    );
    // Found by the people search at once, by the phone's digits.
    let found = agent
        .users(&guichet_types::UserListQuery {
            q: Some("0389554433".to_owned()),
            ..Default::default()
        })
        .await
        .expect("search");
    assert_eq!(found.items.len(), 1);

    // Made by the agent: one entry. No invitation, but the ticket's mail.
    let log = audit_of(&app, "user", caller_id).await;
    assert_eq!(actions(&log), ["user.created"]);
    assert_eq!(log[0].actor.as_ref().map(|a| a.id), Some(agent_id));
    let mails = smtp.wait_for(2).await;
    let to_caller = to(&mails, "gerard.appelant@acme.test");
    assert_eq!(to_caller.len(), 1);
    assert!(decoded(to_caller[0]).contains(&ticket.number.to_string()));
    assert!(!decoded(to_caller[0]).contains("#token="));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM account_tokens").await,
        0,
        "no link"
    );
    let locked = app
        .anonymous
        .login("gerard.appelant@acme.test", PASSWORD)
        .await
        .expect_err("no password yet");
    assert_eq!(problem(&locked).0, 401);

    // "Mot de passe oublié" gives them one, and they find their ticket.
    app.anonymous
        .request_password_reset(&address("gerard.appelant@acme.test"))
        .await
        .expect("202");
    handled(&app, 1).await;
    let mut reset = None;
    for _ in 0..300 {
        let mails = smtp.received();
        reset = to(&mails, "gerard.appelant@acme.test")
            .into_iter()
            .find(|m| decoded(m).contains("/reset-password#token="))
            .cloned();
        if reset.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let token = token_in(&reset.expect("a reset link"), "reset-password");
    app.anonymous
        .confirm_password_reset(&token, NEW_PASSWORD)
        .await
        .expect("set");
    let pair = app
        .anonymous
        .login("gerard.appelant@acme.test", NEW_PASSWORD)
        .await
        .expect("signed in");
    let asked = audit_of(&app, "email", "gerard.appelant@acme.test").await;
    assert_eq!(actions(&asked), ["auth.password_reset_requested"]);
    assert!(asked[0].actor.is_none());
    let gerard = app.anonymous.with_access_token(pair.access_token);
    let mine = gerard
        .list_tickets(&TicketListQuery::default())
        .await
        .expect("the list");
    let numbers: Vec<&TicketNumber> = mine.items.iter().map(|t| &t.number).collect();
    assert_eq!(numbers, [&ticket.number]);

    // Asked for: an invitation comes with the account.
    let invited = NewTicket {
        requester: Some(NewCaller {
            send_invitation: Some(true),
            ..caller(acme, "invite@acme.test")
        }),
        ..app.new_ticket(&agent, "Appel : nouveau poste").await
    };
    agent.create_ticket(&invited).await.expect("for the caller");
    let invitation = "SELECT COUNT(*) FROM account_tokens WHERE purpose = 'invitation'";
    assert_eq!(app.count(invitation).await, 1);
}

async fn only_the_support_team_names_a_requester_or_a_channel(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let acme = company_id(&app, "1234").await;
    let (tickets, users) = (
        app.count("SELECT COUNT(*) FROM tickets").await,
        app.count("SELECT COUNT(*) FROM users").await,
    );
    let input = NewTicket {
        requester: Some(caller(acme, "ami@acme.test")),
        channel: Some(Channel::Phone),
        ..app.new_ticket(&claire, "Pour un collègue").await
    };
    let refused = claire.create_ticket(&input).await.expect_err("agents only");
    assert_eq!(
        problem(&refused),
        (
            422,
            "validation_failed".into(),
            vec!["channel".into(), "requester".into()]
        )
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, tickets);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);

    let own = app.create(&claire, "Mon poste").await;
    let claire_id = user_id(&app, "claire@acme.test").await;
    assert_eq!(
        created(&claire, &own.number).await,
        (Some(claire_id), None, Some(Channel::Portal))
    );
}

fn lost(email: &str) -> AccountRecoveryRequest {
    AccountRecoveryRequest {
        full_name: "Agnès Martin".to_owned(),
        company_name: "Acme Industrie".to_owned(),
        email: address(email),
        phone: Some("+33 1 23 45 67 89".to_owned()),
        message: "Je n'ai plus accès à mon compte.".to_owned(),
    }
}

async fn lost_account_ticket(app: &TestApp, email: &str) -> Ticket {
    let agent = app.client_for("agent@guichet.test").await;
    let query = TicketListQuery {
        scope: Some(Scope::All),
        limit: Some(100),
        ..Default::default()
    };
    agent
        .list_tickets(&query)
        .await
        .expect("list")
        .items
        .into_iter()
        .find(|t| t.title.starts_with("Compte support perdu") && t.requester.email == email)
        .unwrap_or_else(|| panic!("a lost-account ticket of {email}"))
}

async fn the_lost_account_form_makes_the_writer_the_requester(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    // An address with an account: that account, in its company.
    app.anonymous
        .request_account_recovery(&lost("claire@acme.test"))
        .await
        .expect("202");
    let ticket = lost_account_ticket(&app, "claire@acme.test").await;
    assert_eq!(ticket.company.name, "Acme Industrie");
    assert_eq!(ticket.category.name, "Accès au support");

    // Any other: a new account without a password in the intake company, which gets the
    // acknowledgement, and can set a password later.
    let users = app.count("SELECT COUNT(*) FROM users").await;
    app.anonymous
        .request_account_recovery(&lost("agnes.martin@example.com"))
        .await
        .expect("202");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users + 1);
    let ticket = lost_account_ticket(&app, "agnes.martin@example.com").await;
    assert_eq!(ticket.company.name, "Demandes sans compte");
    assert_eq!(ticket.requester.name, "Agnès Martin");
    assert!(ticket.notify);
    let agent = app.client_for("agent@guichet.test").await;
    let writer = ticket.requester.id;
    assert_eq!(
        created(&agent, &ticket.number).await,
        (Some(writer), None, Some(Channel::Portal))
    );
    let person = agent.user(writer).await.expect("a customer");
    assert_eq!(person.office_phone, "+33 1 23 45 67 89");
    let log = audit_of(&app, "user", writer).await;
    assert_eq!(actions(&log), ["user.created"]);
    assert!(log[0].actor.is_none());

    let mut acknowledged = Vec::new();
    for _ in 0..300 {
        acknowledged = smtp
            .received()
            .into_iter()
            .filter(|m| m.recipients == ["agnes.martin@example.com"])
            .collect();
        if !acknowledged.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(acknowledged.len(), 1, "the acknowledgement");
    assert!(decoded(&acknowledged[0]).contains(&ticket.number.to_string()));
    // The same address again: the same account.
    app.anonymous
        .request_account_recovery(&lost("agnes.martin@example.com"))
        .await
        .expect("202");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users + 1);
}
