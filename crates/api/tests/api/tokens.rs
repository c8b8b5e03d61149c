//! API tokens and service accounts: a token acts as its owner within its scopes, is stored
//! hashed, stops with its expiry, its revocation or its owner's deactivation, and is never
//! taken from a URL; service accounts are admins' non-person accounts for integrations.
use chrono::{Duration, Utc};
use guichet_client::Client;
use guichet_types::{
    NewApiToken, NewFollowup, NewServiceAccount, ServiceAccountPatch, TicketListQuery, TokenScope,
    UserListQuery, UserUpdate,
};
use serde_json::json;

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_token_acts_as_its_owner_within_its_scopes,
    each_scope_allows_exactly_its_operations,
    expiry_revocation_and_deactivation_stop_a_token,
    bad_token_requests_name_every_field_and_change_nothing,
    service_accounts_are_admins_accounts_for_integrations,
);

fn token(name: &str, scopes: &[TokenScope]) -> NewApiToken {
    NewApiToken {
        name: name.to_owned(),
        scopes: scopes.to_vec(),
        expires_at: None,
    }
}

/// A client signed in with a new token of `owner` carrying `scopes`, and the token's id.
async fn with_token(app: &TestApp, owner: &Client, scopes: &[TokenScope]) -> (Client, i64) {
    let made = owner
        .create_my_token(&token("integration", scopes))
        .await
        .expect("token made");
    (app.anonymous.with_access_token(made.secret), made.token.id)
}

async fn status(client: &Client, method: &str, path: &str, body: Option<serde_json::Value>) -> u16 {
    let answer = match body {
        Some(body) => client.raw_json(method, path, &body).await,
        None => client.raw(method, path, None, None).await,
    };
    answer.expect("an answer").status
}

async fn a_token_acts_as_its_owner_within_its_scopes(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let mine = app.create(&claire, "Imprimante en panne").await;
    let paul = app.client_for("paul@boreal.test").await;
    let boreal = app.create(&paul, "Chez Boréal").await;

    let made = claire
        .create_my_token(&NewApiToken {
            expires_at: Some(Utc::now() + Duration::days(30)),
            ..token("Supervision", &[TokenScope::TicketsRead])
        })
        .await
        .expect("token made");
    assert!(made.secret.starts_with("gch_"));
    assert_eq!(made.token.scopes, [TokenScope::TicketsRead]);
    assert!(made
        .secret
        .ends_with(made.token.hint.trim_start_matches("gch_…")));
    let robot = app.anonymous.with_access_token(made.secret.clone());

    // Its owner's view, no more: Claire's ticket, not Boréal's.
    let listed = robot
        .list_tickets(&TicketListQuery::default())
        .await
        .expect("listed with the token");
    assert!(listed.items.iter().any(|t| t.number == mine.number));
    assert_eq!(
        robot
            .ticket(&boreal.number)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(404))
    );
    assert_eq!(
        robot.me().await.expect("own profile").email,
        "claire@acme.test"
    );

    // Outside its scopes: 403 naming the scope, nothing written.
    let refused = robot
        .add_followup(
            &mine.number,
            &NewFollowup {
                body: "par le robot".into(),
                ..Default::default()
            },
        )
        .await
        .expect_err("no tickets:write");
    let problem = refused.problem().expect("a problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (403, "insufficient_scope")
    );
    assert!(problem
        .detail
        .as_deref()
        .unwrap_or_default()
        .contains("tickets:write"));
    let answer = robot
        .raw_json(
            "POST",
            &format!("/api/v1/tickets/{}/followups", mine.number),
            &json!({"body": "x"}),
        )
        .await
        .expect("an answer");
    assert_eq!(
        answer.header("www-authenticate"),
        Some("Bearer realm=\"guichet\", error=\"insufficient_scope\", scope=\"tickets:write\"")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_events WHERE event = 'followup'")
            .await,
        0
    );
    // Refused before the body is read: a bad body is still a 403, not a 422.
    assert_eq!(
        status(&robot, "POST", "/api/v1/tickets", Some(json!({}))).await,
        403
    );
    // Where nobody signs in (health checks, sign-in), a token sent along is ignored.
    assert_eq!(status(&robot, "GET", "/healthz", None).await, 200);
    let sign_in = json!({"email": "claire@acme.test", "password": crate::helpers::PASSWORD});
    assert_eq!(
        status(&robot, "POST", "/api/v1/auth/login", Some(sign_in)).await,
        200
    );
    // A token makes no tokens and changes no password.
    let password =
        json!({"current_password": crate::helpers::PASSWORD, "new_password": "Another-Pass-2026!"});
    for (method, path, body) in [
        ("GET", "/api/v1/me/tokens", None),
        (
            "POST",
            "/api/v1/me/tokens",
            Some(json!({"name": "x", "scopes": ["tickets:read"]})),
        ),
        ("POST", "/api/v1/me/password", Some(password)),
    ] {
        assert_eq!(
            status(&robot, method, path, body).await,
            403,
            "{method} {path}"
        );
    }

    // Listed without its secret, with its last use; hashed at rest.
    let tokens = claire.my_tokens(None).await.expect("listed");
    assert_eq!(tokens.items.len(), 1);
    let listed = &tokens.items[0];
    assert_eq!(listed.name, "Supervision");
    assert!(listed.last_used_at.is_some());
    assert_eq!(listed.last_used_address.as_deref(), Some("127.0.0.1"));
    let listing = serde_json::to_string(&tokens).expect("json");
    assert!(!listing.contains(&made.secret));
    let random_part = &made.secret[4..];
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE secret_hash LIKE '%{random_part}%' \
             OR hint LIKE '%{random_part}%' OR name LIKE '%{random_part}%'"
        ))
        .await,
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 1);

    // Made and revoked in the audit log.
    let admin = app.client_for("admin@guichet.test").await;
    claire
        .revoke_my_token(made.token.id)
        .await
        .expect("revoked");
    let actions: Vec<String> = admin
        .audit_events(&Default::default())
        .await
        .expect("audit")
        .items
        .into_iter()
        .filter(|e| e.target.kind == "api_token")
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["api_token.revoked", "api_token.created"]);
}

