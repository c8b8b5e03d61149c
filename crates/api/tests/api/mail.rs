//! Notifications by email: written to the outbox with the change, delivered once over real
//! SMTP on loopback (or as .eml files), threaded, in the recipient's language, and never
//! carrying internal notes.
use std::collections::HashSet;

use guichet_types::{Level, NewFollowup, TicketKind, TicketStatus, TicketUpdate};

use crate::helpers::{address, spawn, spawn_with, Backend, TestApp};
use crate::on_both_databases;
use crate::smtp::{Received, SmtpServer};

on_both_databases!(
    ticket_events_notify_the_right_people_in_their_language,
    without_smtp_mails_are_written_as_eml_files,
    undeliverable_mail_is_retried_later,
    one_change_is_one_mail_per_recipient_telling_all_of_it,
    a_new_tickets_mails_carry_its_summary_in_the_languages_typography,
    watchers_hear_the_customers_replies_and_never_internal_notes,
);

fn to(mails: &[Received], address: &str) -> Vec<Received> {
    mails
        .iter()
        .filter(|m| m.recipients.iter().any(|r| r == address))
        .cloned()
        .collect()
}

/// The text part, with quoted-printable soft breaks and escapes undone.
pub fn text_of(mail: &Received) -> String {
    let body = mail
        .data
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    let unfolded = body.replace("=\r\n", "");
    let mut decoded = Vec::new();
    let bytes = unfolded.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&unfolded[i + 1..i + 3], 16) {
                decoded.push(byte);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

async fn ticket_events_notify_the_right_people_in_their_language(backend: Backend) {
    let (smtp, url) = SmtpServer::start().await;
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_SMTP_URL", &url),
            ("GUICHET_SUPPORT_EMAIL", "support@guichet.test"),
        ],
    )
    .await;
    let (claire, paul, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("paul@boreal.test").await,
        app.client_for("agent@guichet.test").await,
    );

    // Opening: the requester's acknowledgement and the support team's alert.
    let ticket = app
        .create(&claire, "Un de nos ordinateurs ne démarre plus")
        .await;
    let number = ticket.number.to_string();
    let mails = smtp.wait_for(2).await;
    let ack = &to(&mails, "claire@acme.test")[0];
    assert!(ack.header("Subject").is_some_and(|s| s.contains(&number)));
    assert!(text_of(ack).contains(&format!("enregistrée sous le numéro {number}")));
    assert!(text_of(ack).contains(&format!("/tickets/{number}")));
    let host = "127.0.0.1";
    assert_eq!(
        ack.header("In-Reply-To"),
        Some(format!("<{number}@{host}>"))
    );
    assert_eq!(ack.header("References"), Some(format!("<{number}@{host}>")));
    assert!(ack
        .header("Message-ID")
        .is_some_and(|id| id.ends_with(&format!("@{host}>"))));
    assert!(text_of(&to(&mails, "support@guichet.test")[0])
        .contains("Claire Martin a ouvert le ticket"));

    // An internal note reaches the support team only, and never a customer.
    let note = NewFollowup {
        body: "Note secrète : client à rappeler".into(),
        internal: Some(true),
    };
    agent
        .add_followup(&ticket.number, &note)
        .await
        .expect("note");
    // A public answer from the agent: the requester is told, the author is not.
    agent
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Pouvez-vous vérifier le câble ?".into(),
                internal: None,
            },
        )
        .await
        .expect("answer");
    let mails = smtp.wait_for(4).await;
    let to_claire = to(&mails, "claire@acme.test");
    assert_eq!(to_claire.len(), 2);
    let answer = text_of(&to_claire[1]);
    assert!(
        answer.contains("Agnès Support a écrit")
            && answer.contains("> Pouvez-vous vérifier le câble ?"),
        "{answer}"
    );
    assert!(answer.contains("Statut : Nouveau → En cours"));
    assert!(
        mails
            .iter()
            .all(|m| !m.recipients.contains(&"agent@guichet.test".to_owned())),
        "never the author"
    );

    // Assigned (Claire is told), the agent hears of the customer's messages; the support
    // address no longer.
    let me = agent.me().await.expect("me");
    let (_, etag) = agent.ticket_with_etag(&ticket.number).await.expect("etag");
    agent
        .update_ticket(
            &ticket.number,
            &TicketUpdate {
                assignee_id: Some(Some(me.id)),
                ..Default::default()
            },
            &etag,
        )
        .await
        .expect("assigned");
    let mails = smtp.wait_for(5).await;
    assert_eq!(mails[4].recipients, ["claire@acme.test"]);
    assert!(text_of(&mails[4]).contains("pris en charge par Agnès Support"));
    claire
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "C'est fait, sans effet.".into(),
                internal: None,
            },
        )
        .await
        .expect("reply");
    let mails = smtp.wait_for(6).await;
    assert_eq!(mails[5].recipients, ["agent@guichet.test"]);

    // Solution and approval: the invitation to rate follows the closing.
    agent
        .propose_solution(&ticket.number, "Remplacez l'alimentation.")
        .await
        .expect("solution");
    let mails = smtp.wait_for(7).await;
    let solution = text_of(&mails[6]);
    assert!(
        solution.contains("propose une solution")
            && solution.contains("Approuvez-la ou refusez-la"),
        "{solution}"
    );
    let closed = claire
        .approve_solution(&ticket.number, None)
        .await
        .expect("approved");
    assert_eq!(closed.status, TicketStatus::Closed);
    let mails = smtp.wait_for(9).await;
    assert!(text_of(&to(&mails, "agent@guichet.test")[1]).contains("a approuvé la solution"));
    let invitation = to(&mails, "claire@acme.test")
        .into_iter()
        .map(|m| text_of(&m))
        .find(|t| t.contains("Donnez-nous votre avis"));
    assert!(invitation.is_some(), "rating invitation");

    // Paul reads English.
    app.create(&paul, "Printer jammed").await;
    let mails = smtp.wait_for(11).await;
    let english = to(&mails, "paul@boreal.test");
    assert!(text_of(&english[0]).contains("We have received your request"));
    assert_eq!(mails.len(), 11);

    // Of every mail written for the ticket's whole life, the internal note is in one only,
    // to the support address: neither in a later mail's history nor in any header.
    let all = smtp.received();
    assert_eq!(all.len(), 11);
    let note_mails: Vec<_> = all
        .iter()
        .filter(|m| text_of(m).contains("Note secrète") || m.data.contains("rappeler"))
        .collect();
    assert_eq!(note_mails.len(), 1, "{note_mails:#?}");
    assert_eq!(note_mails[0].recipients, ["support@guichet.test"]);

    // Each message went out once.
    let ids: HashSet<String> = smtp
        .received()
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), smtp.received().len());
}

