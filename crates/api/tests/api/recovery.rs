//! Accounts by email: the forgotten password and the access request by service code, with
//! the mails delivered to a real SMTP server on loopback.
use guichet_client::ClientError;
use guichet_types::{AccessRequest, Role};
use serde_json::json;

use crate::helpers::{address, spawn, spawn_with, spawn_without_demo, Backend, TestApp, PASSWORD};
use crate::on_both_databases;
use crate::smtp::{Received, SmtpServer};

on_both_databases!(
    a_reset_link_works_once_and_signs_out_every_session,
    unknown_addresses_get_the_same_answer_and_no_mail,
    expired_links_are_refused_and_a_reset_lifts_a_forced_change,
    a_known_contact_gets_an_account_and_a_set_password_link,
    an_address_that_sent_tickets_gets_an_account_too,
    unknown_or_foreign_access_requests_create_nothing,
    requests_are_throttled_per_address_and_per_client,
    a_new_install_gets_its_first_administrator_from_the_command_line,
);

const NEW_PASSWORD: &str = "Un-Nouveau-Secret-42";

fn problem_fields(error: &ClientError) -> (u16, Vec<(String, String)>) {
    let problem = error
        .problem()
        .unwrap_or_else(|| panic!("a problem answer, got {error}"));
    let fields = problem
        .errors
        .iter()
        .flatten()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect();
    (problem.status, fields)
}

/// The text of a delivered mail, quoted-printable soft breaks (`=\r\n`) and escapes (`=3D`)
/// undone.
pub(crate) fn decoded(mail: &Received) -> String {
    let body = mail
        .data
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default()
        .replace("=\r\n", "");
    let bytes = body.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let (b'=', Some(&high), Some(&low)) = (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            if let (Some(high), Some(low)) = (hex(high), hex(low)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The token of the first `/{page}#token=` link of the mail.
pub(crate) fn token_in(mail: &Received, page: &str) -> String {
    let text = decoded(mail);
    let marker = format!("/{page}#token=");
    let start = text
        .find(&marker)
        .unwrap_or_else(|| panic!("a {marker} link in {text}"))
        + marker.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    token
}

pub(crate) fn to<'a>(mails: &'a [Received], address: &str) -> Vec<&'a Received> {
    mails
        .iter()
        .filter(|m| m.recipients.iter().any(|r| r == address))
        .collect()
}

/// Waits until the server has handled `count` account mail requests (the job acts on them
/// after the 202), so that what they wrote, or did not write, is there to check.
pub(crate) async fn handled(app: &TestApp, count: i64) {
    for _ in 0..300 {
        if app
            .count("SELECT COUNT(*) FROM account_mail_requests WHERE done_at IS NOT NULL OR NOT accepted")
            .await
            >= count
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server did not handle {count} requests");
}

pub(crate) async fn with_smtp(backend: Backend) -> (TestApp, SmtpServer) {
    let (server, url) = SmtpServer::start().await;
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", &url)]).await;
    (app, server)
}

fn access(full_name: &str, email: &str, service_code: &str) -> AccessRequest {
    AccessRequest {
        full_name: full_name.to_owned(),
        email: address(email),
        service_code: service_code.to_owned(),
    }
}

async fn a_reset_link_works_once_and_signs_out_every_session(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let first = app.login("claire@acme.test").await;
    let second = app.login("claire@acme.test").await;

    // The server lowers the address it is given.
    let asked = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/auth/password-reset",
            &json!({"email": "Claire@ACME.test"}),
        )
        .await
        .expect("answer");
    assert_eq!(asked.status, 202);
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(to(&mails, "claire@acme.test").len(), 1);
    let token = token_in(&mails[0], "reset-password");
    // Only the hash is stored.
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM account_tokens WHERE token_hash = '{token}'"
        ))
        .await;
    assert_eq!(stored, 0);

    // The link's page learns whose it is, as often as it is opened, without using it.
    for _ in 0..2 {
        let account = app
            .anonymous
            .inspect_password_link(&token)
            .await
            .expect("a valid link");
        assert_eq!(account.email, "claire@acme.test");
    }

    let weak = app
        .anonymous
        .confirm_password_reset(&token, "short")
        .await
        .expect_err("policy");
    assert_eq!(
        problem_fields(&weak),
        (422, vec![("new_password".into(), "password_policy".into())])
    );

    app.anonymous
        .confirm_password_reset(&token, NEW_PASSWORD)
        .await
        .expect("the link works");
    let again = app
        .anonymous
        .confirm_password_reset(&token, "Encore-Un-Autre-43!")
        .await
        .expect_err("single use");
    assert_eq!(
        problem_fields(&again),
        (422, vec![("token".into(), "invalid_token".into())])
    );
    let spent = app
        .anonymous
        .inspect_password_link(&token)
        .await
        .expect_err("a used link names no one");
    assert_eq!(
        problem_fields(&spent),
        (422, vec![("token".into(), "invalid_token".into())])
    );

    let old = app
        .anonymous
        .login("claire@acme.test", PASSWORD)
        .await
        .expect_err("the old password is gone");
    assert_eq!(old.status(), Some(401));
    app.anonymous
        .login("claire@acme.test", NEW_PASSWORD)
        .await
        .expect("the new password works");
    for pair in [first, second] {
        let refreshed = app
            .anonymous
            .refresh(&pair.refresh_token)
            .await
            .expect_err("every session is revoked");
        assert_eq!(refreshed.status(), Some(401));
        let me = app
            .anonymous
            .with_access_token(pair.access_token)
            .me()
            .await
            .expect_err("its access token too");
        assert_eq!(me.status(), Some(401));
    }
    assert_eq!(smtp.received().len(), 1, "one mail only");
}

