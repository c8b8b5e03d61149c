//! Contracts: admins write them (each write in the audit log, once), the support team reads
//! them; a customer opens tickets only under a contract valid today and in the categories
//! it covers, sees their contract on `GET /me` (the account manager from gold up), and
//! referents are told once of a contract's end.
use chrono::{Duration, NaiveDate, Utc};
use guichet_client::Client;
use guichet_types::{
    CategoryId, CategoryNode, CompanyUpdate, ContractLevel, ContractUpdate, InboundOutcome,
    ListQuery, NewContract, NewTicket, Problem, RejectReason, TicketKind,
};
use serde_json::json;

use crate::companies::{audit_of, company_named, id_of, members, problem};
use crate::helpers::{first_category, spawn, spawn_with, Backend, TestApp};
use crate::mail::text_of;
use crate::on_both_databases;
use crate::smtp::SmtpServer;

on_both_databases!(
    admins_write_contracts_and_the_support_team_reads_them,
    bad_contracts_name_every_bad_member_and_only_admins_write,
    customers_open_tickets_only_under_a_valid_contract,
    customers_choose_among_the_categories_their_contracts_cover,
    me_shows_the_contract_and_the_account_manager_from_gold,
    referents_are_told_once_of_a_contract_ending,
    a_mail_from_a_company_without_a_valid_contract_opens_no_ticket,
    companies_older_than_contracts_got_an_open_ended_one,
);

/// Today as the server counts it (the tests run in its default time zone, UTC).
fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn day(offset: i64) -> NaiveDate {
    today() + Duration::days(offset)
}

/// Every id of the tree, depth first.
fn ids(tree: &[CategoryNode]) -> Vec<CategoryId> {
    tree.iter()
        .flat_map(|node| std::iter::once(node.id).chain(ids(&node.children)))
        .collect()
}

fn find(tree: &[CategoryNode], name: &str) -> Option<CategoryId> {
    tree.iter().find_map(|node| {
        (node.name == name)
            .then_some(node.id)
            .or_else(|| find(&node.children, name))
    })
}

async fn boreal_contract(admin: &Client) -> guichet_types::Contract {
    let boreal = company_named(admin, "Boréal Transports").await;
    admin
        .contracts(boreal.id, &ListQuery::default())
        .await
        .expect("contracts")
        .items
        .remove(0)
}

async fn admins_write_contracts_and_the_support_team_reads_them(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let tree = agent.categories().await.expect("tree");
    let billing = find(&tree, "Facturation").expect("billing");
    let outage = find(&tree, "Coupure totale").expect("outage");

    let created = admin
        .create_contract(
            acme.id,
            &NewContract {
                name: " Avenant facturation ".into(),
                level: ContractLevel::Silver,
                starts_on: day(1),
                ends_on: Some(day(365)),
                category_ids: Some(vec![outage, billing, outage]),
                phone_support: Some(true),
            },
        )
        .await
        .expect("created");
    assert_eq!(created.name, "Avenant facturation");
    assert_eq!(created.company_id, acme.id);
    let mut expected = vec![outage, billing];
    expected.sort();
    assert_eq!(created.category_ids, expected);
    assert!(!created.valid_today, "it starts tomorrow");

    let listed = agent
        .contracts(acme.id, &ListQuery::default())
        .await
        .expect("contracts");
    assert_eq!(listed.items.len(), 2);
    assert_eq!(listed.items[0], created, "newest first");
    assert_eq!(listed.items[1].level, ContractLevel::Gold);
    assert!(listed.items[1].valid_today);

    let changed = admin
        .update_contract(
            created.id,
            &ContractUpdate {
                starts_on: Some(day(0)),
                ends_on: Some(None),
                category_ids: Some(Vec::new()),
                ..Default::default()
            },
        )
        .await
        .expect("changed");
    assert_eq!(
        (
            changed.ends_on,
            changed.category_ids.len(),
            changed.valid_today
        ),
        (None, 0, true)
    );
    assert_eq!(changed.name, created.name, "left out, unchanged");
    assert!(changed.updated_at > created.updated_at);

    let log = audit_of(&admin, "contract", created.id).await;
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["contract.updated", "contract.created"]);
    assert_eq!(members(&log[0]), ["category_ids", "ends_on", "starts_on"]);
    assert_eq!(log[0].changes["ends_on"].to, json!(null));
    assert_eq!(
        members(&log[1]),
        [
            "category_ids",
            "company_id",
            "ends_on",
            "level",
            "name",
            "phone_support",
            "starts_on"
        ]
    );
    assert_eq!(
        problem(
            admin
                .contracts(guichet_types::CompanyId(999_999), &ListQuery::default())
                .await
        )
        .status,
        404
    );
}

