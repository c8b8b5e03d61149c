//! Sign-in, tokens, throttling, forced password change, password policy and profile.
use guichet_client::ClientError;
use guichet_types::{Locale, ProfileUpdate, Role};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

use crate::helpers::{address, spawn, spawn_with, Backend, PASSWORD, TOKEN_KEY};
use crate::on_both_databases;

on_both_databases!(
    login_gives_a_token_pair_that_opens_the_api,
    unknown_email_and_wrong_password_get_the_same_answer,
    refresh_rotates_and_a_reused_token_revokes_the_session,
    logout_ends_the_session,
    five_failures_throttle_the_account_whether_or_not_it_exists,
    failures_on_unknown_accounts_do_not_lock_out_the_office,
    the_address_limit_still_stops_a_guesser,
    bad_tokens_are_refused_with_401,
    a_generic_password_must_be_changed_before_anything_else,
    changing_the_password_applies_the_policy_and_signs_out_other_sessions,
    the_profile_can_be_read_and_updated,
    two_accounts_taking_one_address_at_once_get_200_and_409,
);

fn problem_code(error: &ClientError) -> (u16, String) {
    let problem = error
        .problem()
        .unwrap_or_else(|| panic!("a problem answer, got {error}"));
    (problem.status, problem.code.clone())
}

async fn login_gives_a_token_pair_that_opens_the_api(backend: Backend) {
    let app = spawn(backend).await;
    let tokens = app.login("claire@acme.test").await;
    assert_eq!(tokens.token_type, "Bearer");
    assert!(tokens.expires_in <= 900);
    assert!(!tokens.must_change_password);
    let me = app
        .anonymous
        .with_access_token(tokens.access_token)
        .me()
        .await
        .expect("me");
    assert_eq!(me.email, "claire@acme.test");
    assert_eq!(me.role, Role::Customer);
    assert_eq!(
        me.company.map(|c| c.name),
        Some("Acme Industrie".to_owned())
    );
    // Emails are matched without regard to case.
    app.anonymous
        .login(" Claire@ACME.test ", PASSWORD)
        .await
        .expect("case-insensitive email");
}

async fn unknown_email_and_wrong_password_get_the_same_answer(backend: Backend) {
    let app = spawn(backend).await;
    let unknown = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/auth/login",
            &json!({"email": "nobody@acme.test", "password": "Wrong-Password-1!"}),
        )
        .await
        .expect("answer");
    let wrong = app
        .anonymous
        .raw_json(
            "POST",
            "/api/v1/auth/login",
            &json!({"email": "claire@acme.test", "password": "Wrong-Password-1!"}),
        )
        .await
        .expect("answer");
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
    assert_eq!(
        unknown.header("content-type"),
        Some("application/problem+json")
    );
}

async fn refresh_rotates_and_a_reused_token_revokes_the_session(backend: Backend) {
    let app = spawn(backend).await;
    let first = app.login("claire@acme.test").await;
    let second = app
        .anonymous
        .refresh(&first.refresh_token)
        .await
        .expect("refresh");
    assert_ne!(second.refresh_token, first.refresh_token);
    app.anonymous
        .with_access_token(second.access_token.clone())
        .me()
        .await
        .expect("new access token works");

    // Replaying the used token is refused and revokes the session, so the newer pair dies too.
    let replay = app
        .anonymous
        .refresh(&first.refresh_token)
        .await
        .expect_err("reuse refused");
    assert_eq!(problem_code(&replay).0, 401);
    let after = app
        .anonymous
        .refresh(&second.refresh_token)
        .await
        .expect_err("session revoked");
    assert_eq!(problem_code(&after).0, 401);
    let me = app
        .anonymous
        .with_access_token(second.access_token)
        .me()
        .await
        .expect_err("access token of a revoked session");
    assert_eq!(problem_code(&me).0, 401);

    // A refresh token is never a bearer token.
    let fresh = app.login("claire@acme.test").await;
    let as_bearer = app
        .anonymous
        .with_access_token(fresh.refresh_token)
        .me()
        .await
        .expect_err("refused");
    assert_eq!(problem_code(&as_bearer).0, 401);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn(backend).await;
    let tokens = app.login("claire@acme.test").await;
    app.anonymous
        .logout(&tokens.refresh_token)
        .await
        .expect("logout");
    let refused = app
        .anonymous
        .refresh(&tokens.refresh_token)
        .await
        .expect_err("logged out");
    assert_eq!(problem_code(&refused).0, 401);
    let me = app
        .anonymous
        .with_access_token(tokens.access_token)
        .me()
        .await
        .expect_err("session ended");
    assert_eq!(problem_code(&me).0, 401);
    // Unknown tokens get the same answer.
    app.anonymous
        .logout("not-a-token")
        .await
        .expect("no enumeration");
}