async fn without_smtp_mails_are_written_as_eml_files(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let number = app.create(&claire, "Fichier eml").await.number.to_string();
    let outbox = app.data_dir().join("outbox");
    for _ in 0..100 {
        let files: Vec<String> = std::fs::read_dir(&outbox)
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        if files.len() >= 2 {
            assert!(files
                .iter()
                .all(|f| f.contains(&number) && f.contains("Message-ID:")));
            assert!(files.iter().any(|f| f.contains("To: claire@acme.test")));
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no .eml files in {}", outbox.display());
}

async fn undeliverable_mail_is_retried_later(backend: Backend) {
    // Nothing listens on port 9 of loopback: every attempt fails.
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", "smtp://127.0.0.1:9")]).await;
    let claire = app.client_for("claire@acme.test").await;
    app.create(&claire, "Pas de serveur").await;
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM jobs WHERE kind = 'deliver_mail' AND attempts >= 1")
            .await
            >= 2
        {
            assert_eq!(app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'deliver_mail' AND state = 'pending' AND last_error IS NOT NULL").await, 2);
            assert_eq!(
                app.count("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NOT NULL")
                    .await,
                0
            );
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the failed attempts were not recorded");
}

/// Two instances on one PostgreSQL database deliver 200 messages, each exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_each_message_once() {
    let (smtp, url) = SmtpServer::start().await;
    let settings = [
        ("GUICHET_SMTP_URL", url.as_str()),
        ("GUICHET_SUPPORT_EMAIL", "support@guichet.test"),
    ];
    let app = spawn_with(Backend::Postgres, &settings).await;
    let _second = app.another_instance(&settings).await;
    let claire = app.client_for("claire@acme.test").await;
    let input = app.new_ticket(&claire, "Lot").await;
    let creations: Vec<_> = (0..100)
        .map(|i| {
            let (client, mut input) = (claire.clone(), input.clone());
            input.title = format!("Lot {i}");
            tokio::spawn(async move { client.create_ticket(&input).await })
        })
        .collect();
    for creation in creations {
        creation.await.expect("task").expect("created");
    }
    let mails = smtp.wait_for(200).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let all = smtp.received();
    assert_eq!(all.len(), 200, "no duplicate after the batch");
    let ids: HashSet<String> = all.iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), 200);
    assert_eq!(mails.len(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NOT NULL")
            .await,
        200
    );
}

/// An app whose mails go to a local SMTP server.
async fn with_smtp(backend: Backend) -> (SmtpServer, TestApp) {
    let (smtp, url) = SmtpServer::start().await;
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_SMTP_URL", &url),
            ("GUICHET_SUPPORT_EMAIL", "support@guichet.test"),
        ],
    )
    .await;
    (smtp, app)
}

