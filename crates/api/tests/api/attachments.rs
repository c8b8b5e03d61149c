//! Attachments: the round trip, the size limit at the byte, harmless names, safe types,
//! visibility, the timeline, closed tickets, cut uploads and the in-memory store.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use guichet_client::Client;
use guichet_types::{Scope, TicketEvent, TicketListQuery, TicketNumber, TicketStatus};
use sha2::{Digest, Sha256};

use crate::helpers::{spawn, spawn_with, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    files_go_up_and_come_back_unchanged,
    a_file_of_exactly_the_limit_is_taken_and_one_byte_more_is_not,
    the_default_limit_refuses_two_megabytes_and_one_byte,
    names_cannot_reach_outside_the_attachments_directory,
    html_and_svg_are_only_ever_downloaded_as_bytes,
    another_companys_customer_sees_no_file,
    an_upload_needs_a_file_part,
    a_closed_ticket_takes_no_files,
    an_upload_cut_half_way_leaves_nothing,
    the_memory_store_keeps_files_out_of_the_data_directory,
);

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// An app whose data directory the test can look into.
async fn spawn_with_data_dir(
    backend: Backend,
    extra: &[(&str, &str)],
) -> (TestApp, tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let data_dir = root.path().join("deep").join("data");
    let data_dir_text = data_dir.display().to_string();
    let mut settings = vec![("GUICHET_DATA_DIR", data_dir_text.as_str())];
    settings.extend_from_slice(extra);
    (spawn_with(backend, &settings).await, root, data_dir)
}

/// A multipart body with one part, built by hand to send what clients usually cannot.
fn multipart(disposition: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "guichet-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_raw(
    client: &Client,
    number: &TicketNumber,
    disposition: &str,
    bytes: &[u8],
) -> guichet_client::RawResponse {
    let (content_type, body) = multipart(disposition, bytes);
    client
        .raw(
            "POST",
            &format!("/api/v1/tickets/{number}/attachments"),
            Some(&content_type),
            Some(body),
        )
        .await
        .expect("an answer")
}

async fn files_go_up_and_come_back_unchanged(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Imprimante en erreur").await;
    // Several parts of the store's multipart upload, in a pattern that shows any misorder.
    let bytes: Vec<u8> = (0..251u8).cycle().take(1_000_003).collect();

    let pdf = claire
        .upload_attachment(
            &ticket.number,
            "rapport été.pdf",
            "application/pdf",
            bytes.clone(),
        )
        .await
        .expect("upload");
    assert_eq!(pdf.file_name, "rapport été.pdf");
    assert_eq!(pdf.size, 1_000_003);
    assert_eq!(pdf.content_type, "application/pdf");
    // Anyone who sees the ticket may add files: here the company's referent.
    let remi = app.client_for("remi@acme.test").await;
    let notes = remi
        .upload_attachment(
            &ticket.number,
            "notes.txt",
            "text/plain",
            b"bonjour".to_vec(),
        )
        .await
        .expect("the referent uploads");
    assert_eq!(notes.content_type, "text/plain; charset=utf-8");

    let touched = claire.ticket(&ticket.number).await.expect("ticket");
    assert!(touched.updated_at > ticket.updated_at);

    let listed = claire.attachments(&ticket.number).await.expect("list");
    assert_eq!(listed, vec![pdf.clone(), notes.clone()]);

    let agent = app.client_for("agent@guichet.test").await;
    for client in [&claire, &agent] {
        let file = client.download_attachment(pdf.id).await.expect("download");
        assert_eq!(file.status, 200);
        assert_eq!(file.body, bytes);
        assert_eq!(file.header("content-type"), Some("application/pdf"));
        assert_eq!(
            file.header("content-disposition"),
            Some("attachment; filename=\"rapport ete.pdf\"; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf")
        );
        assert_eq!(
            file.header("content-security-policy"),
            Some("default-src 'none'; sandbox")
        );
        assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
    }
    let checksum: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM attachments WHERE id = {} AND sha256 = '{checksum}'",
            pdf.id
        ))
        .await,
        1
    );

    let timeline = claire.timeline(&ticket.number).await.expect("timeline");
    let added: Vec<_> = timeline
        .iter()
        .filter_map(|e| match &e.event {
            TicketEvent::AttachmentAdded { attachment } => Some((e, attachment)),
            _ => None,
        })
        .collect();
    assert_eq!(added.len(), 2);
    assert_eq!(added[0].1, &pdf);
    assert_eq!(
        added[1].0.actor.as_ref().map(|a| a.id.0),
        Some(remi.me().await.expect("me").id.0)
    );
}