async fn each_scope_allows_exactly_its_operations(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Écran noir").await;
    let number = ticket.number.to_string();
    // One operation of each scope, read or written by an administrator.
    let operations: Vec<(TokenScope, &str, String, Option<serde_json::Value>)> = vec![
        (
            TokenScope::TicketsRead,
            "GET",
            format!("/api/v1/tickets/{number}"),
            None,
        ),
        (
            TokenScope::TicketsWrite,
            "POST",
            format!("/api/v1/tickets/{number}/followups"),
            Some(json!({"body": "Nous regardons."})),
        ),
        (
            TokenScope::AttachmentsRead,
            "GET",
            format!("/api/v1/tickets/{number}/attachments"),
            None,
        ),
        (
            TokenScope::AdminRead,
            "GET",
            "/api/v1/companies".to_owned(),
            None,
        ),
        (
            TokenScope::AdminWrite,
            "POST",
            "/api/v1/announcements".to_owned(),
            Some(json!({"title": "Maintenance", "body": "Ce soir."})),
        ),
        (
            TokenScope::WebhooksManage,
            "GET",
            "/api/v1/webhooks".to_owned(),
            None,
        ),
        (
            TokenScope::ExportsRead,
            "GET",
            "/api/v1/exports/tickets.csv".to_owned(),
            None,
        ),
        // Not a multipart body: past the scope, the upload refuses it (415), never a 403.
        (
            TokenScope::AttachmentsWrite,
            "POST",
            format!("/api/v1/tickets/{number}/attachments"),
            Some(json!({})),
        ),
    ];
    for &scope in TokenScope::ALL {
        let (robot, _) = with_token(&app, &admin, &[scope]).await;
        for (needed, method, path, body) in &operations {
            let got = status(&robot, method, path, body.clone()).await;
            if *needed == scope && scope == TokenScope::AttachmentsWrite {
                assert!(![401, 403].contains(&got), "{scope} {method} {path}: {got}");
            } else if *needed == scope {
                assert!((200..300).contains(&got), "{scope} {method} {path}: {got}");
            } else {
                assert_eq!(got, 403, "{scope} {method} {path}");
            }
        }
    }
    // A token never does more than its owner: a customer's token with every scope she may
    // use still cannot read the companies.
    let (robot, _) = with_token(
        &app,
        &claire,
        &TokenScope::usable(guichet_types::Role::Customer),
    )
    .await;
    assert_eq!(status(&robot, "GET", "/api/v1/companies", None).await, 403);
}

async fn expiry_revocation_and_deactivation_stop_a_token(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let read = [TokenScope::TicketsRead];

    let (expiring, id) = with_token(&app, &claire, &read).await;
    assert_eq!(status(&expiring, "GET", "/api/v1/tickets", None).await, 200);
    app.execute(&format!(
        "UPDATE api_tokens SET expires_at = '2020-01-01 00:00:00+00:00' WHERE id = {id}"
    ))
    .await;
    assert_eq!(status(&expiring, "GET", "/api/v1/tickets", None).await, 401);

    let (revoked, id) = with_token(&app, &claire, &read).await;
    claire.revoke_my_token(id).await.expect("revoked");
    assert_eq!(status(&revoked, "GET", "/api/v1/tickets", None).await, 401);
    assert_eq!(
        claire
            .revoke_my_token(id)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(404))
    );
    let listed = claire.my_tokens(None).await.expect("listed");
    assert!(listed.items.iter().all(|t| t.id != id));

    // Never from a URL: the same secret in the query string is not a credential.
    let made = claire
        .create_my_token(&token("url", &read))
        .await
        .expect("made");
    let answer = app
        .anonymous
        .raw(
            "GET",
            &format!("/api/v1/tickets?access_token={}", made.secret),
            None,
            None,
        )
        .await
        .expect("an answer");
    assert_eq!(answer.status, 401);

    // Its owner deactivated, it stops; reactivated, it works again.
    let kept = app.anonymous.with_access_token(made.secret.clone());
    let admin = app.client_for("admin@guichet.test").await;
    let me = claire.me().await.expect("me");
    let deactivate = |active| UserUpdate {
        active: Some(active),
        ..Default::default()
    };
    admin
        .update_user(me.id, &deactivate(false))
        .await
        .expect("deactivated");
    assert_eq!(status(&kept, "GET", "/api/v1/tickets", None).await, 401);
    admin
        .update_user(me.id, &deactivate(true))
        .await
        .expect("reactivated");
    assert_eq!(status(&kept, "GET", "/api/v1/tickets", None).await, 200);
}

