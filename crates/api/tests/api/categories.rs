//! The category tree as admins manage it: add, rename, move, reorder, retire. Every change is
//! seen at once by every instance over the same database, is refused whole when a member is
//! bad, and leaves one audit event.
use guichet_client::Client;
use guichet_types::{
    CategoryId, CategoryNode, CategoryUpdate, NewCategory, Problem, TicketKind, TicketNumber,
};

use crate::helpers::{spawn, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_category_change_is_seen_at_once_by_another_instance,
    admins_add_and_arrange_categories_and_each_write_is_audited,
    a_retired_category_leaves_the_offered_tree_but_stays_on_its_tickets,
    a_category_cannot_go_under_itself_or_its_descendants,
    only_admins_manage_categories,
    the_lost_account_intake_is_never_offered_to_customers,
);

fn find(tree: &[CategoryNode], id: CategoryId) -> Option<&CategoryNode> {
    tree.iter().find_map(|node| {
        (node.id == id)
            .then_some(node)
            .or_else(|| find(&node.children, id))
    })
}

fn problem_fields(problem: Option<&Problem>) -> Option<(u16, Vec<(String, String)>)> {
    problem.map(|p| {
        (
            p.status,
            p.errors
                .iter()
                .flatten()
                .map(|e| (e.field.clone(), e.code.clone()))
                .collect(),
        )
    })
}

async fn category_name(client: &Client, number: &TicketNumber) -> String {
    client.ticket(number).await.expect("ticket").category.name
}

async fn audit_count(app: &TestApp, action: &str, id: CategoryId) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' \
         AND target_type = 'category' AND target_id = '{id}'"
    ))
    .await
}