/// All the mails once `count` arrived and a moment passed without more.
async fn exactly(smtp: &SmtpServer, count: usize) -> Vec<Received> {
    smtp.wait_for(count).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let mails = smtp.received();
    assert_eq!(
        mails.len(),
        count,
        "{:#?}",
        mails.iter().map(|m| &m.recipients).collect::<Vec<_>>()
    );
    mails
}

async fn one_change_is_one_mail_per_recipient_telling_all_of_it(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let admin = app
        .client_for("admin@guichet.test")
        .await
        .me()
        .await
        .expect("me")
        .id;
    let ticket = app.create(&claire, "Tout change d'un coup").await;
    let number = ticket.number.to_string();
    exactly(&smtp, 2).await;

    let tree = agent.categories().await.expect("categories");
    let incidents = &tree
        .iter()
        .find(|c| c.kind == Some(TicketKind::Incident))
        .expect("incidents")
        .children;
    let other = incidents
        .iter()
        .find(|c| c.id.0 != ticket.category.id)
        .expect("another incident category");
    let (_, etag) = agent.ticket_with_etag(&ticket.number).await.expect("etag");
    agent
        .update_ticket(
            &ticket.number,
            &TicketUpdate {
                status: Some(TicketStatus::InProgress),
                assignee_id: Some(Some(admin)),
                category_id: Some(other.id),
                impact: Some(Level::High),
                ..Default::default()
            },
            &etag,
        )
        .await
        .expect("changed");
    // One mail to the requester and one to the new assignee, each telling every change.
    let mails = exactly(&smtp, 4).await;
    let to_claire = to(&mails, "claire@acme.test");
    assert_eq!(to_claire.len(), 2);
    let told = text_of(&to_claire[1]);
    for change in [
        "Statut : Nouveau → En cours.".to_owned(),
        "Le ticket est pris en charge par".to_owned(),
        format!("Catégorie : {} → {}.", ticket.category.name, other.name),
        "Impact : Moyenne → Haute.".to_owned(),
    ] {
        assert!(told.contains(&change), "{change} in {told}");
    }
    assert_eq!(to(&mails, "admin@guichet.test").len(), 1);

    // A follow-up that moves the status: one mail too.
    agent
        .propose_solution(&ticket.number, "Le câble est remplacé.")
        .await
        .expect("solution");
    let mails = exactly(&smtp, 6).await;
    let to_claire = to(&mails, "claire@acme.test");
    let solution = text_of(&to_claire[2]);
    assert!(solution.contains("propose une solution"), "{solution}");
    // Straight to the approval box of the ticket's page.
    assert!(
        solution.contains(&format!("/tickets/{number}#solution")),
        "{solution}"
    );
    claire
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Toujours en panne.".into(),
                internal: None,
            },
        )
        .await
        .expect("answer");
    let mails = exactly(&smtp, 7).await;
    let answer = text_of(&to(&mails, "admin@guichet.test")[2]);
    assert!(
        answer.contains("Toujours en panne.") && answer.contains("Statut : Résolu → En cours."),
        "{answer}"
    );
}