async fn bad_token_requests_name_every_field_and_change_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let fields = |answer: guichet_client::RawResponse| -> (u16, Vec<String>) {
        let problem: guichet_types::Problem = answer.json().expect("problem+json");
        let mut fields: Vec<String> = problem
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        (answer.status, fields)
    };
    for (body, expected) in [
        (json!({"name": " ", "scopes": []}), vec!["name", "scopes"]),
        (
            json!({"name": "x", "scopes": ["tickets:delete"]}),
            vec!["scopes"],
        ),
        (
            json!({"name": "x", "scopes": ["tickets:read"], "owner": 1}),
            vec!["owner"],
        ),
        (
            json!({"name": "x", "scopes": ["tickets:read", "admin:write"], "expires_at": "2020-01-01T00:00:00Z"}),
            vec!["expires_at", "scopes.1"],
        ),
    ] {
        let answer = claire
            .raw_json("POST", "/api/v1/me/tokens", &body)
            .await
            .expect("an answer");
        let (status, got) = fields(answer);
        assert_eq!(status, 422, "{body}");
        assert_eq!(got, expected, "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
    assert_eq!(
        claire
            .revoke_my_token(999_999)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(404))
    );
}

async fn service_accounts_are_admins_accounts_for_integrations(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let acme_ticket = app.create(&claire, "Réseau lent").await;
    let paul = app.client_for("paul@boreal.test").await;
    let boreal_ticket = app.create(&paul, "Chez Boréal").await;
    let acme = claire.me().await.expect("me").company.expect("a company");

    let refused = agent
        .create_service_account(&NewServiceAccount {
            name: "Zabbix".into(),
            company_id: None,
        })
        .await
        .map_err(|e| e.status());
    assert_eq!(refused.err(), Some(Some(403)));
    let bad = admin
        .raw_json(
            "POST",
            "/api/v1/service-accounts",
            &json!({"name": "", "company_id": 999999}),
        )
        .await
        .expect("an answer");
    assert_eq!(bad.status, 422);

    let account = admin
        .create_service_account(&NewServiceAccount {
            name: "Supervision Acme".into(),
            company_id: Some(acme.id),
        })
        .await
        .expect("made");
    assert_eq!(account.company.as_ref().map(|c| c.id), Some(acme.id));
    let made = admin
        .create_service_account_token(account.id, &token("lecture", &[TokenScope::TicketsRead]))
        .await
        .expect("token made");
    let robot = app.anonymous.with_access_token(made.secret.clone());
    // Its company's tickets, as a referent would see them; not another company's.
    let seen = robot
        .list_tickets(&TicketListQuery {
            scope: Some(guichet_types::Scope::Company),
            ..Default::default()
        })
        .await
        .expect("listed");
    let numbers: Vec<_> = seen.items.iter().map(|t| t.number.clone()).collect();
    assert!(numbers.contains(&acme_ticket.number));
    assert!(!numbers.contains(&boreal_ticket.number));
    // A token cannot make service accounts or their tokens.
    assert_eq!(
        status(
            &robot,
            "POST",
            &format!("/api/v1/service-accounts/{}/tokens", account.id),
            Some(json!({"name": "x", "scopes": ["tickets:read"]}))
        )
        .await,
        403
    );

    // Not a person: not in the people list, not assignable.
    let people = admin
        .users(&UserListQuery {
            q: Some("Supervision".into()),
            ..Default::default()
        })
        .await
        .expect("people");
    assert!(people.items.is_empty());
    assert!(admin
        .staff()
        .await
        .expect("staff")
        .iter()
        .all(|s| s.id != account.id));
    assert_eq!(
        admin.user(account.id).await.map_err(|e| e.status()).err(),
        Some(Some(404))
    );

    let listed = admin.service_accounts(None).await.expect("listed");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(
        admin
            .service_account_tokens(account.id, None)
            .await
            .expect("tokens")
            .items
            .len(),
        1
    );

    // Deactivated, its tokens stop.
    admin
        .update_service_account(
            account.id,
            &ServiceAccountPatch {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("deactivated");
    assert_eq!(status(&robot, "GET", "/api/v1/tickets", None).await, 401);
    admin
        .revoke_service_account_token(account.id, made.token.id)
        .await
        .expect("revoked");
    let actions: Vec<String> = admin
        .audit_events(&Default::default())
        .await
        .expect("audit")
        .items
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("service_account") || a.starts_with("api_token"))
        .collect();
    assert_eq!(
        actions,
        [
            "api_token.revoked",
            "service_account.updated",
            "api_token.created",
            "service_account.created"
        ]
    );
}