async fn five_failures_throttle_the_account_whether_or_not_it_exists(backend: Backend) {
    for email in ["remi@acme.test", "ghost@acme.test"] {
        let app = spawn(backend).await;
        for _ in 0..5 {
            let error = app
                .anonymous
                .login(email, "Wrong-Password-1!")
                .await
                .expect_err("wrong password");
            assert_eq!(
                problem_code(&error),
                (401, "invalid_credentials".to_owned())
            );
        }
        // Even the right password now waits, and the answer does not tell whether the account exists.
        let throttled = app
            .anonymous
            .raw_json(
                "POST",
                "/api/v1/auth/login",
                &json!({"email": email, "password": PASSWORD}),
            )
            .await
            .expect("answer");
        assert_eq!(throttled.status, 429, "{email}");
        let retry_after: u64 = throttled
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!(retry_after > 0 && retry_after <= 15 * 60);
        let problem: guichet_types::Problem = throttled.json().expect("problem");
        assert_eq!(problem.code, "too_many_requests");
        assert_eq!(problem.retry_after, Some(retry_after));
        // Only that account waits: a colleague signing in from the same address does not.
        app.anonymous
            .login("claire@acme.test", PASSWORD)
            .await
            .expect("another account from the same address");
    }
}

async fn failures_on_unknown_accounts_do_not_lock_out_the_office(backend: Backend) {
    let app = spawn(backend).await;
    for n in 0..20 {
        let error = app
            .anonymous
            .login(&format!("typo{n}@acme.test"), "Wrong-Password-1!")
            .await
            .expect_err("unknown account");
        assert_eq!(
            problem_code(&error),
            (401, "invalid_credentials".to_owned())
        );
    }
    app.anonymous
        .login("claire@acme.test", PASSWORD)
        .await
        .expect("a real customer from the same address");
}

async fn the_address_limit_still_stops_a_guesser(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_SIGN_IN_ADDRESS_LIMIT", "8")]).await;
    for n in 0..8 {
        let error = app
            .anonymous
            .login(&format!("guess{n}@acme.test"), "Wrong-Password-1!")
            .await
            .expect_err("unknown account");
        assert_eq!(problem_code(&error).0, 401);
    }
    let error = app
        .anonymous
        .login("claire@acme.test", PASSWORD)
        .await
        .expect_err("the address is throttled");
    let problem = error.problem().expect("a problem answer");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (429, "too_many_requests")
    );
    assert!(problem.retry_after.is_some_and(|s| s > 0 && s <= 15 * 60));
}

async fn bad_tokens_are_refused_with_401(backend: Backend) {
    let app = spawn(backend).await;
    let tokens = app.login("claire@acme.test").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64, typ: &str, aud: &str| json!({"sub": "1", "sid": 1, "typ": typ, "iss": "guichet", "aud": aud, "iat": now - 3600, "exp": exp});
    let sign = |claims: serde_json::Value| {
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(TOKEN_KEY.as_bytes()),
        )
        .expect("sign")
    };
    let (head, rest) = tokens.access_token.split_once('.').expect("a JWT");
    let payload = rest.split('.').next().unwrap_or_default();
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
    let forged = [
        ("expired", sign(claims(now - 60, "access", "guichet-api"))),
        (
            "wrong type",
            sign(claims(now + 600, "refresh", "guichet-api")),
        ),
        (
            "wrong audience",
            sign(claims(now + 600, "access", "elsewhere")),
        ),
        ("bad signature", format!("{head}.{payload}.AAAA")),
        ("alg none", format!("{none_header}.{payload}.")),
        ("garbage", "garbage".to_owned()),
    ];
    for (what, token) in forged {
        let answer = app
            .anonymous
            .with_access_token(token)
            .raw("GET", "/api/v1/me", None, None)
            .await
            .expect("answer");
        assert_eq!(answer.status, 401, "{what}");
        assert!(
            answer
                .header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer")),
            "{what}"
        );
    }
    let none = app
        .anonymous
        .raw("GET", "/api/v1/me", None, None)
        .await
        .expect("answer");
    assert_eq!(none.status, 401);
}

async fn a_generic_password_must_be_changed_before_anything_else(backend: Backend) {
    let app = spawn(backend).await;
    let tokens = app.login("nouveau@acme.test").await;
    assert!(tokens.must_change_password);
    let client = app.anonymous.with_access_token(tokens.access_token);
    for path in ["/api/v1/me", "/api/v1/tickets", "/api/v1/categories"] {
        let answer = client.raw("GET", path, None, None).await.expect("answer");
        assert_eq!(answer.status, 403, "{path}");
        let problem: guichet_types::Problem = answer.json().expect("problem");
        assert_eq!(problem.code, "password_change_required");
    }
    client
        .change_password(PASSWORD, "Mon-Nouveau-Secret-42")
        .await
        .expect("changed");
    assert!(!client.me().await.expect("me").must_change_password);
    let again = app
        .anonymous
        .login("nouveau@acme.test", "Mon-Nouveau-Secret-42")
        .await
        .expect("new password");
    assert!(!again.must_change_password);
}