async fn a_file_of_exactly_the_limit_is_taken_and_one_byte_more_is_not(backend: Backend) {
    let (app, _root, data_dir) =
        spawn_with_data_dir(backend, &[("GUICHET_ATTACHMENT_MAX_BYTES", "1000")]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Limite de taille").await;

    let exact = claire
        .upload_attachment(
            &ticket.number,
            "exact.bin",
            "application/octet-stream",
            vec![7; 1000],
        )
        .await
        .expect("exactly the limit is taken");
    assert_eq!(exact.size, 1000);

    let over = claire
        .upload_attachment(
            &ticket.number,
            "over.bin",
            "application/octet-stream",
            vec![7; 1001],
        )
        .await
        .expect_err("one byte over is refused");
    let problem = over.problem().expect("a problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (413, "payload_too_large")
    );

    // A body declared far over the limit is refused before it is read.
    let declared = upload_raw(
        &claire,
        &ticket.number,
        "name=\"file\"; filename=\"big.bin\"",
        &vec![1; 200_000],
    )
    .await;
    assert_eq!(declared.status, 413);
    assert_eq!(
        declared.header("content-type"),
        Some("application/problem+json")
    );

    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_events WHERE event = 'attachment_added'")
            .await,
        1
    );
    assert_eq!(files_under(&data_dir.join("attachments")).len(), 1);
    assert_eq!(
        claire.attachments(&ticket.number).await.expect("list"),
        vec![exact]
    );
}

async fn the_default_limit_refuses_two_megabytes_and_one_byte(backend: Backend) {
    let (app, _root, data_dir) = spawn_with_data_dir(backend, &[]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Gros fichier").await;

    let error = claire
        .upload_attachment(
            &ticket.number,
            "scan.pdf",
            "application/pdf",
            vec![0; 2 * 1024 * 1024 + 1],
        )
        .await
        .expect_err("2 MB + 1 byte is refused");
    assert_eq!(error.status(), Some(413));
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_events WHERE event = 'attachment_added'")
            .await,
        0
    );
    // Only attachments/ is looked at: the mail worker may write to outbox/ meanwhile.
    let attachments = data_dir.join("attachments");
    assert!(
        files_under(&attachments).is_empty(),
        "{:?}",
        files_under(&attachments)
    );
}

