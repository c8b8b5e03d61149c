//! A company's assets as admins manage them: one by one, or a whole CSV file at once (all
//! rows or none), each write audited; customers pick among their company's active ones.
use guichet_client::Client;
use guichet_types::{AssetUpdate, CompanyId, NewAsset, Problem};

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    admins_add_change_and_retire_assets,
    bad_assets_are_refused_whole,
    only_admins_write_assets,
    a_csv_import_adds_every_row,
    a_csv_import_with_bad_rows_adds_nothing_and_names_them_all,
);

async fn company_of(client: &Client) -> CompanyId {
    client
        .me()
        .await
        .expect("profile")
        .company
        .expect("a company")
        .id
}

fn names(assets: &[guichet_types::Asset]) -> Vec<&str> {
    assets.iter().map(|a| a.name.as_str()).collect()
}

async fn asset_audits(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'asset%'")
        .await
}

async fn admins_add_change_and_retire_assets(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let acme = company_of(&claire).await;

    let copier = admin
        .create_asset(&NewAsset {
            company_id: acme,
            name: "Copieur du 1er".into(),
            reference: Some("COP-E1-01".into()),
            kind: Some("imprimante".into()),
            location: Some("1er étage".into()),
            ..Default::default()
        })
        .await
        .expect("created");
    assert!(copier.active);
    assert_eq!(
        (copier.kind.as_str(), copier.location.as_str()),
        ("imprimante", "1er étage")
    );
    assert!(names(&claire.assets().await.expect("assets")).contains(&"Copieur du 1er"));
    assert!(!names(&paul.assets().await.expect("assets")).contains(&"Copieur du 1er"));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'asset.created' \
             AND target_id = '{}'",
            copier.id
        ))
        .await,
        1
    );

    let moved = admin
        .update_asset(
            copier.id,
            &AssetUpdate {
                location: Some("2e étage".into()),
                ..Default::default()
            },
        )
        .await
        .expect("changed");
    assert_eq!(moved.location, "2e étage");
    assert_eq!(moved.name, "Copieur du 1er", "the other members stay");

    let retired = admin
        .update_asset(
            copier.id,
            &AssetUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("retired");
    assert!(!retired.active);
    assert!(!names(&claire.assets().await.expect("assets")).contains(&"Copieur du 1er"));
    let all = admin.company_assets(acme, true).await.expect("all");
    assert!(all.iter().any(|a| a.id == copier.id && !a.active));
    let offered = admin.company_assets(acme, false).await.expect("offered");
    assert!(offered.iter().all(|a| a.id != copier.id));
    for action in ["asset.updated", "asset.retired"] {
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' \
                 AND target_id = '{}'",
                copier.id
            ))
            .await,
            1,
            "{action}"
        );
    }
    // Customers do not see the retired ones, even when asking.
    let refused = claire
        .company_assets(acme, true)
        .await
        .expect_err("admins only");
    assert_eq!(refused.status(), Some(403));
}

