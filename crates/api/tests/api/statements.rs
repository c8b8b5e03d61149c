//! The SQL statements of the busiest requests, counted from their `Server-Timing` header:
//! a fixed number whatever the amount of data (no N+1 query). Nothing here is timed.
//!
//! The ceilings are today's counts, so that a new query on these paths is a deliberate
//! change of this file.
use guichet_api::db_work::statements_in;
use guichet_client::Client;
use guichet_types::{
    AccessRequest, ArticleVisibility, Locale, NewArticle, NewFollowup, NewUser, NewWebhook,
    TicketNumber, TicketUpdate, UserId,
};

use crate::helpers::{address, spawn, spawn_with, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    busy_requests_run_as_many_statements_whatever_the_data,
    people_lists_run_as_many_statements_whatever_the_data,
    webhooks_cost_as_many_statements_whatever_their_number,
    articles_cost_as_many_statements_whatever_their_number,
    support_access_lists_cost_as_many_statements_whatever_their_number,
);

/// What each request costs, measured once on little data and once on more.
#[derive(Debug)]
struct Costs {
    creation: u32,
    customer_list: u32,
    referent_company_list: u32,
    /// A referent's company view of one colleague's tickets.
    referent_requester_list: u32,
    agent_queue: u32,
    ticket_page: u32,
    timeline: u32,
    customer_feed: u32,
    agent_feed: u32,
}

