//! People (`/users`): creation with an invitation mailed and used, who may do what, unique
//! addresses, sessions ended by deactivation and by role and company changes, the last
//! administrator, lockouts, the people search, and one audit entry per write.
use chrono::{Duration, Utc};
use guichet_api::auth::SessionUser;
use guichet_api::entities::account_tokens;
use guichet_api::error::ApiError;
use guichet_client::{Client, ClientError};
use guichet_types::{
    AuditEvent, AuditQuery, CompanyId, Locale, NewUser, ProfileUpdate, Role, User, UserId,
    UserListQuery, UserUpdate,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{address, spawn, Backend, TestApp, PASSWORD};
use crate::on_both_databases;
use crate::recovery::{decoded, to, token_in, with_smtp};

on_both_databases!(
    an_invited_person_sets_a_password_from_the_mail_and_signs_in,
    agents_make_customers_and_everyone_else_is_refused,
    an_address_is_one_account_also_when_two_are_made_at_once,
    patch_me_cannot_change_role_company_or_activity,
    deactivation_and_role_or_company_changes_end_sessions,
    the_last_administrator_stays_one,
    a_lifted_lockout_lets_the_account_sign_in_again,
    people_are_found_by_names_address_and_phone_digits,
);

pub(crate) const NEW_PASSWORD: &str = "Un-Nouveau-Secret-42";

pub(crate) fn problem(error: &ClientError) -> (u16, String, Vec<String>) {
    let problem = error
        .problem()
        .unwrap_or_else(|| panic!("a problem answer, got {error}"));
    let fields = problem.fields().into_iter().map(str::to_owned).collect();
    (problem.status, problem.code.clone(), fields)
}

pub(crate) async fn company_id(app: &TestApp, service_code: &str) -> CompanyId {
    let sql = format!("SELECT id FROM companies WHERE service_code = '{service_code}'");
    CompanyId(app.count(&sql).await)
}

pub(crate) async fn user_id(app: &TestApp, email: &str) -> UserId {
    UserId(
        app.count(&format!("SELECT id FROM users WHERE email = '{email}'"))
            .await,
    )
}

/// The audit entries about `target` (`user`, `access_request`…), newest first, read back
/// through `GET /audit-events` as an administrator.
pub(crate) async fn audit_of(app: &TestApp, kind: &str, id: impl ToString) -> Vec<AuditEvent> {
    let admin = app.client_for("admin@guichet.test").await;
    let query = AuditQuery {
        target_type: Some(kind.to_owned()),
        target_id: Some(id.to_string()),
        limit: Some(100),
        ..Default::default()
    };
    admin
        .audit_events(&query)
        .await
        .expect("the audit log")
        .items
}

pub(crate) fn actions(events: &[AuditEvent]) -> Vec<&str> {
    events.iter().map(|e| e.action.as_str()).collect()
}

/// Entries of the log other than sign-ins: what a refused write must not add to.
const WRITES: &str = "SELECT COUNT(*) FROM audit_events WHERE action NOT LIKE 'auth.%'";

fn julie(company: CompanyId) -> NewUser {
    NewUser {
        email: address("Julie.Bernard@acme.test"),
        first_name: " Julie ".to_owned(),
        last_name: "Bernard".to_owned(),
        office_phone: Some("03 89 00 00 01".to_owned()),
        company_id: Some(company),
        ..Default::default()
    }
}

async fn an_invited_person_sets_a_password_from_the_mail_and_signs_in(backend: Backend) {
    let (app, smtp) = with_smtp(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let acme = company_id(&app, "1234").await;
    let created = admin
        .raw_json(
            "POST",
            "/api/v1/users",
            &json!({
                "email": "Julie.Bernard@acme.test", "first_name": " Julie ", "last_name": "Bernard",
                "office_phone": "03 89 00 00 01", "company_id": acme.0, "locale": "en",
            }),
        )
        .await
        .expect("answer");
    assert_eq!(created.status, 201);
    let julie: User = created.json().expect("a person");
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/users/{}", julie.id).as_str())
    );
    assert_eq!(
        (julie.email.as_str(), julie.first_name.as_str(), julie.role),
        ("julie.bernard@acme.test", "Julie", Role::Customer)
    );
    assert_eq!(julie.company_name.as_deref(), Some("Acme Industrie"));
    assert!(julie.active);
    assert_eq!(admin.user(julie.id).await.expect("read back"), julie);

    // The invitation, in her language, with a link valid 7 days.
    let mails = smtp.wait_for(1).await;
    let invitation = to(&mails, "julie.bernard@acme.test");
    assert_eq!(invitation.len(), 1);
    assert_eq!(
        invitation[0].header("Subject").as_deref(),
        Some("Your invitation to the support portal")
    );
    assert!(decoded(invitation[0]).contains("at Acme Industrie"));
    let first = token_in(invitation[0], "set-password");
    let stored = account_tokens::Entity::find()
        .filter(account_tokens::Column::UserId.eq(julie.id))
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("a token");
    assert_eq!(stored.purpose, "invitation");
    let validity = stored.expires_at - stored.created_at;
    assert_eq!(validity, Duration::days(7));
    assert!(stored.expires_at > Utc::now() + Duration::days(6));
    assert!(app
        .anonymous
        .login("julie.bernard@acme.test", PASSWORD)
        .await
        .is_err());

    // Sent again: a new link, and the first one no longer works.
    admin
        .send_user_invitation(julie.id)
        .await
        .expect("sent again");
    let mails = smtp.wait_for(2).await;
    let second = token_in(to(&mails, "julie.bernard@acme.test")[1], "set-password");
    let dead = app
        .anonymous
        .inspect_password_link(&first)
        .await
        .expect_err("replaced");
    assert_eq!(problem(&dead).2, ["token"]);
    let account = app
        .anonymous
        .inspect_password_link(&second)
        .await
        .expect("live");
    assert_eq!(account.email, "julie.bernard@acme.test");
    app.anonymous
        .confirm_password_reset(&second, NEW_PASSWORD)
        .await
        .expect("the password is set");
    let pair = app
        .anonymous
        .login("julie.bernard@acme.test", NEW_PASSWORD)
        .await
        .expect("she signs in");
    let me = app
        .anonymous
        .with_access_token(pair.access_token)
        .me()
        .await
        .expect("me");
    assert_eq!(
        (me.role, me.locale, me.office_phone.as_str()),
        (Role::Customer, Locale::En, "03 89 00 00 01")
    );

    // The support team also mails a reset link on request.
    admin
        .send_user_password_reset(julie.id)
        .await
        .expect("reset link");
    let mails = smtp.wait_for(3).await;
    token_in(to(&mails, "julie.bernard@acme.test")[2], "reset-password");

    // One entry per act, the newest first, naming the administrator; no secret in them.
    let log = audit_of(&app, "user", julie.id).await;
    assert_eq!(
        actions(&log),
        [
            "user.password_reset_sent",
            "auth.login",
            "auth.password_reset",
            "user.invitation_sent",
            "auth.login_failed",
            "user.created"
        ]
    );
    let admin_id = user_id(&app, "admin@guichet.test").await;
    let created = &log[5];
    assert_eq!(created.actor.as_ref().map(|a| a.id), Some(admin_id));
    assert_eq!(
        created.changes.get("email").map(|c| c.to.clone()),
        Some(json!("julie.bernard@acme.test"))
    );
    assert_eq!(
        created.changes.get("invited").map(|c| c.to.clone()),
        Some(json!(true))
    );
    let text = serde_json::to_string(&log).expect("json");
    for secret in [first.as_str(), second.as_str(), "password_hash", "$argon2"] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
    assert_eq!(
        log[2].changes.get("link").map(|c| c.to.clone()),
        Some(json!("invitation"))
    );
}

async fn agents_make_customers_and_everyone_else_is_refused(backend: Backend) {
    let app = spawn(backend).await;
    let acme = company_id(&app, "1234").await;
    let agent = app.client_for("agent@guichet.test").await;
    let admin_id = user_id(&app, "admin@guichet.test").await;
    let agent_id = user_id(&app, "agent@guichet.test").await;
    let remi_id = user_id(&app, "remi@acme.test").await;
    let claire_id = user_id(&app, "claire@acme.test").await;
    let users = "SELECT COUNT(*) FROM users";
    let (people, writes) = (app.count(users).await, app.count(WRITES).await);

    // Customers and referents manage nobody, not even themselves.
    for email in ["claire@acme.test", "remi@acme.test"] {
        let client = app.client_for(email).await;
        let refusals = [
            client.users(&UserListQuery::default()).await.map(|_| ()),
            client.create_user(&julie(acme)).await.map(|_| ()),
            client.user(claire_id).await.map(|_| ()),
            client
                .update_user(
                    claire_id,
                    &UserUpdate {
                        role: Some(Role::Admin),
                        ..Default::default()
                    },
                )
                .await
                .map(|_| ()),
            client.send_user_invitation(claire_id).await,
            client.send_user_password_reset(claire_id).await,
            client.lift_user_lockout(claire_id).await,
            client.access_requests(None, None).await.map(|_| ()),
        ];
        for (i, refused) in refusals.into_iter().enumerate() {
            let error = refused.expect_err("refused");
            assert_eq!(problem(&error).0, 403, "{email}, call {i}");
        }
    }

    // Agents: customers only, never a role, a company or the activity.
    for role in [Role::Referent, Role::Agent, Role::Admin] {
        let staff = role.is_staff();
        let input = NewUser {
            role: Some(role),
            company_id: (!staff).then_some(acme),
            ..julie(acme)
        };
        let refused = agent.create_user(&input).await.expect_err("admins only");
        assert_eq!(problem(&refused).0, 403, "{role}");
    }
    for target in [admin_id, remi_id] {
        let refused = agent
            .update_user(
                target,
                &UserUpdate {
                    first_name: Some("Pirate".to_owned()),
                    ..Default::default()
                },
            )
            .await
            .expect_err("customers only");
        assert_eq!(problem(&refused).0, 403);
    }
    for update in [
        UserUpdate {
            role: Some(Role::Referent),
            ..Default::default()
        },
        UserUpdate {
            active: Some(false),
            ..Default::default()
        },
        UserUpdate {
            company_id: Some(Some(company_id(&app, "5678").await)),
            ..Default::default()
        },
    ] {
        let refused = agent
            .update_user(claire_id, &update)
            .await
            .expect_err("admins only");
        assert_eq!(problem(&refused).0, 403, "{update:?}");
    }
    let hidden = agent.user(admin_id).await.expect_err("staff");
    assert_eq!(problem(&hidden).0, 403);
    for act in [
        agent.send_user_invitation(agent_id).await,
        agent.send_user_password_reset(admin_id).await,
        agent.lift_user_lockout(remi_id).await,
    ] {
        assert_eq!(problem(&act.expect_err("customers only")).0, 403);
    }
    // Company rules: customers have an existing one, the support team none.
    let admin = app.client_for("admin@guichet.test").await;
    for (input, field) in [
        (
            NewUser {
                company_id: None,
                ..julie(acme)
            },
            "company_id",
        ),
        (
            NewUser {
                company_id: Some(CompanyId(999_999)),
                ..julie(acme)
            },
            "company_id",
        ),
        (
            NewUser {
                role: Some(Role::Agent),
                ..julie(acme)
            },
            "company_id",
        ),
    ] {
        let refused = admin.create_user(&input).await.expect_err("invalid");
        assert_eq!(
            problem(&refused),
            (422, "validation_failed".into(), vec![field.into()])
        );
    }
    let refused = admin
        .update_user(
            claire_id,
            &UserUpdate {
                role: Some(Role::Agent),
                ..Default::default()
            },
        )
        .await
        .expect_err("an agent of Acme");
    assert_eq!(problem(&refused).2, ["company_id"]);
    assert_eq!(app.count(users).await, people, "nobody was made");
    assert_eq!(app.count(WRITES).await, writes, "nothing was logged");
    assert_eq!(
        agent.user(claire_id).await.expect("claire").first_name,
        "Claire"
    );

    // What agents may do: make a customer, change one, see customers and referents only.
    let made = agent
        .create_user(&NewUser {
            send_invitation: Some(false),
            ..julie(acme)
        })
        .await
        .expect("a customer");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox_messages").await, 0);
    let changed = agent
        .update_user(
            made.id,
            &UserUpdate {
                mobile_phone: Some("06 00 00 00 02".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("changed");
    assert_eq!(changed.mobile_phone, "06 00 00 00 02");
    let listed = agent
        .users(&UserListQuery {
            limit: Some(100),
            ..Default::default()
        })
        .await
        .expect("the list");
    assert!(listed
        .items
        .iter()
        .all(|u| matches!(u.role, Role::Customer | Role::Referent)));
    assert!(listed.items.iter().any(|u| u.id == remi_id));
    assert_eq!(
        actions(&audit_of(&app, "user", made.id).await),
        ["user.updated", "user.created"]
    );
    assert_eq!(app.count(WRITES).await, writes + 2);
}

async fn an_address_is_one_account_also_when_two_are_made_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let acme = company_id(&app, "1234").await;
    let (people, writes) = (
        app.count("SELECT COUNT(*) FROM users").await,
        app.count(WRITES).await,
    );
    let taken = admin
        .create_user(&NewUser {
            email: address("Claire@acme.test"),
            ..julie(acme)
        })
        .await
        .expect_err("taken");
    let (status, code, fields) = problem(&taken);
    assert_eq!(
        (status, code.as_str(), fields),
        (409, "conflict", vec!["email".to_owned()])
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, people);

    let other = app.client_for("agent@guichet.test").await;
    let input = NewUser {
        send_invitation: Some(false),
        ..julie(acme)
    };
    let (first, second) = tokio::join!(admin.create_user(&input), other.create_user(&input));
    let made: Vec<User> = [first, second]
        .into_iter()
        .filter_map(|answer| match answer {
            Ok(user) => Some(user),
            Err(error) => {
                assert_eq!(
                    problem(&error),
                    (409, "conflict".into(), vec!["email".into()])
                );
                None
            }
        })
        .collect();
    assert_eq!(made.len(), 1, "exactly one account");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, people + 1);
    assert_eq!(
        app.count(WRITES).await,
        writes + 1,
        "one entry, for the one made"
    );

    // A change to a taken address too.
    let moved = admin
        .update_user(
            made[0].id,
            &UserUpdate {
                email: Some(address("remi@acme.test")),
                ..Default::default()
            },
        )
        .await
        .expect_err("taken");
    assert_eq!(problem(&moved).0, 409);
}

async fn patch_me_cannot_change_role_company_or_activity(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let before = claire.me().await.expect("me");
    let boreal = company_id(&app, "5678").await;
    let answer = claire
        .raw_json(
            "PATCH",
            "/api/v1/me",
            &json!({"first_name": "Claire-Anne", "role": "admin", "company_id": boreal.0, "active": false}),
        )
        .await
        .expect("answer");
    assert_eq!(answer.status, 422);
    let refused: guichet_types::Problem = answer.json().expect("a problem");
    assert_eq!(refused.fields(), ["active", "company_id", "role"]);
    for field in ["active", "company_id", "role"] {
        assert_eq!(
            refused.field_error(field).map(|e| e.code.as_str()),
            Some("unknown_field")
        );
    }
    assert_eq!(claire.me().await.expect("me"), before, "nothing changed");
    let row = "SELECT COUNT(*) FROM users WHERE email = 'claire@acme.test' \
               AND role = 'customer' AND active = TRUE AND first_name = 'Claire'";
    assert_eq!(app.count(row).await, 1);
}

async fn deactivation_and_role_or_company_changes_end_sessions(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire_id = user_id(&app, "claire@acme.test").await;
    let boreal = company_id(&app, "5678").await;

    // A change of name keeps the sessions.
    let pair = app.login("claire@acme.test").await;
    let renamed = admin
        .update_user(
            claire_id,
            &UserUpdate {
                last_name: Some("Martin-Durand".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("renamed");
    assert_eq!(renamed.last_name, "Martin-Durand");
    let session = app.anonymous.with_access_token(&pair.access_token);
    assert_eq!(
        session.me().await.expect("still signed in").last_name,
        "Martin-Durand"
    );

    let changes = [
        (
            UserUpdate {
                active: Some(false),
                ..Default::default()
            },
            "user.deactivated",
        ),
        (
            UserUpdate {
                active: Some(true),
                ..Default::default()
            },
            "user.reactivated",
        ),
        (
            UserUpdate {
                role: Some(Role::Referent),
                ..Default::default()
            },
            "user.role_changed",
        ),
        (
            UserUpdate {
                company_id: Some(Some(boreal)),
                ..Default::default()
            },
            "user.company_changed",
        ),
    ];
    for (update, action) in changes {
        // A deactivated person has no session left to end.
        let pair = match action {
            "user.reactivated" => None,
            _ => Some(app.login("claire@acme.test").await),
        };
        admin.update_user(claire_id, &update).await.expect(action);
        if let Some(pair) = pair {
            let session = app.anonymous.with_access_token(&pair.access_token);
            let me = session.me().await.expect_err("the session ended");
            assert_eq!(problem(&me).0, 401, "{action}");
            let refreshed = app
                .anonymous
                .refresh(&pair.refresh_token)
                .await
                .expect_err("no refresh either");
            assert_eq!(problem(&refreshed).0, 401, "{action}");
        }
        let login = app.anonymous.login("claire@acme.test", PASSWORD).await;
        match action {
            "user.deactivated" => assert_eq!(problem(&login.expect_err("inactive")).0, 401),
            _ => assert!(login.is_ok(), "{action}: she signs in again"),
        }
        assert_eq!(
            audit_of(&app, "user", claire_id)
                .await
                .iter()
                .find(|e| e.action.starts_with("user."))
                .map(|e| e.action.clone())
                .as_deref(),
            Some(action),
            "the newest write"
        );
    }
    let claire = admin.user(claire_id).await.expect("claire");
    assert_eq!(
        (claire.role, claire.company_name.as_deref(), claire.active),
        (Role::Referent, Some("Boréal Transports"), true)
    );
    let log = audit_of(&app, "user", claire_id).await;
    let writes: Vec<&str> = actions(&log)
        .into_iter()
        .filter(|a| a.starts_with("user."))
        .collect();
    assert_eq!(
        writes,
        [
            "user.company_changed",
            "user.role_changed",
            "user.reactivated",
            "user.deactivated",
            "user.updated"
        ]
    );
    let moved = log
        .iter()
        .find(|e| e.action == "user.company_changed")
        .expect("the move");
    assert_eq!(
        moved.changes.keys().map(String::as_str).collect::<Vec<_>>(),
        ["company_id"]
    );
    // The most specific action names the entry; every changed member is in it.
    admin
        .update_user(
            claire_id,
            &UserUpdate {
                role: Some(Role::Customer),
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("both");
    let log = audit_of(&app, "user", claire_id).await;
    let last = log
        .iter()
        .find(|e| e.action.starts_with("user."))
        .expect("the change");
    assert_eq!(last.action, "user.deactivated");
    assert_eq!(
        last.changes.keys().map(String::as_str).collect::<Vec<_>>(),
        ["active", "role"]
    );
}

/// An administrator `email` with the demo password, made through the API.
async fn second_admin(app: &TestApp, admin: &Client, email: &str) -> UserId {
    let made = admin
        .create_user(&NewUser {
            email: address(email),
            first_name: "Béa".to_owned(),
            last_name: "Second".to_owned(),
            role: Some(Role::Admin),
            send_invitation: Some(false),
            ..Default::default()
        })
        .await
        .expect("an administrator");
    app.execute(&format!(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users \
         WHERE email = 'admin@guichet.test') WHERE email = '{email}'"
    ))
    .await;
    made.id
}

async fn the_last_administrator_stays_one(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let admin_id = user_id(&app, "admin@guichet.test").await;
    let writes = app.count(WRITES).await;

    // Nobody changes their own role or deactivates themselves.
    for update in [
        UserUpdate {
            role: Some(Role::Agent),
            ..Default::default()
        },
        UserUpdate {
            active: Some(false),
            ..Default::default()
        },
    ] {
        let refused = admin
            .update_user(admin_id, &update)
            .await
            .expect_err("oneself");
        assert_eq!(problem(&refused).0, 403, "{update:?}");
    }
    // Their own names, yes; and their role unchanged is no change.
    admin
        .update_user(
            admin_id,
            &UserUpdate {
                role: Some(Role::Admin),
                title: Some("Directeur".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("own title");
    assert_eq!(app.count(WRITES).await, writes + 1);

    // Two administrators demote each other at the same moment: one of them stays.
    let bea_id = second_admin(&app, &admin, "bea@guichet.test").await;
    let bea = app.client_for("bea@guichet.test").await;
    let demote = UserUpdate {
        role: Some(Role::Agent),
        ..Default::default()
    };
    let (by_admin, by_bea) = tokio::join!(
        admin.update_user(bea_id, &demote),
        bea.update_user(admin_id, &demote)
    );
    let succeeded = [&by_admin, &by_bea].iter().filter(|a| a.is_ok()).count();
    assert_eq!(succeeded, 1, "{by_admin:?} {by_bea:?}");
    for refused in [by_admin, by_bea].into_iter().filter_map(Result::err) {
        // The loser is refused as the last administrator's demoter, or, if the winner's
        // change landed before it was even read, as a signed-out caller.
        let (status, code, _) = problem(&refused);
        assert!(
            (status, code.as_str()) == (409, "last_admin") || status == 401,
            "{refused}"
        );
    }
    let admins = "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE";
    assert_eq!(app.count(admins).await, 1);

    // A request that was already under way when its author stopped being an administrator
    // meets the rule itself: the last administrator is not demoted (409 `last_admin`).
    let last = if app
        .count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = {admin_id} AND role = 'admin'"
        ))
        .await
        == 1
    {
        (admin_id, bea_id)
    } else {
        (bea_id, admin_id)
    };
    let demoted = guichet_api::entities::users::Entity::find_by_id(last.1)
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("the demoted one");
    let stale = SessionUser {
        role: Role::Admin,
        ..SessionUser::of_account(demoted, 0).expect("a caller")
    };
    for update in [
        demote.clone(),
        UserUpdate {
            active: Some(false),
            ..Default::default()
        },
    ] {
        let refused = guichet_api::people::service::update(&app.state, &stale, last.0, update)
            .await
            .expect_err("the last administrator");
        match refused {
            ApiError::Conflict { code, .. } => assert_eq!(code, "last_admin"),
            other => panic!("expected last_admin, got {other:?}"),
        }
    }
    assert_eq!(app.count(admins).await, 1);
}

async fn a_lifted_lockout_lets_the_account_sign_in_again(backend: Backend) {
    let app = spawn(backend).await;
    for _ in 0..5 {
        let wrong = app
            .anonymous
            .login("claire@acme.test", "Pas-Le-Bon-1!")
            .await
            .expect_err("wrong password");
        assert_eq!(problem(&wrong).0, 401);
    }
    let throttled = app
        .anonymous
        .login("claire@acme.test", PASSWORD)
        .await
        .expect_err("throttled");
    assert_eq!(problem(&throttled).0, 429);

    let agent = app.client_for("agent@guichet.test").await;
    let claire_id = user_id(&app, "claire@acme.test").await;
    agent.lift_user_lockout(claire_id).await.expect("lifted");
    app.anonymous
        .login("claire@acme.test", PASSWORD)
        .await
        .expect("she signs in again");
    let lifted = audit_of(&app, "user", claire_id)
        .await
        .into_iter()
        .find(|e| e.action == "user.lockout_lifted")
        .expect("logged");
    let change = lifted.changes.get("failed_sign_ins").expect("the count");
    assert_eq!(
        (change.from.clone(), change.to.clone()),
        (json!(5), json!(0))
    );
}

async fn search(client: &Client, q: &str) -> Vec<String> {
    let query = UserListQuery {
        q: Some(q.to_owned()),
        limit: Some(100),
        ..Default::default()
    };
    client
        .users(&query)
        .await
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .items
        .into_iter()
        .map(|u| u.email)
        .collect()
}

async fn people_are_found_by_names_address_and_phone_digits(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let remi_id = user_id(&app, "remi@acme.test").await;
    admin
        .update_user(
            remi_id,
            &UserUpdate {
                office_phone: Some("03 89 12 34 56".to_owned()),
                ..Default::default()
            },
        )
        .await
        .expect("a phone");
    // PATCH /me keeps the search up to date too.
    let paul = app.client_for("paul@boreal.test").await;
    paul.update_me(&ProfileUpdate {
        mobile_phone: Some("+1 (514) 555-0199".to_owned()),
        last_name: Some("Lévesque".to_owned()),
        ..Default::default()
    })
    .await
    .expect("profile");

    for (q, expected) in [
        ("remi", vec!["remi@acme.test"]),
        ("RÉMI durand", vec!["remi@acme.test"]),
        ("0389", vec!["remi@acme.test"]),
        ("03 89 12", vec!["remi@acme.test"]),
        ("remi@acme", vec!["remi@acme.test"]),
        ("levesque", vec!["paul@boreal.test"]),
        ("5550199", vec!["paul@boreal.test"]),
        ("boreal.test", vec!["paul@boreal.test"]),
        ("personne", vec![]),
    ] {
        assert_eq!(search(&agent, q).await, expected, "{q}");
    }
    // The support team is found by administrators only.
    assert_eq!(search(&admin, "support").await, ["agent@guichet.test"]);
    assert!(search(&agent, "support").await.is_empty());
    assert!(search(&agent, "guichet").await.is_empty());
    // The lost-account intake account is nobody's.
    assert!(search(&admin, "intake").await.is_empty());

    // Filters, and pages by last name.
    let boreal = company_id(&app, "5678").await;
    let of_boreal = admin
        .users(&UserListQuery {
            company_id: Some(boreal),
            ..Default::default()
        })
        .await
        .expect("filtered");
    let emails: Vec<&str> = of_boreal.items.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["paul@boreal.test"]);
    let referents = admin
        .users(&UserListQuery {
            role: Some(Role::Referent),
            ..Default::default()
        })
        .await
        .expect("filtered");
    assert_eq!(referents.items.len(), 1);
    let inactive = admin
        .users(&UserListQuery {
            active: Some(false),
            ..Default::default()
        })
        .await
        .expect("filtered");
    assert!(inactive.items.is_empty());
    let mut names = Vec::new();
    let mut cursor = None;
    loop {
        let page = admin
            .users(&UserListQuery {
                limit: Some(2),
                cursor: cursor.clone(),
                ..Default::default()
            })
            .await
            .expect("a page");
        assert!(page.items.len() <= 2);
        names.extend(page.items.into_iter().map(|u| u.last_name));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 6, "the six demo accounts: {names:?}");

    let bad = admin
        .raw(
            "GET",
            "/api/v1/users?role=boss&active=maybe&limit=0&company_id=x",
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let refused: guichet_types::Problem = bad.json().expect("a problem");
    assert_eq!(refused.fields(), ["active", "company_id", "limit", "role"]);
}
