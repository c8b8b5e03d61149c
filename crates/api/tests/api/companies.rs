//! Client companies and their known contacts: admins write them (each write in the audit
//! log, once), the support team reads them, nobody else touches them; a service code or a
//! contact's address is taken once, even by two requests at once; a deactivated company's
//! people are signed out at once.
use guichet_api::db_work::statements_in;
use guichet_client::Client;
use guichet_types::{
    AuditEvent, AuditQuery, Company, CompanyId, CompanyListQuery, CompanyUpdate, ContactUpdate,
    ListQuery, NewCompany, NewContact, Problem, TicketListQuery, UserId,
};
use serde_json::json;

use crate::helpers::{address, spawn, Backend, TestApp, PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    admins_create_read_and_change_companies,
    a_service_code_is_taken_once_even_at_once,
    only_admins_write_and_only_the_support_team_reads,
    bad_input_names_every_bad_member_and_writes_nothing,
    deactivating_a_company_signs_its_people_out,
    a_contact_is_known_once_per_company,
    company_lists_run_as_many_statements_whatever_the_data,
);

/// The entries of the audit log about one thing, newest first.
pub async fn audit_of(admin: &Client, kind: &str, id: impl ToString) -> Vec<AuditEvent> {
    admin
        .audit_events(&AuditQuery {
            target_type: Some(kind.to_owned()),
            target_id: Some(id.to_string()),
            ..Default::default()
        })
        .await
        .expect("audit events")
        .items
}

/// The members an entry says changed.
pub fn members(event: &AuditEvent) -> Vec<&str> {
    event.changes.keys().map(String::as_str).collect()
}

pub fn problem(result: Result<impl std::fmt::Debug, guichet_client::ClientError>) -> Problem {
    result
        .expect_err("a refusal")
        .problem()
        .cloned()
        .expect("a problem answer")
}

pub async fn company_named(client: &Client, name: &str) -> Company {
    client
        .all_companies()
        .await
        .expect("companies")
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("a company named {name}"))
}

pub async fn id_of(app: &TestApp, email: &str) -> UserId {
    UserId(
        app.count(&format!("SELECT id FROM users WHERE email = '{email}'"))
            .await,
    )
}

fn new_company(name: &str, code: &str) -> NewCompany {
    NewCompany {
        name: name.to_owned(),
        service_code: code.to_owned(),
        ..Default::default()
    }
}