async fn bad_contracts_name_every_bad_member_and_only_admins_write(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let contracts = "SELECT COUNT(*) FROM contracts";
    let before = app.count(contracts).await;
    let path = format!("/api/v1/companies/{}/contracts", acme.id);

    let response = admin
        .raw_json(
            "POST",
            &path,
            &json!({"name": "", "level": "diamond", "starts_on": "2027-02-30", "category_ids": "all"}),
        )
        .await
        .expect("an answer");
    assert_eq!(response.status, 422);
    let refusal: Problem = response.json().expect("a problem");
    assert_eq!(
        refusal.fields(),
        ["category_ids", "level", "name", "starts_on"]
    );

    // Rules across members and against the database, named together.
    let refusal = problem(
        admin
            .create_contract(
                acme.id,
                &NewContract {
                    name: "À l'envers".into(),
                    starts_on: day(10),
                    ends_on: Some(day(9)),
                    category_ids: Some(vec![CategoryId(999_999)]),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!(
        (refusal.status, refusal.fields()),
        (422, vec!["category_ids", "ends_on"])
    );
    let current = admin
        .contracts(acme.id, &ListQuery::default())
        .await
        .expect("contracts")
        .items
        .remove(0);
    let refusal = problem(
        admin
            .update_contract(
                current.id,
                &ContractUpdate {
                    ends_on: Some(Some(current.starts_on - Duration::days(1))),
                    ..Default::default()
                },
            )
            .await,
    );
    assert_eq!((refusal.status, refusal.fields()), (422, vec!["ends_on"]));
    assert_eq!(app.count(contracts).await, before);

    // Nobody but an admin writes a contract.
    let valid = json!({"name": "Intrus", "level": "platinum", "starts_on": "2026-01-01"});
    for email in ["claire@acme.test", "remi@acme.test", "agent@guichet.test"] {
        let caller = app.client_for(email).await;
        for (method, path) in [
            ("POST", path.clone()),
            ("PATCH", format!("/api/v1/contracts/{}", current.id)),
        ] {
            let response = caller
                .raw_json(method, &path, &valid)
                .await
                .expect("an answer");
            assert_eq!(response.status, 403, "{email} {method} {path}");
        }
    }
    // Customers and referents do not read them either.
    for email in ["claire@acme.test", "remi@acme.test"] {
        let caller = app.client_for(email).await;
        assert_eq!(
            caller
                .contracts(acme.id, &ListQuery::default())
                .await
                .err()
                .and_then(|e| e.status()),
            Some(403)
        );
    }
    assert_eq!(app.count(contracts).await, before);
    let unchanged = admin
        .contracts(acme.id, &ListQuery::default())
        .await
        .expect("contracts")
        .items
        .remove(0);
    assert_eq!(unchanged, current);
    assert!(audit_of(&admin, "contract", current.id).await.is_empty());
}

async fn open(app: &TestApp, client: &Client, title: &str) -> Result<(), Problem> {
    let ticket = app.new_ticket(client, title).await;
    client
        .create_ticket(&ticket)
        .await
        .map(|_| ())
        .map_err(|e| e.problem().cloned().expect("a problem"))
}

async fn customers_open_tickets_only_under_a_valid_contract(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let contract = boreal_contract(&admin).await;
    let category = first_category(&paul, TicketKind::Incident).await;
    let ticket = NewTicket {
        category_id: category,
        ..app.new_ticket(&agent, "Panne du lien").await
    };
    let tickets = "SELECT COUNT(*) FROM tickets";
    open(&app, &paul, "Under the contract")
        .await
        .expect("valid today");

    let refused_with = |window: ContractUpdate| {
        let (admin, paul, ticket) = (admin.clone(), paul.clone(), ticket.clone());
        async move {
            admin
                .update_contract(contract.id, &window)
                .await
                .expect("contract changed");
            paul.create_ticket(&ticket).await.err()
        }
    };
    // Ended yesterday; starting tomorrow.
    for window in [
        ContractUpdate {
            starts_on: Some(day(-300)),
            ends_on: Some(Some(day(-1))),
            ..Default::default()
        },
        ContractUpdate {
            starts_on: Some(day(1)),
            ends_on: Some(None),
            ..Default::default()
        },
    ] {
        let before = app.count(tickets).await;
        let refusal = refused_with(window.clone())
            .await
            .and_then(|e| e.problem().cloned())
            .expect("refused");
        assert_eq!(
            (refusal.status, refusal.code.as_str()),
            (403, "no_valid_contract"),
            "{window:?}"
        );
        let detail = refusal.detail.unwrap_or_default();
        assert!(
            detail.contains("support@guichet.test"),
            "Boréal has no account manager: {detail}"
        );
        assert_eq!(app.count(tickets).await, before);
        // Followed tickets stay in reach, the form offers nothing.
        assert!(!paul
            .list_tickets(&Default::default())
            .await
            .expect("list")
            .items
            .is_empty());
        assert!(paul.categories().await.expect("tree").is_empty());
        assert_eq!(paul.me().await.expect("me").contract, None);
        // An agent taking the call is not held to the contract.
        agent
            .create_ticket(&NewTicket {
                requester_id: Some(id_of(&app, "paul@boreal.test").await),
                ..ticket.clone()
            })
            .await
            .expect("opened by an agent");
    }

    // The detail names the account manager when there is one.
    let boreal = company_named(&admin, "Boréal Transports").await;
    admin
        .update_company(
            boreal.id,
            &CompanyUpdate {
                account_manager_id: Some(Some(id_of(&app, "agent@guichet.test").await)),
                phone: Some("04 72 00 00 00".into()),
                ..Default::default()
            },
        )
        .await
        .expect("manager");
    let refusal = problem(paul.create_ticket(&ticket).await);
    let detail = refusal.detail.unwrap_or_default();
    assert!(
        detail.contains("Agnès Support") && detail.contains("04 72 00 00 00"),
        "{detail}"
    );

    // Open-ended from today: valid again.
    admin
        .update_contract(
            contract.id,
            &ContractUpdate {
                starts_on: Some(day(0)),
                ..Default::default()
            },
        )
        .await
        .expect("from today");
    paul.create_ticket(&ticket).await.expect("valid from today");
}

async fn customers_choose_among_the_categories_their_contracts_cover(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let claire = app.client_for("claire@acme.test").await;
    // The support team's tree, but the lost-account intake it keeps for itself.
    let intake = app
        .count("SELECT id FROM categories WHERE system_key = 'lost_account_intake'")
        .await;
    let everything: Vec<_> = agent
        .categories()
        .await
        .expect("the whole tree")
        .into_iter()
        .filter(|root| root.id.0 != intake)
        .collect();

    // Acme's gold contract covers everything; Boréal's incidents and technical requests.
    assert_eq!(claire.categories().await.expect("tree"), everything);
    let offered = paul.categories().await.expect("tree");
    let roots: Vec<(&str, Vec<&str>)> = offered
        .iter()
        .map(|root| {
            (
                root.name.as_str(),
                root.children.iter().map(|c| c.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        roots,
        [
            (
                "Incident",
                vec!["Total outage", "Slowness", "Packet loss", "Bandwidth"]
            ),
            ("Request", vec!["Technical"])
        ]
    );

    let billing = find(&everything, "Facturation").expect("billing");
    let technical = find(&everything, "Technique").expect("technical");
    let request = |category_id| NewTicket {
        kind: TicketKind::Request,
        category_id,
        urgency: Some(guichet_types::Level::Low),
        title: "Copie de facture".into(),
        description: "Merci".into(),
        ..Default::default()
    };
    let tickets = "SELECT COUNT(*) FROM tickets";
    let before = app.count(tickets).await;
    let refusal = problem(paul.create_ticket(&request(billing)).await);
    assert_eq!(refusal.status, 422);
    assert_eq!(
        refusal.field_error("category_id").map(|e| e.code.as_str()),
        Some("not_covered")
    );
    assert_eq!(app.count(tickets).await, before);
    paul.create_ticket(&request(technical))
        .await
        .expect("covered");

    // A second contract covering a whole branch adds it, with everything under it.
    let boreal = company_named(&admin, "Boréal Transports").await;
    let administrative = find(&everything, "Administrative").expect("administrative");
    admin
        .create_contract(
            boreal.id,
            &NewContract {
                name: "Administratif".into(),
                starts_on: day(0),
                category_ids: Some(vec![administrative]),
                ..Default::default()
            },
        )
        .await
        .expect("second contract");
    let offered = ids(&paul.categories().await.expect("tree"));
    assert!(offered.contains(&administrative) && offered.contains(&billing));
    paul.create_ticket(&request(billing))
        .await
        .expect("covered now");
}

async fn me_shows_the_contract_and_the_account_manager_from_gold(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let remi = app.client_for("remi@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;

    for client in [&claire, &remi] {
        let contract = client.me().await.expect("me").contract.expect("Acme's");
        assert_eq!(
            (contract.name.as_str(), contract.level, contract.ends_on),
            ("Infogérance Or", ContractLevel::Gold, None)
        );
        assert!(contract.phone_support);
        let manager = contract.account_manager.expect("gold reaches the manager");
        assert_eq!(
            (manager.name.as_str(), manager.phone.as_str()),
            ("Agnès Support", "03 89 00 00 00")
        );
    }
    let boreal = paul.me().await.expect("me").contract.expect("Boréal's");
    assert_eq!(
        (boreal.level, boreal.ends_on, boreal.account_manager),
        (ContractLevel::Standard, Some(day(20)), None)
    );
    for email in ["agent@guichet.test", "admin@guichet.test"] {
        let me = app.client_for(email).await.me().await.expect("me");
        assert_eq!(me.contract, None, "{email}");
    }

    // Of two valid contracts the highest level shows; below gold, no manager.
    let acme = company_named(&admin, "Acme Industrie").await;
    let gold = admin
        .contracts(acme.id, &ListQuery::default())
        .await
        .expect("contracts")
        .items
        .remove(0);
    admin
        .create_contract(
            acme.id,
            &NewContract {
                name: "Argent".into(),
                level: ContractLevel::Silver,
                starts_on: day(-1),
                ..Default::default()
            },
        )
        .await
        .expect("silver");
    let shown = claire.me().await.expect("me").contract.expect("a contract");
    assert_eq!(shown.level, ContractLevel::Gold);
    admin
        .update_contract(
            gold.id,
            &ContractUpdate {
                ends_on: Some(Some(day(-1))),
                starts_on: Some(day(-30)),
                ..Default::default()
            },
        )
        .await
        .expect("gold ended");
    let shown = claire.me().await.expect("me").contract.expect("a contract");
    assert_eq!(
        (shown.name.as_str(), shown.level, shown.account_manager),
        ("Argent", ContractLevel::Silver, None)
    );
}

async fn referents_are_told_once_of_a_contract_ending(backend: Backend) {
    let (smtp, url) = SmtpServer::start().await;
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", &url)]).await;
    let admin = app.client_for("admin@guichet.test").await;
    let acme = company_named(&admin, "Acme Industrie").await;
    let gold = admin
        .contracts(acme.id, &ListQuery::default())
        .await
        .expect("contracts")
        .items
        .remove(0);
    // Acme's contract ends in 10 days but a renewal takes over: Rémi is not told.
    admin
        .update_contract(
            gold.id,
            &ContractUpdate {
                ends_on: Some(Some(day(10))),
                ..Default::default()
            },
        )
        .await
        .expect("ends soon");
    admin
        .create_contract(
            acme.id,
            &NewContract {
                name: "Renouvellement".into(),
                level: ContractLevel::Gold,
                starts_on: day(11),
                ..Default::default()
            },
        )
        .await
        .expect("renewal");
    // Boréal's ends in 20 days; Paul becomes its referent.
    app.execute("UPDATE users SET role = 'referent' WHERE email = 'paul@boreal.test'")
        .await;

    let mut told = 0;
    for _ in 0..2 {
        told += guichet_api::contracts::ending_notice::send_due(&app.state)
            .await
            .expect("notices");
    }
    assert!(told <= 1, "told {told} times");
    let mails = smtp.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mails = if smtp.received().len() > mails.len() {
        smtp.received()
    } else {
        mails
    };
    let recipients: Vec<&str> = mails
        .iter()
        .flat_map(|m| m.recipients.iter().map(String::as_str))
        .collect();
    assert_eq!(recipients, ["paul@boreal.test"]);
    let text = text_of(&mails[0]);
    assert!(
        mails[0]
            .header("Subject")
            .is_some_and(|s| s.starts_with("Your support contract ends on")),
        "in Paul's language"
    );
    assert!(text.contains("in 20 day(s)"), "{text}");
    assert!(
        text.contains("write to us at support@guichet.test"),
        "{text}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM contracts WHERE ending_notice_sent_at IS NOT NULL")
            .await,
        1
    );
}

/// A mail to the support address, as a mail client writes it.
fn mail_from(from: &str, to: &str, message_id: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\n\
         To: {to}\r\n\
         Subject: Link down\r\n\
         Message-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         The warehouse link is down again.\r\n"
    )
    .into_bytes()
}

async fn a_mail_from_a_company_without_a_valid_contract_opens_no_ticket(backend: Backend) {
    const GATEWAY: &str = "gateway-token-for-the-tests-0123456789";
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_SUPPORT_EMAIL", "support@guichet.test"),
            ("GUICHET_INBOUND_TOKEN", GATEWAY),
        ],
    )
    .await;
    let admin = app.client_for("admin@guichet.test").await;
    let contract = boreal_contract(&admin).await;
    let send = |id: &str| {
        let raw = mail_from("paul@boreal.test", "support@guichet.test", id);
        let anonymous = app.anonymous.clone();
        async move { anonymous.inbound_email(GATEWAY, raw).await.expect("taken") }
    };
    assert_eq!(
        send("first@boreal.test").await.outcome,
        InboundOutcome::Ticket
    );

    admin
        .update_contract(
            contract.id,
            &ContractUpdate {
                starts_on: Some(day(-100)),
                ends_on: Some(Some(day(-1))),
                ..Default::default()
            },
        )
        .await
        .expect("ended");
    let tickets = "SELECT COUNT(*) FROM tickets";
    let before = app.count(tickets).await;
    let refused = send("second@boreal.test").await;
    assert_eq!(
        (refused.outcome, refused.reason),
        (
            InboundOutcome::Rejected,
            Some(RejectReason::NoValidContract)
        )
    );
    assert_eq!(app.count(tickets).await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM rejected_mails WHERE reason = 'no_valid_contract'")
            .await,
        1
    );
}

async fn companies_older_than_contracts_got_an_open_ended_one(backend: Backend) {
    use guichet_migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database};

    // An install from before contracts (migrations up to 000014) with a client company.
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _postgres) = crate::helpers::database(backend, dir.path()).await;
    let db = Database::connect(&url).await.expect("connect");
    Migrator::up(&db, Some(14))
        .await
        .expect("migrations up to 000014");
    db.execute_unprepared(
        "INSERT INTO companies (name, service_code, created_at) \
         VALUES ('Ancienne Cliente', '4321', CURRENT_TIMESTAMP)",
    )
    .await
    .expect("a company of the old install");
    Migrator::up(&db, None).await.expect("the upgrade");

    let contracts_of = |code: &str| {
        format!(
            "SELECT COUNT(*) FROM contracts c JOIN companies co ON co.id = c.company_id \
             WHERE co.service_code = '{code}' AND c.ends_on IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contract_categories cc WHERE cc.contract_id = c.id)"
        )
    };
    assert_eq!(
        TestApp::count_on(&url, &contracts_of("4321")).await,
        1,
        "an open-ended contract covering everything"
    );
    // The lost-account intake is the server's, no client: it gets none.
    assert_eq!(
        TestApp::count_on(
            &url,
            "SELECT COUNT(*) FROM contracts c JOIN companies co ON co.id = c.company_id \
             WHERE co.system_key = 'lost_account_intake'"
        )
        .await,
        0
    );
}
