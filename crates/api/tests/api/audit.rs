//! The audit log as admins read it: sign-ins (successes and failures, without the password),
//! administrative acts with their actor, address and changes; filters and pages; nobody else
//! reads it.
use guichet_types::{AuditQuery, CategoryUpdate, NewCategory, Problem};

use crate::helpers::{spawn, Backend, PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    sign_ins_are_logged_without_secrets,
    admin_acts_are_logged_with_actor_address_and_changes,
    the_log_is_filtered_and_paged,
    only_admins_read_the_log,
);

async fn sign_ins_are_logged_without_secrets(backend: Backend) {
    let app = spawn(backend).await;
    let refused = app
        .anonymous
        .login("claire@acme.test", "Not-The-Password-1!")
        .await
        .expect_err("a wrong password");
    assert_eq!(refused.status(), Some(401));
    let unknown = app
        .anonymous
        .login("personne@nulle.part", PASSWORD)
        .await
        .expect_err("an unknown address");
    assert_eq!(unknown.status(), Some(401));
    let claire = app.client_for("claire@acme.test").await;
    let claire_id = claire.me().await.expect("profile").id;

    let admin = app.client_for("admin@guichet.test").await;
    let failures = admin
        .audit_events(&AuditQuery {
            action: Some("auth.login_failed".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    let targets: Vec<(String, String)> = failures
        .items
        .iter()
        .map(|e| (e.target.kind.clone(), e.target.id.clone()))
        .collect();
    assert!(targets.contains(&("user".into(), claire_id.to_string())));
    assert!(targets.contains(&("email".into(), "personne@nulle.part".into())));
    for event in &failures.items {
        assert!(event.actor.is_none());
        assert_eq!(event.actor_address, "127.0.0.1");
        assert_eq!(
            event.changes.get("reason").map(|c| c.to.clone()),
            Some(serde_json::json!("wrong_credentials"))
        );
    }
    let successes = admin
        .audit_events(&AuditQuery {
            action: Some("auth.login".into()),
            actor_id: Some(claire_id),
            ..Default::default()
        })
        .await
        .expect("log");
    assert_eq!(successes.items.len(), 1);
    assert_eq!(
        successes.items[0].actor.as_ref().map(|a| a.name.as_str()),
        Some("Claire Martin")
    );
    // No password, wrong or right, anywhere in the log.
    for secret in ["Not-The-Password", PASSWORD] {
        let found = app
            .count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE changes LIKE '%{secret}%'"
            ))
            .await;
        assert_eq!(found, 0, "{secret}");
    }
}

async fn admin_acts_are_logged_with_actor_address_and_changes(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let admin_id = admin.me().await.expect("profile").id;
    let category = admin
        .create_category(&NewCategory {
            name_fr: "Sauvegardes".into(),
            name_en: "Backups".into(),
            ..Default::default()
        })
        .await
        .expect("created");
    admin
        .update_category(
            category.id,
            &CategoryUpdate {
                name_en: Some("Back-ups".into()),
                ..Default::default()
            },
        )
        .await
        .expect("renamed");
    let log = admin
        .audit_events(&AuditQuery {
            target_type: Some("category".into()),
            target_id: Some(category.id.to_string()),
            ..Default::default()
        })
        .await
        .expect("log");
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["category.updated", "category.created"],
        "newest first"
    );
    let renamed = &log.items[0];
    assert_eq!(renamed.actor.as_ref().map(|a| a.id), Some(admin_id));
    assert_eq!(renamed.actor_address, "127.0.0.1");
    assert_eq!(
        serde_json::to_value(&renamed.changes).expect("JSON"),
        serde_json::json!({"name_en": {"from": "Backups", "to": "Back-ups"}})
    );
    let created = &log.items[1];
    assert_eq!(
        created
            .changes
            .get("name_fr")
            .map(|c| (c.from.clone(), c.to.clone())),
        Some((serde_json::Value::Null, serde_json::json!("Sauvegardes")))
    );
}

async fn the_log_is_filtered_and_paged(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    for i in 0..5 {
        admin
            .create_category(&NewCategory {
                name_fr: format!("Catégorie {i}"),
                name_en: format!("Category {i}"),
                ..Default::default()
            })
            .await
            .expect("created");
    }
    let query = AuditQuery {
        action: Some("category.created".into()),
        limit: Some(2),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = admin
            .audit_events(&AuditQuery {
                cursor: cursor.clone(),
                ..query.clone()
            })
            .await
            .expect("page");
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|e| e.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, each once");

    let future = admin
        .audit_events(&AuditQuery {
            since: Some("2999-01-01T00:00:00Z".into()),
            ..Default::default()
        })
        .await
        .expect("log");
    assert!(future.items.is_empty());
    let bad = admin
        .raw(
            "GET",
            "/api/v1/audit-events?since=yesterday&limit=0&cursor=nope",
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let problem: Problem = bad.json().expect("problem");
    let mut fields = problem.fields();
    fields.sort_unstable();
    assert_eq!(fields, vec!["cursor", "limit", "since"]);
}

async fn only_admins_read_the_log(backend: Backend) {
    let app = spawn(backend).await;
    for email in ["claire@acme.test", "remi@acme.test", "agent@guichet.test"] {
        let error = app
            .client_for(email)
            .await
            .audit_events(&AuditQuery::default())
            .await
            .expect_err("not an admin");
        assert_eq!(error.status(), Some(403), "{email}");
    }
    let anonymous = app
        .anonymous
        .audit_events(&AuditQuery::default())
        .await
        .expect_err("not signed in");
    assert_eq!(anonymous.status(), Some(401));
}