async fn admins_create_read_and_change_companies(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let agent_id = id_of(&app, "agent@guichet.test").await;

    let created = admin
        .create_company(&NewCompany {
            name: "  Céleste Énergie ".into(),
            service_code: "0042".into(),
            account_manager_id: Some(agent_id),
            phone: Some("03 88 11 22 33".into()),
            notes: Some("Client depuis 2019".into()),
            ..Default::default()
        })
        .await
        .expect("created");
    assert_eq!(created.name, "Céleste Énergie");
    assert!(created.active);
    assert_eq!(created.account_manager_id, Some(agent_id));
    assert_eq!(
        created.account_manager.as_ref().map(|m| m.name.as_str()),
        Some("Agnès Support")
    );
    assert_eq!(agent.company(created.id).await.expect("read"), created);

    // Found by words of the name, accents or not, and by the service code.
    for q in ["celeste", "ÉNERGIE", "0042"] {
        let page = agent
            .companies(&CompanyListQuery {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .expect("search");
        let names: Vec<&str> = page.items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Céleste Énergie"], "{q}");
    }

    // Renamed: found by the new name only; the manager removed.
    let update = CompanyUpdate {
        name: Some("Céleste Solaire".into()),
        account_manager_id: Some(None),
        ..Default::default()
    };
    let renamed = admin
        .update_company(created.id, &update)
        .await
        .expect("renamed");
    assert_eq!(
        (renamed.name.as_str(), renamed.account_manager),
        ("Céleste Solaire", None)
    );
    assert_eq!(renamed.phone, "03 88 11 22 33", "left out, unchanged");
    let find = |q: &str| {
        let agent = agent.clone();
        let q = q.to_owned();
        async move {
            agent
                .companies(&CompanyListQuery {
                    q: Some(q),
                    ..Default::default()
                })
                .await
                .expect("search")
                .items
                .len()
        }
    };
    assert_eq!((find("solaire").await, find("energie").await), (1, 0));
    // A change to nothing new writes nothing.
    admin
        .update_company(created.id, &update)
        .await
        .expect("same again");

    let log = audit_of(&admin, "company", created.id).await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["company.updated", "company.created"]);
    assert_eq!(members(&log[0]), ["account_manager_id", "name"]);
    assert_eq!(log[0].changes["name"].to, json!("Céleste Solaire"));
    assert_eq!(
        members(&log[1]),
        [
            "account_manager_id",
            "active",
            "name",
            "notes",
            "phone",
            "service_code"
        ]
    );
    assert_eq!(
        log[1].actor.as_ref().map(|a| a.name.as_str()),
        Some("Adam Admin")
    );

    // Pages by name, following the cursor.
    let mut query = CompanyListQuery {
        limit: Some(1),
        ..Default::default()
    };
    let mut names = Vec::new();
    loop {
        let page = agent.companies(&query).await.expect("page");
        assert!(page.items.len() <= 1);
        names.extend(page.items.into_iter().map(|c| c.name));
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    let all: Vec<String> = agent
        .all_companies()
        .await
        .expect("all")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, all);
    assert!(names.len() >= 4, "{names:?}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by name");

    // The active filter.
    admin
        .update_company(
            created.id,
            &CompanyUpdate {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("deactivated");
    let inactive = agent
        .companies(&CompanyListQuery {
            active: Some(false),
            ..Default::default()
        })
        .await
        .expect("inactive");
    assert_eq!(
        inactive
            .items
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Céleste Solaire"]
    );
    assert_eq!(problem(admin.company(CompanyId(999_999)).await).status, 404);
}

async fn a_service_code_is_taken_once_even_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let companies = "SELECT COUNT(*) FROM companies";
    let created = "SELECT COUNT(*) FROM audit_events WHERE action = 'company.created'";
    let before = (app.count(companies).await, app.count(created).await);

    let taken = problem(admin.create_company(&new_company("Autre", "1234")).await);
    assert_eq!((taken.status, taken.code.as_str()), (409, "conflict"));
    assert_eq!(taken.fields(), ["service_code"]);
    assert_eq!(
        (app.count(companies).await, app.count(created).await),
        before
    );

    // Two at once: one is created, the other told the code is taken.
    let (premier, second) = (
        new_company("Premier", "4321"),
        new_company("Second", "4321"),
    );
    let (first, second) = tokio::join!(
        admin.create_company(&premier),
        admin.create_company(&second)
    );
    let statuses = {
        let mut statuses: Vec<u16> = [&first, &second]
            .iter()
            .map(|r| match r {
                Ok(_) => 201,
                Err(e) => e.status().unwrap_or(0),
            })
            .collect();
        statuses.sort();
        statuses
    };
    assert_eq!(statuses, [201, 409]);
    let refused = first.err().or(second.err()).expect("one refused");
    assert_eq!(
        refused.problem().map(|p| p.fields()),
        Some(vec!["service_code"])
    );
    assert_eq!(
        (app.count(companies).await, app.count(created).await),
        (before.0 + 1, before.1 + 1)
    );

    // Taking another company's code by a change is refused the same way.
    let boreal = company_named(&admin, "Boréal Transports").await;
    let change = problem(
        admin
            .update_company(
                boreal.id,
                &CompanyUpdate {
                    service_code: Some("1234".into()),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (change.status, change.fields()),
        (409, vec!["service_code"])
    );
    assert_eq!(admin.company(boreal.id).await.expect("read"), boreal);
    assert!(audit_of(&admin, "company", boreal.id).await.is_empty());
}

/// The admin writes of this module, each as a raw request: (method, path, body).
fn admin_writes(acme: CompanyId, contact: i64) -> Vec<(&'static str, String, serde_json::Value)> {
    vec![
        (
            "POST",
            "/api/v1/companies".to_owned(),
            json!({"name": "Intrus", "service_code": "9999"}),
        ),
        (
            "PATCH",
            format!("/api/v1/companies/{acme}"),
            json!({"name": "Acme Piratée", "active": false}),
        ),
        (
            "POST",
            format!("/api/v1/companies/{acme}/contacts"),
            json!({"email": "intrus@example.test"}),
        ),
        (
            "PATCH",
            format!("/api/v1/contacts/{contact}"),
            json!({"full_name": "Intrus"}),
        ),
        ("DELETE", format!("/api/v1/contacts/{contact}"), json!(null)),
    ]
}

async fn only_admins_write_and_only_the_support_team_reads(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let contacts = admin
        .contacts(acme.id, &ListQuery::default())
        .await
        .expect("contacts");
    let contact = contacts.items[0].clone();
    let state = "SELECT COUNT(*) FROM companies WHERE name LIKE 'Acme Industrie' AND active = TRUE";
    let audit = "SELECT COUNT(*) FROM audit_events WHERE action NOT LIKE 'auth.%'";

    for email in ["claire@acme.test", "remi@acme.test", "agent@guichet.test"] {
        let caller = app.client_for(email).await;
        for (method, path, body) in admin_writes(acme.id, contact.id.0) {
            let response = if body.is_null() {
                caller.raw(method, &path, None, None).await
            } else {
                caller.raw_json(method, &path, &body).await
            }
            .expect("an answer");
            assert_eq!(response.status, 403, "{email} {method} {path}");
            let refusal: Problem = response.json().expect("a problem");
            assert_eq!(refusal.code, "forbidden", "{email} {method} {path}");
        }
    }
    assert_eq!(app.count(state).await, 1);
    assert_eq!(app.count(audit).await, 0);
    assert_eq!(
        admin
            .contacts(acme.id, &ListQuery::default())
            .await
            .expect("contacts"),
        contacts
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM companies WHERE service_code = '9999'")
            .await,
        0
    );

    // Agents read; customers and referents do not.
    let agent = app.client_for("agent@guichet.test").await;
    assert_eq!(agent.company(acme.id).await.expect("read"), acme);
    assert_eq!(
        agent
            .contacts(acme.id, &ListQuery::default())
            .await
            .expect("contacts"),
        contacts
    );
    for email in ["claire@acme.test", "remi@acme.test"] {
        let caller = app.client_for(email).await;
        for status in [
            caller
                .companies(&CompanyListQuery::default())
                .await
                .err()
                .and_then(|e| e.status()),
            caller.company(acme.id).await.err().and_then(|e| e.status()),
            caller
                .contacts(acme.id, &ListQuery::default())
                .await
                .err()
                .and_then(|e| e.status()),
        ] {
            assert_eq!(status, Some(403), "{email}");
        }
    }
}

async fn bad_input_names_every_bad_member_and_writes_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let companies = "SELECT COUNT(*) FROM companies";
    let before = app.count(companies).await;

    let response = admin
        .raw_json(
            "POST",
            "/api/v1/companies",
            &json!({"name": "", "service_code": "12345", "phone": "appelez-moi",
                    "active": "yes", "colour": "red"}),
        )
        .await
        .expect("an answer");
    assert_eq!(response.status, 422);
    let refusal: Problem = response.json().expect("a problem");
    assert_eq!(
        refusal.fields(),
        ["active", "colour", "name", "phone", "service_code"]
    );

    // The account manager must be an active agent or admin.
    let claire = id_of(&app, "claire@acme.test").await;
    for manager in [claire, UserId(999_999)] {
        let refusal = problem(
            admin
                .create_company(&NewCompany {
                    account_manager_id: Some(manager),
                    ..new_company("Sans responsable", "7777")
                })
                .await,
        );
        assert_eq!(
            (refusal.status, refusal.fields()),
            (422, vec!["account_manager_id"])
        );
    }
    let acme = company_named(&admin, "Acme Industrie").await;
    let refusal = problem(
        admin
            .update_company(
                acme.id,
                &CompanyUpdate {
                    account_manager_id: Some(Some(claire)),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (refusal.status, refusal.fields()),
        (422, vec!["account_manager_id"])
    );
    let response = admin
        .raw_json(
            "PATCH",
            &format!("/api/v1/companies/{}", acme.id),
            &json!({"service_code": "12", "name": "  ", "id": 3}),
        )
        .await
        .expect("an answer");
    assert_eq!(response.status, 422);
    let refusal: Problem = response.json().expect("a problem");
    assert_eq!(refusal.fields(), ["id", "name", "service_code"]);
    assert_eq!(admin.company(acme.id).await.expect("read"), acme);

    for query in ["limit=0", "limit=101", "cursor=nonsense"] {
        let response = admin
            .raw("GET", &format!("/api/v1/companies?{query}"), None, None)
            .await
            .expect("an answer");
        assert_eq!(response.status, 422, "{query}");
    }
    assert_eq!(app.count(companies).await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE target_type = 'company'")
            .await,
        0
    );
}

async fn deactivating_a_company_signs_its_people_out(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let remi_tokens = app.login("remi@acme.test").await;
    let remi = app.anonymous.with_access_token(&remi_tokens.access_token);
    let paul = app.client_for("paul@boreal.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let tickets_of_acme = || async {
        agent
            .list_tickets(&TicketListQuery {
                company_id: Some(acme.id),
                limit: Some(100),
                ..Default::default()
            })
            .await
            .expect("the queue")
            .items
            .len()
    };
    let tickets_before = tickets_of_acme().await;
    assert!(tickets_before > 0);

    admin
        .update_company(
            acme.id,
            &CompanyUpdate {
                active: Some(false),
                notes: Some("Impayés".into()),
                ..Default::default()
            },
        )
        .await
        .expect("deactivated");
    for (who, client) in [("claire", &claire), ("remi", &remi)] {
        assert_eq!(
            client.me().await.err().and_then(|e| e.status()),
            Some(401),
            "{who}'s token is refused at once"
        );
    }
    assert_eq!(
        app.anonymous
            .refresh(&remi_tokens.refresh_token)
            .await
            .err()
            .and_then(|e| e.status()),
        Some(401)
    );
    let refused = problem(app.anonymous.login("claire@acme.test", PASSWORD).await);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (401, "invalid_credentials")
    );
    paul.me()
        .await
        .expect("another company's people stay signed in");
    assert_eq!(
        tickets_of_acme().await,
        tickets_before,
        "its tickets are kept"
    );

    admin
        .update_company(
            acme.id,
            &CompanyUpdate {
                active: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("reactivated");
    app.client_for("claire@acme.test")
        .await
        .me()
        .await
        .expect("signs in again");

    let log = audit_of(&admin, "company", acme.id).await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["company.reactivated", "company.deactivated"]);
    assert_eq!(members(&log[1]), ["active", "notes"]);
    assert_eq!(
        (&log[1].changes["active"].from, &log[1].changes["active"].to),
        (&json!(true), &json!(false))
    );
    assert_eq!(members(&log[0]), ["active"]);
}

async fn a_contact_is_known_once_per_company(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let boreal = company_named(&admin, "Boréal Transports").await;

    let response = admin
        .raw_json(
            "POST",
            &format!("/api/v1/companies/{}/contacts", acme.id),
            &json!({"email": "Compta@Acme.TEST", "full_name": "Service comptable",
                    "phone": "03 89 12 34 00"}),
        )
        .await
        .expect("an answer");
    assert_eq!(response.status, 201);
    let created: guichet_types::Contact = response.json().expect("a contact");
    assert_eq!(
        (created.email.as_str(), created.company_id),
        ("compta@acme.test", acme.id)
    );
    let contacts = "SELECT COUNT(*) FROM company_contacts";
    let before = app.count(contacts).await;
    let taken = problem(
        admin
            .create_contact(
                acme.id,
                &NewContact {
                    email: address("compta@acme.test"),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (taken.status, taken.code.as_str(), taken.fields()),
        (409, "conflict", vec!["email"])
    );
    assert_eq!(app.count(contacts).await, before);
    // Another company may know the same address.
    admin
        .create_contact(
            boreal.id,
            &NewContact {
                email: address("compta@acme.test"),
                ..Default::default()
            },
        )
        .await
        .expect("another company");
    assert_eq!(
        problem(
            admin
                .create_contact(CompanyId(999_999), &NewContact::default())
                .await
        )
        .status,
        404
    );

    // By address, searchable, page after page.
    let page = agent
        .contacts(acme.id, &ListQuery::default())
        .await
        .expect("contacts");
    let emails: Vec<&str> = page.items.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(emails, ["achats@acme.test", "compta@acme.test"]);
    let first = agent
        .contacts(
            acme.id,
            &ListQuery {
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .expect("first page");
    let second = agent
        .contacts(
            acme.id,
            &ListQuery {
                limit: Some(1),
                cursor: first.next_cursor.clone(),
                ..Default::default()
            },
        )
        .await
        .expect("second page");
    assert_eq!(
        (
            first.items[0].email.as_str(),
            second.items[0].email.as_str()
        ),
        ("achats@acme.test", "compta@acme.test")
    );
    assert_eq!(second.next_cursor, None);
    let found = agent
        .contacts(
            acme.id,
            &ListQuery {
                q: Some("comptable".into()),
                ..Default::default()
            },
        )
        .await
        .expect("search");
    assert_eq!(found.items, std::slice::from_ref(&created));

    // Changed, then forgotten; taking the address of another contact is refused.
    let achats = page.items[0].id;
    let refusal = problem(
        admin
            .update_contact(
                achats,
                &ContactUpdate {
                    email: Some(address("compta@acme.test")),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!((refusal.status, refusal.fields()), (409, vec!["email"]));
    let changed = admin
        .update_contact(
            created.id,
            &ContactUpdate {
                full_name: Some("Comptabilité".into()),
                ..Default::default()
            },
        )
        .await
        .expect("changed");
    assert_eq!(changed.full_name, "Comptabilité");
    admin.delete_contact(created.id).await.expect("deleted");
    assert_eq!(problem(admin.delete_contact(created.id).await).status, 404);
    let log = audit_of(&admin, "contact", created.id).await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["contact.deleted", "contact.updated", "contact.created"]
    );
    assert_eq!(members(&log[1]), ["full_name"]);
    assert_eq!(log[0].changes["email"].from, json!("compta@acme.test"));
    assert!(audit_of(&admin, "contact", achats).await.is_empty());
}

async fn statements(client: &Client, path: &str) -> u32 {
    let response = client.raw("GET", path, None, None).await.expect(path);
    assert_eq!(response.status, 200, "{path}");
    statements_in(response.header("server-timing").expect("Server-Timing"))
        .expect("a statement count")
}

async fn company_lists_run_as_many_statements_whatever_the_data(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent_id = id_of(&app, "agent@guichet.test").await;
    let admin_id = id_of(&app, "admin@guichet.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let paths = [
        "/api/v1/companies?limit=100".to_owned(),
        format!("/api/v1/companies/{}/contacts", acme.id),
        format!("/api/v1/companies/{}/contracts", acme.id),
    ];
    let mut first = Vec::new();
    for path in &paths {
        first.push(statements(&admin, path).await);
    }
    for i in 0..8 {
        admin
            .create_company(&NewCompany {
                account_manager_id: Some(if i % 2 == 0 { agent_id } else { admin_id }),
                ..new_company(&format!("Client {i}"), &format!("80{i:02}"))
            })
            .await
            .expect("company");
        admin
            .create_contact(
                acme.id,
                &NewContact {
                    email: address(&format!("contact{i}@acme.test")),
                    ..Default::default()
                },
            )
            .await
            .expect("contact");
        admin
            .create_contract(
                acme.id,
                &guichet_types::NewContract {
                    name: format!("Avenant {i}"),
                    starts_on: "2026-01-01".parse().expect("a date"),
                    category_ids: Some(vec![guichet_types::CategoryId(1 + i)]),
                    ..Default::default()
                },
            )
            .await
            .expect("contract");
    }
    // The session, the rows, then the managers' names or the contracts' categories; a
    // nested list also reads its company.
    let ceilings = [3, 3, 4];
    for (path, (before, ceiling)) in paths.iter().zip(first.into_iter().zip(ceilings)) {
        let after = statements(&admin, path).await;
        assert!(
            before <= ceiling && after <= ceiling,
            "{path}: {before} then {after} statements, at most {ceiling}"
        );
    }
}
