//! The delivery worker killed mid-delivery: the real `guichet` binary is killed (SIGKILL)
//! while the SMTP server holds messages unanswered, then started again on the same
//! database. Every message reaches the SMTP server exactly once: the ones cut off were never
//! accepted, so they are sent again after their lease expires; the ones accepted (and
//! recorded) before the crash are not sent again.
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use guichet_client::Client;

use crate::helpers::{Backend, TestApp, PASSWORD, TOKEN_KEY};
use crate::on_both_databases;
use crate::smtp::SmtpServer;

on_both_databases!(a_worker_killed_mid_delivery_sends_each_mail_once);

/// A `guichet serve --demo` process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn serve(
    database_url: &str,
    data_dir: &std::path::Path,
    smtp_url: &str,
) -> (Process, Client) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["serve", "--demo"])
        .env("GUICHET_BIND", format!("127.0.0.1:{port}"))
        .env("GUICHET_DATABASE_URL", database_url)
        .env("GUICHET_DATA_DIR", data_dir)
        .env("GUICHET_TOKEN_KEY", TOKEN_KEY)
        .env("GUICHET_SMTP_URL", smtp_url)
        .env("GUICHET_MAIL_LEASE", "2s")
        .env("GUICHET_WORKERS", "1")
        .env("GUICHET_WEB_DIR", data_dir.join("no-web-app"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("guichet starts");
    let process = Process(child);
    let client = Client::new(&format!("http://127.0.0.1:{port}")).expect("client");
    for _ in 0..300 {
        let ready = client.raw("GET", "/readyz", None, None).await;
        if ready.is_ok_and(|r| r.status == 200) {
            return (process, client);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("guichet did not get ready");
}

async fn a_worker_killed_mid_delivery_sends_each_mail_once(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, postgres) = crate::helpers::database(backend, dir.path()).await;
    let (smtp, smtp_url) = SmtpServer::start_stalling_after(3).await;

    let (first, client) = serve(&database_url, dir.path(), &smtp_url).await;
    let tokens = client
        .login("claire@acme.test", PASSWORD)
        .await
        .expect("login");
    let claire = client.with_access_token(tokens.access_token);
    let category =
        crate::helpers::first_category(&claire, guichet_types::TicketKind::Incident).await;
    for i in 0..6 {
        let ticket = guichet_types::NewTicket {
            kind: guichet_types::TicketKind::Incident,
            category_id: category,
            urgency: Some(guichet_types::Level::Medium),
            title: format!("Panne {i}"),
            description: "Rien ne marche".into(),
            ..Default::default()
        };
        claire.create_ticket(&ticket).await.expect("ticket");
    }
    // Three mails accepted, the next ones cut off before their answer (mails go out side by
    // side, so more than one may hang): the process dies there, once the accepted ones are
    // recorded, which must not wait for the hanging sends.
    for _ in 0..300 {
        if smtp.stalled() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(smtp.stalled() >= 1, "a delivery hangs");
    assert_eq!(smtp.received().len(), 3);
    let sent = "SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NOT NULL";
    for _ in 0..100 {
        if TestApp::count_on(&database_url, sent).await == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        TestApp::count_on(&database_url, sent).await,
        3,
        "the accepted mails are recorded while another send hangs"
    );
    drop(first);

    smtp.resume();
    let (_second, _) = serve(&database_url, dir.path(), &smtp_url).await;
    let total = TestApp::count_on(&database_url, "SELECT COUNT(*) FROM outbox_messages").await;
    assert_eq!(total, 12, "an acknowledgement and an alert per ticket");
    for _ in 0..300 {
        if TestApp::count_on(&database_url, sent).await == total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A moment more, for a duplicate to show if there were one.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = smtp.received();
    let ids: HashSet<String> = received
        .iter()
        .map(|m| m.header("Message-ID").expect("a Message-ID"))
        .collect();
    assert_eq!(received.len(), 12, "every mail arrived, none twice");
    assert_eq!(ids.len(), 12);
    drop(postgres);
}