async fn bad_assets_are_refused_whole(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let before = app.count("SELECT COUNT(*) FROM assets").await;
    let bad = admin
        .raw_json(
            "POST",
            "/api/v1/assets",
            &serde_json::json!({"company_id": "acme", "name": "  ", "reference": "x".repeat(101),
                "serial": "1"}),
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let problem: Problem = bad.json().expect("problem");
    assert_eq!(
        problem.fields(),
        vec!["company_id", "name", "reference", "serial"]
    );
    let unknown = admin
        .create_asset(&NewAsset {
            company_id: CompanyId(999_999),
            name: "Fantôme".into(),
            ..Default::default()
        })
        .await
        .expect_err("no such company");
    assert_eq!(
        unknown.problem().map(|p| (p.status, p.fields())),
        Some((422, vec!["company_id"]))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM assets").await, before);
    let missing = admin
        .update_asset(guichet_types::AssetId(999_999), &AssetUpdate::default())
        .await
        .expect_err("no such asset");
    assert_eq!(missing.status(), Some(404));
}

async fn only_admins_write_assets(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let acme = company_of(&claire).await;
    let some = claire.assets().await.expect("assets")[0].clone();
    let before = app.count("SELECT COUNT(*) FROM assets").await;
    let audits = asset_audits(&app).await;
    for email in ["claire@acme.test", "remi@acme.test", "agent@guichet.test"] {
        let client = app.client_for(email).await;
        let created = client
            .create_asset(&NewAsset {
                company_id: acme,
                name: "Pirate".into(),
                ..Default::default()
            })
            .await
            .expect_err("not an admin");
        assert_eq!(created.status(), Some(403), "{email}");
        let changed = client
            .update_asset(
                some.id,
                &AssetUpdate {
                    name: Some("Pirate".into()),
                    ..Default::default()
                },
            )
            .await
            .expect_err("not an admin");
        assert_eq!(changed.status(), Some(403), "{email}");
        let imported = client
            .import_assets(acme, "name;reference;kind;location\nPirate;;;\n")
            .await
            .expect_err("not an admin");
        assert_eq!(imported.status(), Some(403), "{email}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM assets").await, before);
    assert_eq!(asset_audits(&app).await, audits);
    assert_eq!(claire.assets().await.expect("assets")[0], some);
}

async fn a_csv_import_adds_every_row(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let boreal = company_of(&paul).await;
    let french = "\u{feff}name;reference;kind;location\n\
                  Poste quai 1;PC-Q1;PC;Quai 1\n\
                  \"Scanner; entrepôt\";SC-02;scanner;Entrepôt\n";
    let imported = admin.import_assets(boreal, french).await.expect("imported");
    assert_eq!(imported.created, 2);
    assert!(imported.items.iter().all(|a| a.company_id == boreal));
    let english = "name,reference,kind,location\r\nTruck tablet,TAB-7,tablet,Truck 7\r\n";
    admin
        .import_assets(boreal, english)
        .await
        .expect("imported");
    let shown = names(&paul.assets().await.expect("assets"))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    for name in ["Poste quai 1", "Scanner; entrepôt", "Truck tablet"] {
        assert!(shown.iter().any(|n| n == name), "{name} in {shown:?}");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'assets.imported' \
             AND target_type = 'company' AND target_id = '{boreal}'"
        ))
        .await,
        2
    );
}

async fn a_csv_import_with_bad_rows_adds_nothing_and_names_them_all(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let boreal = company_of(&paul).await;
    let before = app.count("SELECT COUNT(*) FROM assets").await;
    let audits = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'assets.imported'")
        .await;
    let long = "x".repeat(201);
    let file = format!(
        "name;reference;kind;location\n\
         Bon poste;PC-1;PC;Bureau\n\
         ;PC-2;PC;Bureau\n\
         Poste;PC-3;PC;{long}\n\
         une;ligne;de;trop;ici\n"
    );
    let error = admin
        .import_assets(boreal, file)
        .await
        .expect_err("bad rows");
    let problem = error.problem().expect("a problem");
    assert_eq!(problem.status, 422);
    assert_eq!(
        problem.fields(),
        vec!["lines.3.name", "lines.4.location", "lines.5"]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM assets").await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'assets.imported'")
            .await,
        audits
    );

    let header = admin
        .import_assets(boreal, "nom;ref\nPoste;PC\n")
        .await
        .expect_err("a wrong header");
    assert_eq!(
        header.problem().map(|p| (p.status, p.fields())),
        Some((422, vec!["lines.1"]))
    );
    let json = admin
        .raw_json(
            "POST",
            &format!("/api/v1/companies/{boreal}/assets/import"),
            &serde_json::json!({"name": "Poste"}),
        )
        .await
        .expect("answer");
    assert_eq!(json.status, 415);
    let nowhere = admin
        .import_assets(
            CompanyId(999_999),
            "name;reference;kind;location\nPoste;;;\n",
        )
        .await
        .expect_err("no such company");
    assert_eq!(nowhere.status(), Some(404));
    assert_eq!(app.count("SELECT COUNT(*) FROM assets").await, before);
}