async fn names_cannot_reach_outside_the_attachments_directory(backend: Backend) {
    let (app, root, data_dir) = spawn_with_data_dir(backend, &[]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Noms de fichiers").await;

    for (name, shown) in [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("../../../deep/data/token.key", "token.key"),
        ("..", "file"),
    ] {
        let info = claire
            .upload_attachment(&ticket.number, name, "text/plain", b"root:x:0:0".to_vec())
            .await
            .unwrap_or_else(|e| panic!("upload {name}: {e}"));
        assert_eq!(info.file_name, shown, "{name}");
        let file = claire.download_attachment(info.id).await.expect("download");
        assert_eq!(file.body, b"root:x:0:0");
    }
    // Sent raw, NUL, CR and LF break the part's headers: the body is refused, not stored.
    let raw_controls = claire
        .upload_attachment(
            &ticket.number,
            "evil\0na\r\nme.txt",
            "text/plain",
            b"x".to_vec(),
        )
        .await;
    let problem = raw_controls.expect_err("unreadable headers");
    assert_eq!(problem.status(), Some(422));
    // NUL, CR and LF can only arrive encoded (RFC 5987); they are dropped.
    let answer = upload_raw(
        &claire,
        &ticket.number,
        "name=\"file\"; filename=\"x.txt\"; filename*=UTF-8''evil%00na%0D%0Ame%1B.txt",
        b"hello",
    )
    .await;
    assert_eq!(
        answer.status,
        201,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let info: guichet_types::AttachmentInfo = answer.json().expect("attachment");
    assert_eq!(info.file_name, "evilname.txt");
    let file = claire.download_attachment(info.id).await.expect("download");
    assert_eq!(
        file.header("content-disposition"),
        Some("attachment; filename=\"evilname.txt\"; filename*=UTF-8''evilname.txt")
    );

    // Everything written is a generated key directly under attachments/ (beside the mails
    // the delivery worker may have written to outbox/ meanwhile).
    let attachments = data_dir.join("attachments");
    let outbox = data_dir.join("outbox");
    let written: Vec<PathBuf> = files_under(root.path())
        .into_iter()
        .filter(|path| !path.starts_with(&outbox))
        .collect();
    assert_eq!(written.len(), 5, "{written:?}");
    for path in written {
        assert_eq!(path.parent(), Some(attachments.as_path()), "{path:?}");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert!(
            name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "{path:?}"
        );
    }
}

async fn html_and_svg_are_only_ever_downloaded_as_bytes(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Pièces actives").await;

    for (name, declared, bytes) in [
        ("page.html", "text/html", &b"<script>alert(1)</script>"[..]),
        (
            "logo.svg",
            "image/svg+xml",
            &b"<svg onload=\"alert(1)\"/>"[..],
        ),
        ("data.xml", "application/xml", &b"<a/>"[..]),
    ] {
        let info = claire
            .upload_attachment(&ticket.number, name, declared, bytes.to_vec())
            .await
            .expect("upload");
        assert_eq!(info.content_type, "application/octet-stream", "{name}");
        let file = claire.download_attachment(info.id).await.expect("download");
        assert_eq!(
            file.header("content-type"),
            Some("application/octet-stream")
        );
        let disposition = file.header("content-disposition").unwrap_or_default();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(
            file.header("content-security-policy"),
            Some("default-src 'none'; sandbox")
        );
        assert_eq!(file.body, bytes);
    }
}

async fn another_companys_customer_sees_no_file(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Confidentiel").await;
    let info = claire
        .upload_attachment(
            &ticket.number,
            "contrat.pdf",
            "application/pdf",
            b"%PDF".to_vec(),
        )
        .await
        .expect("upload");

    let paul = app.client_for("paul@boreal.test").await;
    let upload = paul
        .upload_attachment(&ticket.number, "x.txt", "text/plain", b"x".to_vec())
        .await
        .expect_err("hidden ticket");
    assert_eq!(upload.status(), Some(404));
    let list = paul
        .attachments(&ticket.number)
        .await
        .expect_err("hidden ticket");
    assert_eq!(list.status(), Some(404));
    let download = paul.download_attachment(info.id).await.expect("an answer");
    assert_eq!(download.status, 404);
    assert_eq!(
        download.header("content-type"),
        Some("application/problem+json")
    );
    // Hidden and absent look the same.
    for path in [
        format!("/api/v1/attachments/{}", info.id + 1000),
        "/api/v1/attachments/abc".into(),
    ] {
        let absent = claire
            .raw("GET", &path, None, None)
            .await
            .expect("an answer");
        assert_eq!(absent.status, 404, "{path}");
    }
    let anonymous = app
        .anonymous
        .download_attachment(info.id)
        .await
        .expect("an answer");
    assert_eq!(anonymous.status, 401);
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 1);
}

async fn an_upload_needs_a_file_part(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Sans fichier").await;

    let other_part = upload_raw(&claire, &ticket.number, "name=\"comment\"", b"hello").await;
    let not_multipart = claire
        .raw(
            "POST",
            &format!("/api/v1/tickets/{}/attachments", ticket.number),
            Some("application/json"),
            Some(b"{}".to_vec()),
        )
        .await
        .expect("an answer");
    for answer in [other_part, not_multipart] {
        assert_eq!(answer.status, 422);
        let problem: guichet_types::Problem = answer.json().expect("problem");
        let fields: Vec<String> = problem
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["file"]);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
}

async fn a_closed_ticket_takes_no_files(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let closed = claire
        .list_tickets(&TicketListQuery {
            status: vec![TicketStatus::Closed],
            scope: Some(Scope::Mine),
            ..Default::default()
        })
        .await
        .expect("list")
        .items
        .into_iter()
        .next()
        .expect("Claire has a closed demo ticket");

    let error = claire
        .upload_attachment(&closed.number, "trop-tard.txt", "text/plain", b"x".to_vec())
        .await
        .expect_err("closed");
    let problem = error.problem().expect("a problem");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (409, "invalid_transition")
    );
    assert_eq!(problem.current_status, Some(TicketStatus::Closed));
    assert_eq!(
        claire.attachments(&closed.number).await.expect("list"),
        vec![]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
}

/// Waits up to 10 seconds for `done`; false if it never came.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > Duration::from_secs(10) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}

async fn an_upload_cut_half_way_leaves_nothing(backend: Backend) {
    let (app, _root, data_dir) = spawn_with_data_dir(backend, &[]).await;
    let tokens = app.login("claire@acme.test").await;
    let claire = app.anonymous.with_access_token(tokens.access_token.clone());
    let ticket = app.create(&claire, "Connexion coupée").await;
    let events_before = app.count("SELECT COUNT(*) FROM ticket_events").await;

    // Headers announcing the whole body, then half of it, from a plain socket.
    let (content_type, body) =
        multipart("name=\"file\"; filename=\"coupé.bin\"", &vec![5; 1_500_000]);
    let address = claire.base_url().trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /api/v1/tickets/{}/attachments HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        ticket.number,
        tokens.access_token,
        body.len()
    );
    let socket = tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(&address).expect("connect");
        socket.write_all(head.as_bytes()).expect("headers");
        socket
            .write_all(&body[..body.len() / 2])
            .expect("half the body");
        socket
    })
    .await
    .expect("sent");

    // The server is storing it: its staged object is there, under attachments/.
    let attachments = data_dir.join("attachments");
    assert!(
        eventually(|| !files_under(&attachments).is_empty()).await,
        "the upload never started"
    );
    drop(socket);
    assert!(
        eventually(|| files_under(&attachments).is_empty()).await,
        "left behind: {:?}",
        files_under(&attachments)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_events").await,
        events_before
    );
    assert_eq!(
        claire.attachments(&ticket.number).await.expect("list"),
        vec![]
    );
}

async fn the_memory_store_keeps_files_out_of_the_data_directory(backend: Backend) {
    let (app, _root, data_dir) =
        spawn_with_data_dir(backend, &[("GUICHET_STORAGE_URL", "memory:")]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Stockage en mémoire").await;
    let bytes: Vec<u8> = (0..251u8).cycle().take(700_001).collect();
    let info = claire
        .upload_attachment(&ticket.number, "mesures.csv", "text/csv", bytes.clone())
        .await
        .expect("stored");
    let file = claire.download_attachment(info.id).await.expect("download");
    assert_eq!(file.body, bytes);
    assert_eq!(file.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 1);
    assert!(!data_dir.join("attachments").exists());
}