async fn changing_the_password_applies_the_policy_and_signs_out_other_sessions(backend: Backend) {
    let app = spawn(backend).await;
    let other_session = app.login("claire@acme.test").await;
    let client = app.client_for("claire@acme.test").await;

    for (weak, rule) in [
        ("short1!A", "12"),
        ("alllowercase-123", "upper"),
        ("NoDigitsHere-!!", "digit"),
        ("NoSpecials12345", "special"),
    ] {
        let error = client
            .change_password(PASSWORD, weak)
            .await
            .expect_err("weak password");
        let problem = error.problem().expect("problem");
        assert_eq!(problem.status, 422);
        let field = problem
            .field_error("new_password")
            .expect("new_password named");
        assert_eq!(field.code, "password_policy");
        assert!(field.message.contains(rule), "{weak}: {}", field.message);
    }
    let wrong = client
        .change_password("Not-The-Password-1", "Another-Secret-2026!")
        .await
        .expect_err("wrong current");
    assert!(wrong
        .problem()
        .and_then(|p| p.field_error("current_password"))
        .is_some());

    client
        .change_password(PASSWORD, "Another-Secret-2026!")
        .await
        .expect("changed");
    client.me().await.expect("this session lives on");
    let refused = app
        .anonymous
        .refresh(&other_session.refresh_token)
        .await
        .expect_err("other session revoked");
    assert_eq!(problem_code(&refused).0, 401);
    let old = app
        .anonymous
        .login("claire@acme.test", PASSWORD)
        .await
        .expect_err("old password");
    assert_eq!(problem_code(&old).0, 401);
}

async fn the_profile_can_be_read_and_updated(backend: Backend) {
    let app = spawn(backend).await;
    let client = app.client_for("claire@acme.test").await;
    let update = ProfileUpdate {
        prefix: Some("Mme".into()),
        title: Some("Responsable informatique".into()),
        office_phone: Some("03 89 00 00 00".into()),
        mobile_phone: Some("06 12 34 56 78".into()),
        locale: Some(Locale::En),
        show_landing_page: Some(false),
        ..Default::default()
    };
    let profile = client.update_me(&update).await.expect("updated");
    assert_eq!(profile.prefix, "Mme");
    assert_eq!(profile.office_phone, "03 89 00 00 00");
    assert_eq!(profile.locale, Locale::En);
    assert!(!profile.show_landing_page);
    assert_eq!(client.me().await.expect("me"), profile);

    let bad = client
        .raw_json(
            "PATCH",
            "/api/v1/me",
            &json!({"first_name": "", "email": "not-an-email", "locale": "de", "role": "admin"}),
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let problem: guichet_types::Problem = bad.json().expect("problem");
    let fields = problem.fields();
    assert_eq!(fields, vec!["email", "first_name", "locale", "role"]);
    assert_eq!(client.me().await.expect("me"), profile, "nothing changed");

    let taken = client
        .update_me(&ProfileUpdate {
            email: Some(address("remi@acme.test")),
            ..Default::default()
        })
        .await
        .expect_err("taken");
    assert_eq!(
        taken
            .problem()
            .and_then(|p| p.field_error("email"))
            .map(|e| e.code.as_str()),
        Some("taken")
    );
}

/// Two accounts change to one new address at the same moment: the unique index decides, and
/// the other is told the address is taken (409 `conflict` naming `email`), as if it had come
/// second, never a 500.
async fn two_accounts_taking_one_address_at_once_get_200_and_409(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let update = ProfileUpdate {
        email: Some(address("accueil@example.test")),
        ..Default::default()
    };
    let (first, second) = tokio::join!(claire.update_me(&update), paul.update_me(&update));

    let mut changed = 0;
    for answer in [first, second] {
        match answer {
            Ok(profile) => {
                assert_eq!(profile.email, "accueil@example.test");
                changed += 1;
            }
            Err(error) => {
                let problem = error
                    .problem()
                    .unwrap_or_else(|| panic!("a problem answer, got {error}"));
                let taken = problem
                    .field_error("email")
                    .map(|e| (e.code.as_str(), e.message.as_str()));
                assert_eq!(
                    (problem.status, problem.code.as_str(), taken),
                    (
                        409,
                        "conflict",
                        Some(("taken", "another one already has this value"))
                    )
                );
            }
        }
    }
    assert_eq!(changed, 1, "exactly one account has the address");
    let holders = "SELECT COUNT(*) FROM users WHERE email = 'accueil@example.test'";
    assert_eq!(app.count(holders).await, 1);
}