async fn busy_requests_run_as_many_statements_whatever_the_data(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let remi = app.client_for("remi@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;

    let first = costs(&app, &claire, &remi, &agent).await;

    // More tickets in every list, each with watchers and most with an assignee (two
    // agents in turn), and a long timeline with files on the ticket read.
    let staff = [
        agent.me().await.expect("agent").id,
        app.client_for("admin@guichet.test")
            .await
            .me()
            .await
            .expect("admin")
            .id,
    ];
    for i in 0..12 {
        let printer = app.create(&claire, &format!("Imprimante {i}")).await.number;
        let badge = app.create(&remi, &format!("Badge {i}")).await.number;
        surround(
            &claire,
            &agent,
            &printer,
            "remi@acme.test",
            Some(staff[i % 2]),
        )
        .await;
        // A third stay new and unassigned, for the lists of new tickets.
        let assignee = (i % 3 != 0).then(|| staff[(i + 1) % 2]);
        surround(&remi, &agent, &badge, "claire@acme.test", assignee).await;
    }
    let busy = app.create(&claire, "Ticket with a long history").await;
    surround(
        &claire,
        &agent,
        &busy.number,
        "remi@acme.test",
        Some(staff[0]),
    )
    .await;
    for i in 0..6 {
        claire
            .add_followup(&busy.number, &followup(&format!("Message {i}"), false))
            .await
            .expect("customer follow-up");
        agent
            .add_followup(&busy.number, &followup(&format!("Note {i}"), true))
            .await
            .expect("internal note");
        claire
            .upload_attachment(
                &busy.number,
                &format!("log-{i}.txt"),
                "text/plain",
                b"log".to_vec(),
            )
            .await
            .expect("upload");
    }
    let later = Costs {
        ticket_page: statements(&claire, "GET", &ticket_path(&busy.number, "")).await,
        timeline: statements(&claire, "GET", &ticket_path(&busy.number, "/timeline")).await,
        ..costs(&app, &claire, &remi, &agent).await
    };

    // Creation: the session, the requester, the company's contracts with their categories
    // (a customer opens tickets under a valid one), then in the transaction the number, the
    // ticket, its event, the people and watchers told, the mails and their delivery jobs; then the
    // ticket's resource (its row with names, its watchers). A list or a ticket: the session, the rows with their
    // names, the watchers. The timeline: the session, the ticket, the events with their
    // actors. The categories come from memory, once their counter is read (one primary-key
    // read, so that a category change on any instance is seen at once): twice in a creation
    // (checking the category, naming it in the mails), once in a list or a ticket. The
    // webhook endpoints too: their counter once per change (no endpoint here, so no delivery).
    // The event feed: the session, then the events with their tickets and actors.
    let ceiling = Costs {
        creation: 15,
        customer_list: 4,
        referent_company_list: 4,
        referent_requester_list: 4,
        agent_queue: 4,
        ticket_page: 4,
        timeline: 3,
        customer_feed: 2,
        agent_feed: 2,
    };
    for (when, costs) in [("on little data", &first), ("on more data", &later)] {
        assert!(
            costs.within(&ceiling),
            "statements per request {when}: {costs:?}, at most {ceiling:?}"
        );
    }
}

/// The people search and the refused access requests: the session, the page, then the
/// names it refers to (companies; and the accounts of the addresses), one statement each.
async fn people_lists_run_as_many_statements_whatever_the_data(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.client_for("admin@guichet.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let people = "/api/v1/users?limit=100";
    let requests = "/api/v1/access-requests?limit=100";
    let first = [
        statements(&admin, "GET", people).await,
        statements(&agent, "GET", requests).await,
    ];
    let companies = [
        crate::people::company_id(&app, "1234").await,
        crate::people::company_id(&app, "5678").await,
    ];
    for i in 0..8 {
        let person = NewUser {
            email: address(&format!("personne{i}@example.test")),
            first_name: format!("Prénom {i}"),
            last_name: format!("Nom {i}"),
            company_id: Some(companies[i % 2]),
            send_invitation: Some(false),
            ..Default::default()
        };
        admin.create_user(&person).await.expect("a person");
        let request = AccessRequest {
            full_name: format!("Inconnu {i}"),
            email: address(&format!("inconnu{i}@example.test")),
            service_code: ["1234", "5678", "0000"][i % 3].to_owned(),
        };
        app.anonymous.request_access(&request).await.expect("202");
    }
    crate::recovery::handled(&app, 8).await;
    let later = [
        statements(&admin, "GET", people).await,
        statements(&agent, "GET", requests).await,
    ];
    let ceiling = [3, 4];
    for (when, costs) in [("on little data", first), ("on more data", later)] {
        assert!(
            costs.iter().zip(ceiling).all(|(cost, most)| *cost <= most),
            "statements of the people list and the access requests {when}: {costs:?}, at most {ceiling:?}"
        );
    }
}

/// The webhooks' lists (the session, the page, then the companies, creators and last
/// deliveries of the endpoints, or the tickets of the deliveries, one statement each), and a
/// change's deliveries: two statements more, the deliveries and their jobs, however many
/// endpoints want its events.
async fn webhooks_cost_as_many_statements_whatever_their_number(backend: Backend) {
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_WEBHOOK_ALLOW_HTTP", "true"),
            ("GUICHET_WEBHOOK_ALLOW_PRIVATE", "127.0.0.1"),
        ],
    )
    .await;
    let admin = app.client_for("admin@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let acme = crate::people::company_id(&app, "1234").await;
    // Nothing listens on the discard port: the deliveries fail, which is all the same here.
    let endpoint = |company| NewWebhook {
        url: "http://127.0.0.1:9/in".into(),
        events: vec!["created".into(), "followup".into()],
        company_id: company,
        ..Default::default()
    };
    let first = admin
        .create_webhook(&endpoint(None))
        .await
        .expect("an endpoint");
    let deliveries = format!("/api/v1/webhooks/{}/deliveries?limit=100", first.webhook.id);
    let creation_with = |claire: Client| async move {
        let ticket = app_ticket(&claire).await;
        let response = claire
            .raw_json("POST", "/api/v1/tickets", &ticket)
            .await
            .expect("create");
        assert_eq!(response.status, 201);
        count_of(&response)
    };
    // The first change after an endpoint write reads the endpoints again (once per instance).
    app.create(&claire, "The endpoints read again").await;
    // The dead jobs' list names each job's mail or endpoint, by kind, not by job.
    let dead_jobs = || async {
        app.execute("UPDATE jobs SET state = 'dead', lease_until = NULL, leased_by = NULL")
            .await;
        statements(&admin, "GET", "/api/v1/dead-jobs?limit=100").await
    };
    let little = [
        statements(&admin, "GET", "/api/v1/webhooks?limit=100").await,
        statements(&admin, "GET", &deliveries).await,
        creation_with(claire.clone()).await,
        dead_jobs().await,
    ];
    for i in 0..6 {
        admin
            .create_webhook(&endpoint((i % 2 == 0).then_some(acme)))
            .await
            .expect("an endpoint");
        admin
            .test_webhook(first.webhook.id)
            .await
            .expect("a test event");
        let ticket = app.create(&claire, &format!("Ticket {i}")).await;
        claire
            .add_followup(&ticket.number, &followup(&format!("Message {i}"), false))
            .await
            .expect("a follow-up");
    }
    let more = [
        statements(&admin, "GET", "/api/v1/webhooks?limit=100").await,
        statements(&admin, "GET", &deliveries).await,
        creation_with(claire.clone()).await,
        dead_jobs().await,
    ];
    let ceiling = [5, 4, 17, 6];
    for (when, costs) in [("with one endpoint", little), ("with seven", more)] {
        assert!(
            costs.iter().zip(ceiling).all(|(cost, most)| *cost <= most),
            "statements of the endpoints, their deliveries, a creation and the dead jobs {when}: {costs:?}, at most {ceiling:?}"
        );
    }
}

/// The knowledge base's lists (anonymous, a customer, the support team, a search) and one
/// article (its row, the view counted, the category tree's counter, its translations).
async fn articles_cost_as_many_statements_whatever_their_number(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let claire = app.client_for("claire@acme.test").await;
    let acme = crate::people::company_id(&app, "1234").await;
    let costs = || async {
        [
            statements(&app.anonymous, "GET", "/api/v1/articles?limit=100").await,
            statements(&claire, "GET", "/api/v1/articles?limit=100").await,
            statements(&agent, "GET", "/api/v1/articles?limit=100").await,
            statements(&claire, "GET", "/api/v1/articles?q=box&limit=100").await,
            statements(&claire, "GET", "/api/v1/articles/redemarrer-la-box-fibre").await,
            statements(
                &agent,
                "GET",
                "/api/v1/articles/imprimante-du-2e-etage-bourrage",
            )
            .await,
            statements(
                &claire,
                "GET",
                "/api/v1/articles/suggestions?q=box%20numero%20imprimante%20wifi%20mot%20passe",
            )
            .await,
        ]
    };
    let little = costs().await;
    for i in 0..12 {
        let visibility = [
            ArticleVisibility::Public,
            ArticleVisibility::Customers,
            ArticleVisibility::Companies,
        ][i % 3];
        agent
            .create_article(&NewArticle {
                slug: Some(format!("box-{i}")),
                title: format!("Box {i}"),
                body_markdown: format!("La box numéro {i}."),
                locale: if i % 2 == 0 { Locale::Fr } else { Locale::En },
                translation_of: None,
                visibility,
                company_ids: (visibility == ArticleVisibility::Companies).then(|| vec![acme]),
                published: Some(i % 4 != 0),
                ..Default::default()
            })
            .await
            .expect("an article");
    }
    let more = costs().await;
    let ceiling = [2, 3, 3, 3, 5, 5, 3];
    for (when, costs) in [("on little data", little), ("on more data", more)] {
        assert!(
            costs.iter().zip(ceiling).all(|(cost, most)| *cost <= most),
            "statements of the article lists and pages {when}: {costs:?}, at most {ceiling:?}"
        );
    }
}

/// The support-access lists (the profile's panel, a ticket's): the session, (the ticket,) the
/// page, then its sessions, tickets and people, one statement each.
async fn support_access_lists_cost_as_many_statements_whatever_their_number(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let until = || guichet_types::SupportAccessGrant {
        until: chrono::Utc::now() + chrono::Duration::hours(2),
        note: None,
    };
    // A ticket whose access is granted, with a session, and whose earlier requests were refused.
    let granted = |number: TicketNumber, refused: usize| {
        let (claire, agent) = (claire.clone(), agent.clone());
        async move {
            for _ in 0..refused {
                let asked = agent.request_support_access(&number).await.expect("asked");
                claire
                    .revoke_support_access(asked.id)
                    .await
                    .expect("refused");
            }
            let asked = agent.request_support_access(&number).await.expect("asked");
            claire
                .grant_support_access(asked.id, &until())
                .await
                .expect("granted");
            agent
                .start_support_session(asked.id)
                .await
                .expect("a session");
        }
    };
    let first = app.create(&claire, "Support access 0").await.number;
    granted(first.clone(), 0).await;
    let on_ticket = format!("/api/v1/tickets/{first}/support-access?limit=100");
    let mine = "/api/v1/me/support-access?limit=100";
    let little = [
        statements(&claire, "GET", mine).await,
        statements(&agent, "GET", &on_ticket).await,
    ];
    for i in 1..6 {
        let number = app
            .create(&claire, &format!("Support access {i}"))
            .await
            .number;
        granted(number, 0).await;
    }
    let again = app.create(&claire, "Support access again").await.number;
    granted(again.clone(), 4).await;
    let on_again = format!("/api/v1/tickets/{again}/support-access?limit=100");
    let more = [
        statements(&claire, "GET", mine).await,
        statements(&agent, "GET", &on_again).await,
    ];
    let ceiling = [5, 6];
    for (when, costs) in [("with one access", little), ("with many", more)] {
        assert!(
            costs.iter().zip(ceiling).all(|(cost, most)| *cost <= most),
            "statements of the profile's and a ticket's accesses {when}: {costs:?}, at most {ceiling:?}"
        );
    }
}

/// A valid ticket for a customer of Acme.
async fn app_ticket(client: &Client) -> guichet_types::NewTicket {
    guichet_types::NewTicket {
        kind: guichet_types::TicketKind::Incident,
        category_id: crate::helpers::first_category(client, guichet_types::TicketKind::Incident)
            .await,
        urgency: Some(guichet_types::Level::High),
        title: "Webhooks".into(),
        description: "Une création qui a des abonnés".into(),
        ..Default::default()
    }
}

impl Costs {
    fn within(&self, ceiling: &Costs) -> bool {
        self.creation <= ceiling.creation
            && self.customer_list <= ceiling.customer_list
            && self.referent_company_list <= ceiling.referent_company_list
            && self.referent_requester_list <= ceiling.referent_requester_list
            && self.agent_queue <= ceiling.agent_queue
            && self.ticket_page <= ceiling.ticket_page
            && self.timeline <= ceiling.timeline
            && self.customer_feed <= ceiling.customer_feed
            && self.agent_feed <= ceiling.agent_feed
    }
}

async fn costs(app: &TestApp, claire: &Client, remi: &Client, agent: &Client) -> Costs {
    let ticket = app.new_ticket(claire, "Écran noir au démarrage").await;
    let response = claire
        .raw_json("POST", "/api/v1/tickets", &ticket)
        .await
        .expect("create");
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let created: guichet_types::Ticket = response.json().expect("a ticket");
    Costs {
        creation: count_of(&response),
        customer_list: statements(
            claire,
            "GET",
            "/api/v1/tickets?status=new,in_progress,waiting&limit=25",
        )
        .await,
        referent_company_list: statements(
            remi,
            "GET",
            "/api/v1/tickets?scope=company&status=new&limit=25",
        )
        .await,
        referent_requester_list: statements(
            remi,
            "GET",
            &format!(
                "/api/v1/tickets?scope=company&requester_id={}&limit=25",
                created.requester.id
            ),
        )
        .await,
        agent_queue: statements(agent, "GET", "/api/v1/tickets?scope=all&limit=25").await,
        ticket_page: statements(claire, "GET", &ticket_path(&created.number, "")).await,
        timeline: statements(claire, "GET", &ticket_path(&created.number, "/timeline")).await,
        customer_feed: statements(claire, "GET", "/api/v1/events?limit=100").await,
        agent_feed: statements(agent, "GET", "/api/v1/events?limit=100").await,
    }
}

/// Shares `number` with a colleague and an outside address, and assigns it to `assignee` if any.
async fn surround(
    requester: &Client,
    agent: &Client,
    number: &TicketNumber,
    colleague: &str,
    assignee: Option<UserId>,
) {
    for email in [colleague, "prestataire@example.com"] {
        requester
            .share(number, &address(email))
            .await
            .expect("shared");
    }
    let Some(assignee) = assignee else {
        return;
    };
    let (_, etag) = agent.ticket_with_etag(number).await.expect("etag");
    let update = TicketUpdate {
        assignee_id: Some(Some(assignee)),
        ..Default::default()
    };
    agent
        .update_ticket(number, &update, &etag)
        .await
        .expect("assigned");
}

fn followup(body: &str, internal: bool) -> NewFollowup {
    NewFollowup {
        body: body.to_owned(),
        internal: internal.then_some(true),
    }
}

fn ticket_path(number: &TicketNumber, rest: &str) -> String {
    format!("/api/v1/tickets/{number}{rest}")
}

async fn statements(client: &Client, method: &str, path: &str) -> u32 {
    let response = client.raw(method, path, None, None).await.expect(path);
    assert_eq!(
        response.status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&response.body)
    );
    count_of(&response)
}

fn count_of(response: &guichet_client::RawResponse) -> u32 {
    let header = response
        .header("server-timing")
        .expect("a Server-Timing header");
    statements_in(header).expect("a statement count")
}
