//! Reply by email: a real reply (multipart, quoted history, attachment) becomes a follow-up
//! by its author, once; forged, unsigned or mismatched addresses and senders who may not see
//! the ticket create nothing and are kept; a mail to the support address opens a ticket;
//! `guichet mail-ingest` takes a mail on standard input.
use std::io::Write;
use std::process::{Command, Stdio};

use guichet_types::{
    InboundOutcome, InboundResult, NewFollowup, RejectReason, TicketEvent, TicketNumber,
    TicketStatus,
};

use crate::helpers::{address, spawn_with, Backend, TestApp, TOKEN_KEY};
use crate::mail::text_of;
use crate::on_both_databases;
use crate::smtp::{Received, SmtpServer};

on_both_databases!(
    a_reply_by_mail_becomes_a_followup_once,
    forged_and_unauthorised_mail_creates_nothing,
    mail_to_support_opens_a_ticket,
    mail_ingest_reads_standard_input,
);

const GATEWAY: &str = "gateway-token-for-the-tests-0123456789";
const SUPPORT: &str = "support@guichet.test";

async fn start(backend: Backend) -> (TestApp, SmtpServer) {
    let (smtp, url) = SmtpServer::start().await;
    let app = spawn_with(
        backend,
        &[
            ("GUICHET_SMTP_URL", &url),
            ("GUICHET_SUPPORT_EMAIL", SUPPORT),
            ("GUICHET_INBOUND_TOKEN", GATEWAY),
        ],
    )
    .await;
    (app, smtp)
}

/// The Reply-To of the last mail `address` received.
async fn reply_address(smtp: &SmtpServer, count: usize, address: &str) -> String {
    let mails: Vec<Received> = smtp
        .wait_for(count)
        .await
        .into_iter()
        .filter(|m| m.recipients.iter().any(|r| r == address))
        .collect();
    let last = mails.last().expect("a mail to the address");
    last.header("Reply-To").expect("a Reply-To")
}

/// A reply as a mail client writes it: text and HTML alternatives with the quoted history,
/// and a file.
fn reply_mail(from: &str, to: &str, message_id: &str, text: &str) -> Vec<u8> {
    format!(
        "From: Someone <{from}>\r\n\
         To: {to}\r\n\
         Subject: Re: [T] Imprimante\r\n\
         Message-ID: <{message_id}>\r\n\
         In-Reply-To: <x@127.0.0.1>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
         \r\n\
         --outer\r\n\
         Content-Type: multipart/alternative; boundary=\"inner\"\r\n\
         \r\n\
         --inner\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         {text}\r\n\
         \r\n\
         Le sam. 21 nov. 2026 à 10:00, Guichet <{SUPPORT}> a écrit :\r\n\
         > Pouvez-vous vérifier le câble ?\r\n\
         --inner\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         \r\n\
         <p>{text}</p><blockquote>Pouvez-vous vérifier le câble ?</blockquote>\r\n\
         --inner--\r\n\
         --outer\r\n\
         Content-Type: text/plain; name=\"rapport.txt\"\r\n\
         Content-Disposition: attachment; filename=\"rapport.txt\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n\
         Q8OiYmxlIHJlYnJhbmNow6k=\r\n\
         --outer--\r\n"
    )
    .into_bytes()
}

fn plain_mail(from: &str, to: &str, message_id: &str, subject: &str, text: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    )
    .into_bytes()
}

async fn a_reply_by_mail_becomes_a_followup_once(backend: Backend) {
    let (app, smtp) = start(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let ticket = app.create(&claire, "Imprimante en panne").await;
    agent
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Pouvez-vous vérifier le câble ?".into(),
                internal: None,
            },
        )
        .await
        .expect("question");
    // Opening (2 mails), the agent's question to Claire.
    let reply_to = reply_address(&smtp, 3, "claire@acme.test").await;
    assert!(reply_to.starts_with("support+t"), "{reply_to}");

    let raw = reply_mail(
        "Claire@Acme.test",
        &reply_to,
        "reply-1@acme.test",
        "Le câble est bien branché, toujours en panne.",
    );
    let result = app
        .anonymous
        .inbound_email(GATEWAY, raw.clone())
        .await
        .expect("taken");
    assert_eq!(
        result,
        InboundResult {
            outcome: InboundOutcome::Followup,
            ticket: Some(ticket.number.clone()),
            reason: None,
        }
    );
    let timeline = claire.timeline(&ticket.number).await.expect("timeline");
    let followups: Vec<_> = timeline
        .iter()
        .filter_map(|e| match &e.event {
            TicketEvent::Followup { body } => Some((e, body)),
            _ => None,
        })
        .collect();
    assert_eq!(followups.len(), 2);
    let (by_mail, body) = followups.last().expect("the reply");
    assert_eq!(*body, "Le câble est bien branché, toujours en panne.");
    assert_eq!(
        by_mail.actor.as_ref().map(|a| a.name.as_str()),
        Some("Claire Martin")
    );
    let files = claire.attachments(&ticket.number).await.expect("files");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name, "rapport.txt");
    let bytes = claire
        .download_attachment(files[0].id)
        .await
        .expect("download");
    assert_eq!(bytes.body, "Câble rebranché".as_bytes());
    // The customer answered the question: the ticket is back with the support team.
    let now = claire.ticket(&ticket.number).await.expect("ticket");
    assert_eq!(now.status, TicketStatus::InProgress);

    // The same mail again (a gateway retry): nothing more.
    let again = app
        .anonymous
        .inbound_email(GATEWAY, raw)
        .await
        .expect("taken");
    assert_eq!(again.outcome, InboundOutcome::Duplicate);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_events WHERE event = 'followup'")
            .await,
        2
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 1);

    // The agent hears of the reply by mail, like of any customer message.
    let mails = smtp.wait_for(4).await;
    assert!(mails
        .iter()
        .any(|m| m.recipients.contains(&SUPPORT.to_owned())
            && text_of(m).contains("Le câble est bien branché")));
}

