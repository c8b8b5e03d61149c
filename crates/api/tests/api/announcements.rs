//! Announcements: everyone reads the current ones in their language, admins write them,
//! bad input names every field and changes nothing.
use chrono::{Duration, Utc};
use guichet_types::{AnnouncementInput, Locale};
use serde_json::json;

use crate::helpers::{spawn, Backend};
use crate::on_both_databases;

on_both_databases!(
    readers_get_current_announcements_in_their_language,
    admins_write_announcements_and_others_may_not,
);

async fn readers_get_current_announcements_in_their_language(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let french = claire.announcements(false).await.expect("list");
    assert_eq!(french.len(), 1);
    assert_eq!(french[0].title, "Bienvenue sur le nouveau portail client");
    let english = paul.announcements(false).await.expect("list");
    assert_eq!(english[0].title, "Welcome to the new customer portal");

    let admin = app.client_for("admin@guichet.test").await;
    let now = Utc::now();
    let for_all = |title: &str, starts: i64, ends: Option<i64>| AnnouncementInput {
        title: title.into(),
        body: "Texte".into(),
        locale: None,
        starts_at: Some(now + Duration::hours(starts)),
        ends_at: ends.map(|h| now + Duration::hours(h)),
    };
    for input in [
        for_all("Maintenance ce soir", -1, Some(5)),
        for_all("Terminé", -5, Some(-1)),
        for_all("Plus tard", 2, None),
    ] {
        admin.create_announcement(&input).await.expect("created");
    }
    let titles: Vec<String> = claire
        .announcements(false)
        .await
        .expect("list")
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(
        titles,
        [
            "Bienvenue sur le nouveau portail client",
            "Maintenance ce soir"
        ]
    );
    assert_eq!(admin.announcements(true).await.expect("all").len(), 5);
    assert_eq!(
        claire
            .announcements(true)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(403))
    );
    assert_eq!(
        app.anonymous
            .announcements(false)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(401))
    );
}

async fn admins_write_announcements_and_others_may_not(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let input = AnnouncementInput {
        title: "Nouveaux horaires".into(),
        body: "Le support répond de 8 h à 19 h.".into(),
        locale: Some(Locale::Fr),
        ..Default::default()
    };
    assert_eq!(
        agent
            .create_announcement(&input)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(403))
    );
    let created = admin.create_announcement(&input).await.expect("created");
    let rewritten = admin
        .replace_announcement(
            created.id,
            &AnnouncementInput {
                title: "Horaires d'été".into(),
                ..input.clone()
            },
        )
        .await
        .expect("rewritten");
    assert_eq!(rewritten.title, "Horaires d'été");
    assert_eq!(rewritten.id, created.id);

    // Every bad member at once, nothing written.
    let before = app.count("SELECT COUNT(*) FROM announcements").await;
    let answer = admin
        .raw_json(
            "POST",
            "/api/v1/announcements",
            &json!({"title": "  ", "body": "", "locale": "de", "ends_at": "soon", "color": "red"}),
        )
        .await
        .expect("answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("problem");
    let mut fields: Vec<String> = problem
        .errors
        .iter()
        .flatten()
        .map(|e| e.field.clone())
        .collect();
    fields.sort();
    assert_eq!(fields, ["body", "color", "ends_at", "locale", "title"]);
    let backwards = AnnouncementInput {
        starts_at: Some(Utc::now()),
        ends_at: Some(Utc::now() - Duration::days(1)),
        ..input.clone()
    };
    let error = admin
        .create_announcement(&backwards)
        .await
        .expect_err("refused");
    assert_eq!(
        error
            .problem()
            .and_then(|p| p.field_error("ends_at"))
            .map(|e| e.field.as_str()),
        Some("ends_at")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM announcements").await,
        before
    );

    admin
        .delete_announcement(created.id)
        .await
        .expect("deleted");
    assert_eq!(
        admin
            .delete_announcement(created.id)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(404))
    );
}