async fn a_category_change_is_seen_at_once_by_another_instance(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let admin = app.client_for("admin@guichet.test").await;
    let ticket = app.create(&claire, "Catégorie renommée").await;
    let other = app.another_instance(&[]).await;
    let claire_there = other.with_access_token(claire.access_token().expect("a token"));
    // The other instance has read the tree before the change.
    assert_eq!(
        category_name(&claire_there, &ticket.number).await,
        ticket.category.name
    );

    admin
        .update_category(
            CategoryId(ticket.category.id),
            &CategoryUpdate {
                name_fr: Some("Imprimantes (renommé)".into()),
                name_en: Some("Printers (renamed)".into()),
                ..Default::default()
            },
        )
        .await
        .expect("renamed");
    for client in [&claire, &claire_there] {
        assert_eq!(
            category_name(client, &ticket.number).await,
            "Imprimantes (renommé)"
        );
        let tree = client.categories().await.expect("tree");
        assert_eq!(
            find(&tree, CategoryId(ticket.category.id)).map(|n| n.name.as_str()),
            Some("Imprimantes (renommé)")
        );
    }

    admin
        .update_category(
            CategoryId(ticket.category.id),
            &CategoryUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("retired");
    let tree = claire_there.categories().await.expect("tree");
    assert!(find(&tree, CategoryId(ticket.category.id)).is_none());
    let mut refused = app
        .new_ticket(&claire_there, "Dans une catégorie retirée")
        .await;
    refused.category_id = CategoryId(ticket.category.id);
    let error = claire_there
        .create_ticket(&refused)
        .await
        .expect_err("a retired category");
    assert_eq!(
        problem_fields(error.problem()),
        Some((422, vec![("category_id".into(), "not_offered".into())]))
    );
}

async fn admins_add_and_arrange_categories_and_each_write_is_audited(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let top = admin
        .create_category(&NewCategory {
            name_fr: "Téléphonie".into(),
            name_en: "Telephony".into(),
            kind: Some(TicketKind::Incident),
            ..Default::default()
        })
        .await
        .expect("created");
    let first = admin
        .create_category(&NewCategory {
            name_fr: "Standard".into(),
            name_en: "Switchboard".into(),
            parent_id: Some(top.id),
            ..Default::default()
        })
        .await
        .expect("created");
    let second = admin
        .create_category(&NewCategory {
            name_fr: "Postes".into(),
            name_en: "Handsets".into(),
            parent_id: Some(top.id),
            ..Default::default()
        })
        .await
        .expect("created");
    assert_eq!((first.position, second.position), (0, 1), "each comes last");
    assert_eq!(audit_count(&app, "category.created", top.id).await, 1);

    // Handsets first: the tree follows the positions, named in each caller's language.
    admin
        .update_category(
            second.id,
            &CategoryUpdate {
                position: Some(0),
                ..Default::default()
            },
        )
        .await
        .expect("moved up");
    admin
        .update_category(
            first.id,
            &CategoryUpdate {
                position: Some(1),
                ..Default::default()
            },
        )
        .await
        .expect("moved down");
    let tree = claire.categories().await.expect("tree");
    let names: Vec<&str> = find(&tree, top.id)
        .map(|n| n.children.iter().map(|c| c.name.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["Postes", "Standard"]);
    assert_eq!(audit_count(&app, "category.updated", second.id).await, 1);
    let changes: String = app
        .query_one_string(&format!(
            "SELECT changes FROM audit_events WHERE target_id = '{}' \
             AND action = 'category.updated'",
            second.id
        ))
        .await;
    let changes: serde_json::Value = serde_json::from_str(&changes).expect("JSON");
    assert_eq!(
        changes,
        serde_json::json!({"position": {"from": 1, "to": 0}})
    );

    // Every bad member at once, and nothing written.
    let before = app.count("SELECT COUNT(*) FROM categories").await;
    let bad = admin
        .raw_json(
            "POST",
            "/api/v1/categories",
            &serde_json::json!({"name_fr": " ", "name_en": "", "parent_id": 999999,
                "kind": "question", "position": -1, "colour": "red"}),
        )
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);
    let problem: Problem = bad.json().expect("problem");
    assert_eq!(
        problem.fields(),
        vec!["colour", "kind", "name_en", "name_fr", "position"]
    );
    let unknown_parent = admin
        .create_category(&NewCategory {
            name_fr: "Orphelin".into(),
            name_en: "Orphan".into(),
            parent_id: Some(CategoryId(999_999)),
            ..Default::default()
        })
        .await
        .expect_err("unknown parent");
    assert_eq!(
        problem_fields(unknown_parent.problem()),
        Some((422, vec![("parent_id".into(), "not_found".into())]))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM categories").await, before);
    let missing = admin
        .update_category(CategoryId(999_999), &CategoryUpdate::default())
        .await
        .expect_err("no such category");
    assert_eq!(missing.status(), Some(404));
}

async fn a_retired_category_leaves_the_offered_tree_but_stays_on_its_tickets(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let ticket = app.create(&claire, "Avant le retrait").await;
    let other = app.create(&claire, "Un autre").await;
    let category = CategoryId(ticket.category.id);
    let tree = admin.categories().await.expect("tree");
    let parent = tree
        .iter()
        .find(|top| find(&top.children, category).is_some())
        .map(|top| top.id)
        .expect("the category is under a top-level one");

    // Retiring the parent takes what is under it out of the offered tree.
    let retired = admin
        .update_category(
            parent,
            &CategoryUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("retired");
    assert!(!retired.active);
    assert_eq!(audit_count(&app, "category.retired", parent).await, 1);
    for client in [&claire, &agent, &admin] {
        let tree = client.categories().await.expect("tree");
        assert!(find(&tree, parent).is_none());
        assert!(find(&tree, category).is_none());
    }
    let whole = admin.all_categories().await.expect("whole tree");
    let shown = find(&whole, parent).expect("admins still see it");
    assert!(!shown.active);
    assert!(shown.name_fr.is_some() && shown.name_en.is_some());
    assert!(find(&shown.children, category).is_some_and(|c| c.active));

    // The ticket keeps it; agents cannot move a ticket into it.
    let kept = claire.ticket(&ticket.number).await.expect("ticket");
    assert_eq!(kept.category.id, ticket.category.id);
    let (_, etag) = agent.ticket_with_etag(&other.number).await.expect("ticket");
    let moved = agent
        .update_ticket(
            &other.number,
            &guichet_types::TicketUpdate {
                category_id: Some(category),
                ..Default::default()
            },
            &etag,
        )
        .await
        .expect_err("a retired category");
    assert_eq!(
        problem_fields(moved.problem()),
        Some((422, vec![("category_id".into(), "not_offered".into())]))
    );

    // Back again.
    admin
        .update_category(
            parent,
            &CategoryUpdate {
                active: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("reactivated");
    assert!(find(&claire.categories().await.expect("tree"), category).is_some());
    assert_eq!(audit_count(&app, "category.reactivated", parent).await, 1);
}

async fn a_category_cannot_go_under_itself_or_its_descendants(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let tree = admin.all_categories().await.expect("tree");
    let top = tree
        .iter()
        .find(|t| t.children.iter().any(|c| !c.children.is_empty()))
        .expect("a category with grandchildren");
    let grandchild = top
        .children
        .iter()
        .find_map(|c| c.children.first())
        .expect("a grandchild");
    let audits = "SELECT COUNT(*) FROM audit_events WHERE target_type = 'category'";
    let before = app.count(audits).await;
    for parent in [top.id, grandchild.id] {
        let error = admin
            .update_category(
                top.id,
                &CategoryUpdate {
                    parent_id: Some(Some(parent)),
                    ..Default::default()
                },
            )
            .await
            .expect_err("a loop");
        assert_eq!(
            problem_fields(error.problem()),
            Some((422, vec![("parent_id".into(), "loop".into())]))
        );
    }
    assert_eq!(app.count(audits).await, before);
    // Moving a grandchild to the top is fine.
    let moved = admin
        .update_category(
            grandchild.id,
            &CategoryUpdate {
                parent_id: Some(None),
                ..Default::default()
            },
        )
        .await
        .expect("moved to the top");
    assert_eq!(moved.parent_id, None);
    assert!(admin
        .all_categories()
        .await
        .expect("tree")
        .iter()
        .any(|t| t.id == grandchild.id));
}

async fn only_admins_manage_categories(backend: Backend) {
    let app = spawn(backend).await;
    let tree = app
        .client_for("admin@guichet.test")
        .await
        .categories()
        .await
        .expect("tree");
    let some = tree[0].id;
    let before = app.count("SELECT COUNT(*) FROM categories").await;
    let audits = "SELECT COUNT(*) FROM audit_events WHERE target_type = 'category'";
    let audits_before = app.count(audits).await;
    for email in ["claire@acme.test", "remi@acme.test", "agent@guichet.test"] {
        let client = app.client_for(email).await;
        let created = client
            .create_category(&NewCategory {
                name_fr: "Pirate".into(),
                name_en: "Pirate".into(),
                ..Default::default()
            })
            .await
            .expect_err("not an admin");
        assert_eq!(created.status(), Some(403), "{email}");
        let renamed = client
            .update_category(
                some,
                &CategoryUpdate {
                    name_fr: Some("Pirate".into()),
                    ..Default::default()
                },
            )
            .await
            .expect_err("not an admin");
        assert_eq!(renamed.status(), Some(403), "{email}");
        let whole = client.all_categories().await.expect_err("not an admin");
        assert_eq!(whole.status(), Some(403), "{email}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM categories").await, before);
    assert_eq!(app.count(audits).await, audits_before);
    let names = app
        .query_one_string(&format!("SELECT name_fr FROM categories WHERE id = {some}"))
        .await;
    assert_ne!(names, "Pirate");
}

async fn the_lost_account_intake_is_never_offered_to_customers(backend: Backend) {
    let app = spawn(backend).await;
    let intake = CategoryId(
        app.count("SELECT id FROM categories WHERE system_key = 'lost_account_intake'")
            .await,
    );
    let claire = app.client_for("claire@acme.test").await;
    assert!(find(&claire.categories().await.expect("tree"), intake).is_none());
    let mut ticket = app.new_ticket(&claire, "Dans l'accueil").await;
    ticket.category_id = intake;
    ticket.kind = TicketKind::Request;
    let error = claire
        .create_ticket(&ticket)
        .await
        .expect_err("not offered");
    assert_eq!(
        problem_fields(error.problem()),
        Some((422, vec![("category_id".into(), "not_offered".into())]))
    );
    // The support team files lost-account requests there.
    let agent = app.client_for("agent@guichet.test").await;
    assert!(find(&agent.categories().await.expect("tree"), intake).is_some());
    // It stays where the server needs it.
    let admin = app.client_for("admin@guichet.test").await;
    let error = admin
        .update_category(
            intake,
            &CategoryUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect_err("kept");
    assert_eq!(
        problem_fields(error.problem()),
        Some((422, vec![("active".into(), "system_category".into())]))
    );
}