async fn unknown_addresses_get_the_same_answer_and_no_mail(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let unknown = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/auth/password-reset",
            &json!({"email": "nobody@acme.test"}),
        )
        .await
        .expect("answer");
    let known = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/auth/password-reset",
            &json!({"email": "paul@boreal.test"}),
        )
        .await
        .expect("answer");
    assert_eq!((unknown.status, known.status), (202, 202));
    assert_eq!(unknown.body, known.body);
    // Stored before the answer: a crash now would lose neither.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM account_mail_requests")
            .await,
        2
    );
    handled(&app, 2).await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_messages").await, 1);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].recipients, vec!["paul@boreal.test".to_owned()]);
    // Paul reads English.
    assert_eq!(
        mails[0].header("Subject").as_deref(),
        Some("Reset your password")
    );

    let invalid = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/auth/password-reset",
            &json!({"email": "not an address"}),
        )
        .await
        .expect("answer");
    assert_eq!(invalid.status, 422);
}

async fn expired_links_are_refused_and_a_reset_lifts_a_forced_change(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    app.anonymous
        .request_password_reset(&address("nouveau@acme.test"))
        .await
        .expect("202");
    let expired = token_in(&smtp.wait_for(1).await[0], "reset-password");
    app.execute("UPDATE account_tokens SET expires_at = created_at")
        .await;
    for token in [expired.as_str(), "not-a-token-we-gave"] {
        let dead = app
            .anonymous
            .inspect_password_link(token)
            .await
            .expect_err("expired or unknown");
        assert_eq!(
            problem_fields(&dead),
            (422, vec![("token".into(), "invalid_token".into())]),
            "{token}"
        );
    }
    let empty = app
        .anonymous
        .inspect_password_link("")
        .await
        .expect_err("no token");
    assert_eq!(
        problem_fields(&empty),
        (422, vec![("token".into(), "length".into())])
    );
    let refused = app
        .anonymous
        .confirm_password_reset(&expired, NEW_PASSWORD)
        .await
        .expect_err("expired");
    assert_eq!(
        problem_fields(&refused),
        (422, vec![("token".into(), "invalid_token".into())])
    );
    let forged = app
        .anonymous
        .confirm_password_reset("not-a-token-we-gave", NEW_PASSWORD)
        .await
        .expect_err("unknown");
    assert_eq!(problem_fields(&forged).1[0].1, "invalid_token");

    app.anonymous
        .request_password_reset(&address("nouveau@acme.test"))
        .await
        .expect("202");
    let fresh = token_in(&smtp.wait_for(2).await[1], "reset-password");
    app.anonymous
        .confirm_password_reset(&fresh, NEW_PASSWORD)
        .await
        .expect("a fresh link works");
    let pair = app
        .anonymous
        .login("nouveau@acme.test", NEW_PASSWORD)
        .await
        .expect("sign in");
    assert!(!pair.must_change_password);
}

async fn a_known_contact_gets_an_account_and_a_set_password_link(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    app.anonymous
        .request_access(&access("Agnès Martin", "achats@acme.test", "1234"))
        .await
        .expect("202");
    let mails = smtp.wait_for(1).await;
    assert_eq!(to(&mails, "achats@acme.test").len(), 1);
    let token = token_in(&mails[0], "set-password");
    assert!(decoded(&mails[0]).contains("Acme Industrie"));

    // The account exists but no password opens it yet.
    let users = "SELECT COUNT(*) FROM users WHERE email = 'achats@acme.test'";
    assert_eq!(app.count(users).await, 1);
    assert!(app
        .anonymous
        .login("achats@acme.test", PASSWORD)
        .await
        .is_err());

    let account = app
        .anonymous
        .inspect_password_link(&token)
        .await
        .expect("a valid link");
    assert_eq!(account.email, "achats@acme.test");
    app.anonymous
        .confirm_password_reset(&token, NEW_PASSWORD)
        .await
        .expect("the set-password link works");
    let pair = app
        .anonymous
        .login("achats@acme.test", NEW_PASSWORD)
        .await
        .expect("sign in");
    let me = app
        .anonymous
        .with_access_token(pair.access_token)
        .me()
        .await
        .expect("me");
    assert_eq!(me.role, Role::Customer);
    assert_eq!(
        (me.first_name.as_str(), me.last_name.as_str()),
        ("Agnès", "Martin")
    );
    assert_eq!(
        me.company.map(|c| c.name).as_deref(),
        Some("Acme Industrie")
    );

    // Asking again: the account exists, so a reset link comes instead; no second account.
    app.anonymous
        .request_access(&access("Agnès Martin", "achats@acme.test", "1234"))
        .await
        .expect("202");
    let mails = smtp.wait_for(2).await;
    token_in(&mails[1], "reset-password");
    assert_eq!(app.count(users).await, 1);
}

