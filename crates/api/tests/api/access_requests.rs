//! Refused access requests: kept, listed for the support team, and turned into an account
//! that is invited and signs in.
use guichet_types::{AccessRequest, AccessRequestAccount, AccessRequestId, Locale, Role};
use serde_json::json;

use crate::helpers::{address, spawn, Backend};
use crate::on_both_databases;
use crate::people::{actions, audit_of, company_id, problem, user_id, NEW_PASSWORD};
use crate::recovery::{handled, to, token_in, with_smtp};

on_both_databases!(
    a_refused_request_is_listed_and_becomes_an_account,
    only_the_support_team_lists_and_handles_requests,
);

fn access(full_name: &str, email: &str, service_code: &str) -> AccessRequest {
    AccessRequest {
        full_name: full_name.to_owned(),
        email: address(email),
        service_code: service_code.to_owned(),
    }
}

fn account(company: guichet_types::CompanyId, role: Option<Role>) -> AccessRequestAccount {
    AccessRequestAccount {
        company_id: company,
        role,
        first_name: "Inès".to_owned(),
        last_name: "Connue".to_owned(),
        send_invitation: None,
    }
}

async fn a_refused_request_is_listed_and_becomes_an_account(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let acme = company_id(&app, "1234").await;
    // In English: the account made from it will read English.
    let english = app
        .anonymous
        .raw_with_headers(
            "POST",
            "/api/v1/access-requests",
            &[
                ("Content-Type", "application/json"),
                ("Accept-Language", "en-GB,en;q=0.8"),
            ],
            Some(
                serde_json::to_vec(&json!({
                    "full_name": "Inès Connue", "email": "ines@acme.test", "service_code": "1234"
                }))
                .expect("json"),
            ),
        )
        .await
        .expect("answer");
    assert_eq!(english.status, 202);
    for request in [
        access("Code Faux", "faux@example.test", "0000"),
        // A known contact: granted, not listed.
        access("Agnès Martin", "achats@acme.test", "1234"),
    ] {
        app.anonymous.request_access(&request).await.expect("202");
    }
    handled(&app, 3).await;

    let agent = app.client_for("agent@guichet.test").await;
    let page = agent.access_requests(None, None).await.expect("the list");
    let listed: Vec<(&str, &str, Option<&str>)> = page
        .items
        .iter()
        .map(|r| {
            (
                r.email.as_str(),
                r.service_code.as_str(),
                r.company.as_ref().map(|c| c.name.as_str()),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("faux@example.test", "0000", None),
            ("ines@acme.test", "1234", Some("Acme Industrie")),
        ],
        "newest first"
    );
    let ines = &page.items[1];
    assert_eq!(
        (ines.full_name.as_str(), ines.locale),
        ("Inès Connue", Locale::En)
    );
    assert!(ines.account.is_none() && ines.handled_at.is_none());
    let one = agent.access_requests(None, Some(1)).await.expect("a page");
    let rest = agent
        .access_requests(one.next_cursor.as_deref(), Some(1))
        .await
        .expect("the next");
    assert_eq!(rest.items, page.items[1..]);

    let made = agent
        .create_account_from_access_request(ines.id, &account(acme, None))
        .await
        .expect("the account");
    assert_eq!(
        (made.email.as_str(), made.role, made.locale),
        ("ines@acme.test", Role::Customer, Locale::En)
    );
    assert_eq!(made.company_name.as_deref(), Some("Acme Industrie"));
    let again = agent
        .create_account_from_access_request(ines.id, &account(acme, None))
        .await
        .expect_err("handled");
    assert_eq!(problem(&again).1, "already_handled");
    let listed = agent.access_requests(None, None).await.expect("the list");
    let ines = listed
        .items
        .iter()
        .find(|r| r.email == "ines@acme.test")
        .expect("still listed");
    assert_eq!(ines.account.as_ref().map(|a| a.id), Some(made.id));
    assert!(ines.handled_at.is_some());

    // The invitation, in English, lets her in.
    let mut invitation = None;
    for _ in 0..300 {
        let mails = smtp.received();
        if let Some(mail) = to(&mails, "ines@acme.test").first() {
            invitation = Some((*mail).clone());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let invitation = invitation.expect("an invitation");
    assert_eq!(
        invitation.header("Subject").as_deref(),
        Some("Your invitation to the support portal")
    );
    let token = token_in(&invitation, "set-password");
    app.anonymous
        .confirm_password_reset(&token, NEW_PASSWORD)
        .await
        .expect("set");
    app.anonymous
        .login("ines@acme.test", NEW_PASSWORD)
        .await
        .expect("she signs in");

    // One entry, naming the agent and the account.
    let log = audit_of(&app, "access_request", ines.id).await;
    assert_eq!(actions(&log), ["access_request.account_created"]);
    let agent_id = user_id(&app, "agent@guichet.test").await;
    assert_eq!(log[0].actor.as_ref().map(|a| a.id), Some(agent_id));
    assert_eq!(
        log[0].changes.get("id").map(|c| c.to.clone()),
        Some(json!(made.id.0))
    );
    let made_log = audit_of(&app, "user", made.id).await;
    assert!(actions(&made_log).iter().all(|a| !a.starts_with("user.")));
}

async fn only_the_support_team_lists_and_handles_requests(backend: Backend) {
    let app = spawn(backend).await;
    let acme = company_id(&app, "1234").await;
    for email in ["un@acme.test", "deux@acme.test"] {
        app.anonymous
            .request_access(&access("Inconnu", email, "1234"))
            .await
            .expect("202");
    }
    handled(&app, 2).await;
    let admin = app.client_for("admin@guichet.test").await;
    let page = admin.access_requests(None, None).await.expect("the list");
    let (deux, un) = (page.items[0].id, page.items[1].id);
    let users = "SELECT COUNT(*) FROM users";
    let people = app.count(users).await;

    for email in ["claire@acme.test", "remi@acme.test"] {
        let client = app.client_for(email).await;
        let list = client.access_requests(None, None).await.expect_err("403");
        assert_eq!(problem(&list).0, 403, "{email}");
        let made = client
            .create_account_from_access_request(un, &account(acme, None))
            .await
            .expect_err("403");
        assert_eq!(problem(&made).0, 403, "{email}");
    }
    let agent = app.client_for("agent@guichet.test").await;
    let referent = agent
        .create_account_from_access_request(un, &account(acme, Some(Role::Referent)))
        .await
        .expect_err("admins only");
    assert_eq!(problem(&referent).0, 403);
    let staff = agent
        .create_account_from_access_request(un, &account(acme, Some(Role::Agent)))
        .await
        .expect_err("not an access");
    assert_eq!(problem(&staff).2, ["role"]);
    let nowhere = agent
        .create_account_from_access_request(un, &account(guichet_types::CompanyId(999_999), None))
        .await
        .expect_err("no such company");
    assert_eq!(problem(&nowhere).2, ["company_id"]);
    let missing = agent
        .create_account_from_access_request(AccessRequestId(999_999), &account(acme, None))
        .await
        .expect_err("no such request");
    assert_eq!(problem(&missing).0, 404);
    assert_eq!(app.count(users).await, people, "nobody was made");
    let handled_rows = "SELECT COUNT(*) FROM account_mail_requests WHERE handled_at IS NOT NULL";
    assert_eq!(app.count(handled_rows).await, 0);

    // An administrator makes a referent; an address that has an account meanwhile is taken.
    let made = admin
        .create_account_from_access_request(un, &account(acme, Some(Role::Referent)))
        .await
        .expect("a referent");
    assert_eq!(made.role, Role::Referent);
    app.execute(
        "UPDATE account_mail_requests SET email = 'un@acme.test' WHERE email = 'deux@acme.test'",
    )
    .await;
    let taken = admin
        .create_account_from_access_request(deux, &account(acme, None))
        .await
        .expect_err("taken");
    assert_eq!(
        problem(&taken),
        (409, "conflict".into(), vec!["email".into()])
    );
    assert_eq!(
        app.count(handled_rows).await,
        1,
        "the refused one stays unhandled"
    );
}