async fn forged_and_unauthorised_mail_creates_nothing(backend: Backend) {
    let (app, smtp) = start(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let ticket = app.create(&claire, "Écran noir").await;
    claire
        .share(&ticket.number, &address("prestataire@example.com"))
        .await
        .expect("shared");
    agent
        .add_followup(
            &ticket.number,
            &NewFollowup {
                body: "Nous regardons.".into(),
                internal: None,
            },
        )
        .await
        .expect("answer");
    let for_claire = reply_address(&smtp, 4, "claire@acme.test").await;
    let for_outsider = reply_address(&smtp, 4, "prestataire@example.com").await;
    let number = ticket.number.to_string().to_lowercase();
    let (local, domain) = for_claire.rsplit_once('@').expect("an address");
    let signature = local.rsplit('.').next().expect("signed");
    let altered = format!(
        "{}{}@{domain}",
        &local[..local.len() - 1],
        if signature.ends_with('0') { '1' } else { '0' }
    );
    let events_before = app.count("SELECT COUNT(*) FROM ticket_events").await;

    let cases: Vec<(&str, String, &str, RejectReason)> = vec![
        // No signature at all.
        (
            "unsigned",
            format!("support+{number}@guichet.test"),
            "claire@acme.test",
            RejectReason::BadSignature,
        ),
        (
            "altered",
            altered,
            "claire@acme.test",
            RejectReason::BadSignature,
        ),
        // Claire's address used by someone else.
        (
            "mismatched",
            for_claire.clone(),
            "paul@boreal.test",
            RejectReason::BadSignature,
        ),
        // A watcher without an account is told of the ticket but may not write on it.
        (
            "outsider",
            for_outsider,
            "prestataire@example.com",
            RejectReason::UnknownSender,
        ),
        (
            "elsewhere",
            "sales@guichet.test".into(),
            "claire@acme.test",
            RejectReason::UnknownRecipient,
        ),
    ];
    for (id, to, from, reason) in &cases {
        let raw = plain_mail(
            from,
            to,
            &format!("{id}@test"),
            "Re: écran",
            "Je prends la main.",
        );
        let result = app
            .anonymous
            .inbound_email(GATEWAY, raw)
            .await
            .expect("answered");
        assert_eq!(result.outcome, InboundOutcome::Rejected, "{id}");
        assert_eq!(result.reason, Some(*reason), "{id}");
        assert_eq!(result.ticket, None, "{id}");
    }
    // An automatic answer to a notification never loops.
    let auto = format!(
        "From: claire@acme.test\r\nTo: {for_claire}\r\nAuto-Submitted: auto-replied\r\n\
         Subject: Absent\r\nMessage-ID: <auto@test>\r\n\r\nJe suis absente.\r\n"
    );
    let result = app
        .anonymous
        .inbound_email(GATEWAY, auto.into_bytes())
        .await
        .expect("answered");
    assert_eq!(result.reason, Some(RejectReason::AutoReply));

    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_events").await,
        events_before,
        "nothing written on the ticket"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM inbound_mails").await, 0);

    // Kept for the support team, whole; customers may not look.
    let page = agent.rejected_mails(None, Some(4)).await.expect("page");
    assert_eq!(page.items.len(), 4);
    assert_eq!(page.items[0].reason, RejectReason::AutoReply);
    let rest = agent
        .rejected_mails(page.next_cursor.as_deref(), Some(4))
        .await
        .expect("next page");
    assert_eq!(rest.items.len(), 2);
    assert_eq!(rest.next_cursor, None);
    let first = rest.items.last().expect("the first rejected");
    assert_eq!(first.sender, "claire@acme.test");
    assert!(first
        .recipients
        .contains(&format!("support+{number}@guichet.test")));
    let raw = agent.rejected_mail_raw(first.id).await.expect("raw");
    assert!(String::from_utf8_lossy(&raw).contains("Je prends la main."));
    assert_eq!(
        claire
            .rejected_mails(None, None)
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(403))
    );
    assert_eq!(
        agent
            .rejected_mails(Some("x"), Some(0))
            .await
            .map_err(|e| e.status())
            .err(),
        Some(Some(422))
    );
    // The same limit rule as every list: past 100 is named, never cut.
    let answer = agent
        .raw("GET", "/api/v1/rejected-mails?limit=101", None, None)
        .await
        .expect("answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("problem");
    let fields = problem.fields();
    assert_eq!(fields, vec!["limit"]);

    // The gateway's token is required.
    let wrong = app
        .anonymous
        .inbound_email(
            "not-the-token",
            plain_mail("a@b.c", SUPPORT, "w@t", "s", "t"),
        )
        .await;
    assert_eq!(wrong.map_err(|e| e.status()).err(), Some(Some(401)));
    assert_eq!(app.count("SELECT COUNT(*) FROM rejected_mails").await, 6);
}

async fn mail_to_support_opens_a_ticket(backend: Backend) {
    let (app, smtp) = start(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    // A display name trying to smuggle a header: it never reaches one.
    let raw = plain_mail(
        "=?utf-8?q?Claire=0D=0ABcc=3A_spy=40evil=2Etest?= <claire@acme.test>",
        SUPPORT,
        "new-1@acme.test",
        "Le scanner du 2e étage fait du bruit",
        "Bonjour,\r\nLe scanner grince depuis ce matin.\r\n-- \r\nClaire",
    );
    let result = app
        .anonymous
        .inbound_email(GATEWAY, raw.clone())
        .await
        .expect("taken");
    assert_eq!(result.outcome, InboundOutcome::Ticket);
    let number: TicketNumber = result.ticket.expect("a ticket");
    let ticket = claire.ticket(&number).await.expect("Claire's ticket");
    assert_eq!(ticket.title, "Le scanner du 2e étage fait du bruit");
    assert_eq!(
        ticket.description,
        "Bonjour,\nLe scanner grince depuis ce matin."
    );
    // Its timeline says it came by mail, both ways.
    let timeline = claire.timeline(&number).await.expect("timeline");
    assert_eq!(
        serde_json::to_value(&timeline[0].event).expect("json"),
        serde_json::json!({"event": "created", "status": "new", "by_mail": true, "channel": "mail"})
    );
    let again = app
        .anonymous
        .inbound_email(GATEWAY, raw)
        .await
        .expect("taken");
    assert_eq!(again.outcome, InboundOutcome::Duplicate);
    assert_eq!(again.ticket, Some(number.clone()));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE title LIKE 'Le scanner%'")
            .await,
        1
    );

    // Acknowledged to Claire, announced to the support team; no header was injected.
    let mails = smtp.wait_for(2).await;
    assert!(mails
        .iter()
        .all(|m| m.header("Bcc").is_none() && !m.recipients.iter().any(|r| r.contains("evil"))));
    assert!(mails.iter().any(|m| m.recipients == ["claire@acme.test"]
        && m.header("Subject")
            .is_some_and(|s| s.contains(number.as_str()))));

    // Strangers do not open tickets.
    let stranger = plain_mail("nobody@example.com", SUPPORT, "new-2@x", "Hello", "Spam");
    let result = app
        .anonymous
        .inbound_email(GATEWAY, stranger)
        .await
        .expect("answered");
    assert_eq!(result.reason, Some(RejectReason::UnknownSender));
}

async fn mail_ingest_reads_standard_input(backend: Backend) {
    let (app, _smtp) = start(backend).await;
    let data_dir = app.data_dir().display().to_string();
    let ingest = |raw: Vec<u8>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_guichet"))
            .arg("mail-ingest")
            .env("GUICHET_DATABASE_URL", &app.database_url)
            .env("GUICHET_DATA_DIR", &data_dir)
            .env("GUICHET_TOKEN_KEY", TOKEN_KEY)
            .env("GUICHET_SUPPORT_EMAIL", SUPPORT)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("guichet mail-ingest starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&raw)
            .expect("mail written");
        child.wait_with_output().expect("it ends")
    };
    let output = ingest(plain_mail(
        "remi@acme.test",
        SUPPORT,
        "cli-1@acme.test",
        "Badge perdu",
        "J'ai perdu mon badge d'accès.",
    ));
    assert!(output.status.success(), "{output:?}");
    let result: InboundResult = serde_json::from_slice(&output.stdout).expect("JSON outcome");
    assert_eq!(result.outcome, InboundOutcome::Ticket);
    let remi = app.client_for("remi@acme.test").await;
    let ticket = remi
        .ticket(&result.ticket.expect("number"))
        .await
        .expect("seen by the server");
    assert_eq!(ticket.title, "Badge perdu");

    let output = ingest(b"not a mail at all".to_vec());
    assert!(output.status.success(), "{output:?}");
    let result: InboundResult = serde_json::from_slice(&output.stdout).expect("JSON outcome");
    assert_eq!(result.outcome, InboundOutcome::Rejected);
}