async fn an_address_that_sent_tickets_gets_an_account_too(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let mut ticket = app.new_ticket(&claire, "Imprimante en panne").await;
    ticket.notify = Some(true);
    ticket.notify_email = Some("Atelier@acme.test".to_owned());
    claire.create_ticket(&ticket).await.expect("ticket");

    app.anonymous
        .request_access(&access("Jean Atelier", "atelier@acme.test", "1234"))
        .await
        .expect("202");
    // The ticket's own notifications arrive too; wait for the link among them.
    let mut link = None;
    for _ in 0..300 {
        link = smtp.received().into_iter().find(|m| {
            m.recipients == ["atelier@acme.test"] && decoded(m).contains("/set-password#token=")
        });
        if link.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let link = link.expect("a set-password mail");
    token_in(&link, "set-password");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'atelier@acme.test'")
            .await,
        1
    );
}

async fn unknown_or_foreign_access_requests_create_nothing(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    for request in [
        // A known contact of Acme with Boréal's code.
        access("Agnès Martin", "achats@acme.test", "5678"),
        // A code no company has.
        access("Agnès Martin", "achats@acme.test", "0000"),
        // An address Acme does not know.
        access("Inconnu", "inconnu@acme.test", "1234"),
        // An account of Boréal with Acme's code.
        access("Paul", "paul@boreal.test", "1234"),
    ] {
        app.anonymous.request_access(&request).await.expect("202");
    }
    handled(&app, 4).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM account_tokens").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_messages").await, 0);
    assert!(smtp.received().is_empty());

    let invalid = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/access-requests",
            &json!({"full_name": "", "email": "nope", "service_code": "12a"}),
        )
        .await
        .expect("answer");
    assert_eq!(invalid.status, 422);
    let problem: guichet_types::Problem = invalid.json().expect("a problem");
    let fields: Vec<(&str, &str)> = problem
        .errors
        .iter()
        .flatten()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("email", "email"),
            ("full_name", "length"),
            ("service_code", "service_code"),
        ]
    );
}

async fn requests_are_throttled_per_address_and_per_client(backend: Backend) {
    let app = spawn(backend).await;
    // Per address: 3 within 15 minutes; the others are accepted (202) and send nothing.
    for _ in 0..5 {
        app.anonymous
            .request_password_reset(&address("claire@acme.test"))
            .await
            .expect("still 202");
    }
    handled(&app, 5).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_messages").await, 3);
    // Per client: 10 within 15 minutes, whatever the addresses (3 used above).
    for n in 0..7 {
        app.anonymous
            .request_password_reset(&address(&format!("nobody{n}@acme.test")))
            .await
            .expect("202");
    }
    handled(&app, 12).await;
    app.anonymous
        .request_access(&access("Agnès Martin", "achats@acme.test", "1234"))
        .await
        .expect("still 202");
    handled(&app, 13).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_messages").await, 3);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'achats@acme.test'")
            .await,
        0
    );
}

/// `guichet admin create` on a database without demo data: the administrator sets a
/// password from the printed link (also mailed), once, then has the admin's permissions; an
/// address already taken is refused and adds nothing.
async fn a_new_install_gets_its_first_administrator_from_the_command_line(backend: Backend) {
    use guichet_api::auth::recovery::create_admin;
    use guichet_api::error::ApiError;
    use guichet_types::{EmailAddress, Locale, Permission};

    let app = spawn_without_demo(backend).await;
    let email = EmailAddress::parse("Patronne@Prestataire.test").expect("an address");
    let link = create_admin(&app.state, &email, "Ana", "Dupont", Locale::Fr)
        .await
        .expect("created");
    let token = link
        .split_once("/set-password#token=")
        .map(|(_, token)| token.to_owned())
        .expect("a set-password link");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM outbox_messages WHERE recipient = 'patronne@prestataire.test'"
        )
        .await,
        1,
        "the link is mailed too"
    );
    app.anonymous
        .confirm_password_reset(&token, NEW_PASSWORD)
        .await
        .expect("the password is set");
    assert!(
        app.anonymous
            .confirm_password_reset(&token, NEW_PASSWORD)
            .await
            .is_err(),
        "the link works once"
    );
    let mut admin = app.anonymous.clone();
    let tokens = admin
        .login("patronne@prestataire.test", NEW_PASSWORD)
        .await
        .expect("signed in");
    admin.set_access_token(Some(tokens.access_token));
    let profile = admin.me().await.expect("profile");
    assert_eq!(profile.role, Role::Admin);
    assert!(profile.permissions.contains(&Permission::Admin));

    let users = app.count("SELECT COUNT(*) FROM users").await;
    let again = create_admin(&app.state, &email, "Autre", "Personne", Locale::En).await;
    match again {
        Err(ApiError::Taken(member)) => assert_eq!(member, "email"),
        other => panic!("a taken address must be refused: {other:?}"),
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users);
}