async fn a_new_tickets_mails_carry_its_summary_in_the_languages_typography(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let (claire, paul) = (
        app.client_for("claire@acme.test").await,
        app.client_for("paul@boreal.test").await,
    );
    let mut input = app.new_ticket(&claire, "Résumé attendu").await;
    let head: String = "Le routeur clignote. "
        .repeat(15)
        .chars()
        .take(300)
        .collect();
    input.description = format!("{head}FIN-DU-TEXTE jamais citée");
    input.urgency = Some(Level::VeryHigh);
    let ticket = claire.create_ticket(&input).await.expect("created");
    let mails = exactly(&smtp, 2).await;
    for address in ["claire@acme.test", "support@guichet.test"] {
        let text = text_of(&to(&mails, address)[0]);
        let kind_line = format!(
            "Type : Incident — catégorie : {} — urgence : Très haute.",
            ticket.category.name
        );
        assert!(text.contains(&kind_line), "{address}: {text}");
        assert!(text.contains("Description :"), "{address}: {text}");
        // The first 300 characters, quoted (the text part quotes line by line).
        assert!(
            text.contains(&format!("> {}…", head.trim_end()))
                || text.contains(&format!("> {head}…")),
            "{address}: {text}"
        );
        assert!(!text.contains("FIN-DU-TEXTE"), "{address}: {text}");
        assert!(text.contains("Voir le ticket : http"), "{text}");
    }

    // English: its words, and no space before its colons.
    let mut english = app.new_ticket(&paul, "Printer jammed").await;
    english.kind = TicketKind::Request;
    english.category_id = crate::helpers::first_category(&paul, TicketKind::Request).await;
    english.urgency = Some(Level::Low);
    english.description = "Paper stuck in tray 2.".into();
    let ticket = paul.create_ticket(&english).await.expect("created");
    let mails = exactly(&smtp, 4).await;
    let text = text_of(&to(&mails, "paul@boreal.test")[0]);
    let category = paul
        .ticket(&ticket.number)
        .await
        .expect("get")
        .category
        .name;
    assert!(
        text.contains(&format!(
            "Type: Request, category: {category}, urgency: Low."
        )),
        "{text}"
    );
    assert!(
        text.contains("Description:") && text.contains("> Paper stuck in tray 2."),
        "{text}"
    );
    assert!(text.contains("See the ticket: http"), "{text}");
    for mark in [" :", " ?", " !", " ;"] {
        assert!(!text.contains(mark), "{mark} in {text}");
    }
}

async fn watchers_hear_the_customers_replies_and_never_internal_notes(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let (claire, agent) = (
        app.client_for("claire@acme.test").await,
        app.client_for("agent@guichet.test").await,
    );
    let remi = app.client_for("remi@acme.test").await;
    let ticket = app.create(&claire, "Suivi par le référent").await;
    // The referent follows the ticket: he shares it with himself.
    remi.share(&ticket.number, &address("remi@acme.test"))
        .await
        .expect("shared");
    // Claire hears of it; Rémi, its author, does not.
    exactly(&smtp, 3).await;
    claire
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Précision de Claire.".into(),
                internal: None,
            },
        )
        .await
        .expect("reply");
    agent
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Note interne sur le client.".into(),
                internal: Some(true),
            },
        )
        .await
        .expect("note");
    let mails = exactly(&smtp, 6).await;
    let to_remi: Vec<String> = to(&mails, "remi@acme.test").iter().map(text_of).collect();
    assert_eq!(to_remi.len(), 1, "{to_remi:#?}");
    assert!(
        to_remi[0].contains("> Précision de Claire."),
        "{}",
        to_remi[0]
    );
    assert!(to_remi.iter().all(|t| !t.contains("Note interne")));
}
