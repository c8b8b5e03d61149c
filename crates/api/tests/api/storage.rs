//! The attachment store on a real S3-protocol server (moto), presigned downloads, the
//! `guichet storage copy` command, and a full disk.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::stream;
use guichet_api::attachments::copy::{copy_all, CopyReport, FileKind, FileOutcome};
use guichet_api::attachments::storage::Storage;
use guichet_api::config::{Settings, StorageUrl};
use guichet_client::Client;
use guichet_types::TicketNumber;
use sha2::{Digest, Sha256};

use crate::helpers::{spawn_with, Backend, Mounted, TestApp};
use crate::moto::{aws_settings, Bucket};
use crate::on_both_databases;

on_both_databases!(
    files_go_to_s3_and_come_back,
    a_failed_upload_leaves_nothing_on_s3
);

mod single {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn downloads_redirect_to_a_presigned_url() {
        super::downloads_redirect_to_a_presigned_url().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unreachable_store_answers_503() {
        super::an_unreachable_store_answers_503().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_copy_command_moves_files_to_s3_in_passes() {
        super::the_copy_command_moves_files_to_s3_in_passes().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_disk_answers_507_and_keeps_serving_reads() {
        super::a_full_disk_answers_507_and_keeps_serving_reads().await;
    }
}

const MIB: usize = 1024 * 1024;

async fn spawn_on(backend: Backend, settings: &[(&'static str, String)]) -> TestApp {
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_with(backend, &pairs).await
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn bytes_of(len: usize, seed: u8) -> Vec<u8> {
    (0..=250u8)
        .cycle()
        .skip(usize::from(seed))
        .take(len)
        .collect()
}

async fn eventually<F: std::future::Future<Output = bool>>(mut done: impl FnMut() -> F) -> bool {
    let started = Instant::now();
    while !done().await {
        if started.elapsed() > Duration::from_secs(20) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

async fn files_go_to_s3_and_come_back(backend: Backend) {
    let bucket = Bucket::create().await;
    let mut settings = bucket.settings();
    settings.push(("GUICHET_ATTACHMENT_MAX_BYTES", (12 * MIB).to_string()));
    let app = spawn_on(backend, &settings).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Journaux du serveur").await;

    // Small, and over 5 MiB: several parts of a multipart upload.
    for (name, bytes) in [
        ("petit.txt", b"bonjour".to_vec()),
        ("journal.log", bytes_of(11 * MIB + 12_345, 3)),
    ] {
        let info = claire
            .upload_attachment(&ticket.number, name, "text/plain", bytes.clone())
            .await
            .expect("stored on S3");
        let file = claire.download_attachment(info.id).await.expect("download");
        assert_eq!(file.status, 200);
        assert_eq!(file.body.len(), bytes.len());
        assert!(file.body == bytes, "{name}: the bytes differ");
        assert_eq!(
            file.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert!(file
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;")));
        let stored = app
            .query_one_string(&format!(
                "SELECT sha256 FROM attachments WHERE id = {}",
                info.id
            ))
            .await;
        assert_eq!(stored, sha256(&bytes));
        let key = app
            .query_one_string(&format!(
                "SELECT storage_key FROM attachments WHERE id = {}",
                info.id
            ))
            .await;
        assert!(bucket.object(&format!("attachments/{key}")).await == bytes);
    }
    assert_eq!(bucket.keys().await.len(), 2);
    assert_eq!(bucket.pending_uploads().await, Vec::<String>::new());
}

/// A multipart upload of `total` bytes sent without a length, 64 KiB at a time; with
/// `cut_after`, the body fails once that much is sent and the request is cut.
async fn upload_streamed(
    client: &Client,
    number: &TicketNumber,
    total: usize,
    cut_after: Option<usize>,
) -> Result<reqwest::Response, reqwest::Error> {
    let boundary = "guichet-storage-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"gros.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    const CHUNK: usize = 64 * 1024;
    let chunks = (0..total.div_ceil(CHUNK)).map(move |i| {
        let sent = i * CHUNK;
        if cut_after.is_some_and(|cut| sent >= cut) {
            return Err(std::io::Error::other("the client gave up"));
        }
        Ok(bytes_of(CHUNK.min(total - sent), 1))
    });
    let body = stream::iter(
        std::iter::once(Ok(head.into_bytes()))
            .chain(chunks)
            .chain(std::iter::once(Ok(tail.into_bytes()))),
    );
    reqwest::Client::new()
        .post(format!(
            "{}/api/v1/tickets/{number}/attachments",
            client.base_url()
        ))
        .bearer_auth(client.access_token().unwrap_or_default())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
}

async fn a_failed_upload_leaves_nothing_on_s3(backend: Backend) {
    let bucket = Bucket::create().await;
    let mut settings = bucket.settings();
    settings.push(("GUICHET_ATTACHMENT_MAX_BYTES", (6 * MIB).to_string()));
    let app = spawn_on(backend, &settings).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Envois ratés").await;

    // Over the limit, found out mid-stream: a first 5 MiB part is already at the store.
    let refused = upload_streamed(&claire, &ticket.number, 8 * MIB, None)
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 413);

    // The client goes away after 5.5 MiB.
    let cut = upload_streamed(&claire, &ticket.number, 6 * MIB, Some(5 * MIB + MIB / 2)).await;
    assert!(cut.is_err(), "the request was cut: {cut:?}");

    assert!(
        eventually(|| async { bucket.pending_uploads().await.is_empty() }).await,
        "pending multipart uploads: {:?}",
        bucket.pending_uploads().await
    );
    assert_eq!(bucket.keys().await, Vec::<String>::new());
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
    assert_eq!(
        claire.attachments(&ticket.number).await.expect("list"),
        vec![]
    );
}

async fn downloads_redirect_to_a_presigned_url() {
    let bucket = Bucket::create().await;
    let mut settings = bucket.settings();
    settings.push(("GUICHET_STORAGE_PRESIGN", "60".to_owned()));
    let app = spawn_on(Backend::Sqlite, &settings).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Facture jointe").await;
    let bytes = bytes_of(300_000, 7);
    let info = claire
        .upload_attachment(
            &ticket.number,
            "facture été.pdf",
            "application/pdf",
            bytes.clone(),
        )
        .await
        .expect("stored");

    let url = format!("{}/api/v1/attachments/{}", claire.base_url(), info.id);
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let answer = no_redirects
        .get(&url)
        .bearer_auth(claire.access_token().unwrap_or_default())
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 302);
    assert_eq!(
        answer
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let location = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location")
        .to_owned();
    assert!(location.starts_with(crate::moto::endpoint()), "{location}");
    assert!(location.contains("X-Amz-Signature="), "{location}");
    // Signed with the URL: real S3 answers with these headers whatever the object holds
    // (moto applies the ones kept with the object instead, and checks no signature).
    assert!(
        location.contains("response-content-disposition=attachment"),
        "{location}"
    );
    assert!(
        location.contains("response-content-type=application%2Fpdf"),
        "{location}"
    );

    // Followed without any credential: the signature is the permission.
    let file = reqwest::get(&location).await.expect("the store answers");
    assert_eq!(file.status(), 200);
    let disposition = file
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("facture"), "{disposition}");
    assert_eq!(
        file.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(file.bytes().await.expect("bytes").to_vec() == bytes);

    // The typed client follows the redirect by itself.
    let followed = claire.download_attachment(info.id).await.expect("download");
    assert!(followed.body == bytes);

    // The permission check stays ours: another company gets a 404, not a URL.
    let paul = app.client_for("paul@boreal.test").await;
    let hidden = no_redirects
        .get(&url)
        .bearer_auth(paul.access_token().unwrap_or_default())
        .send()
        .await
        .expect("an answer");
    assert_eq!(hidden.status(), 404);
    assert!(hidden.headers().get("location").is_none());
}

async fn an_unreachable_store_answers_503() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut settings = aws_settings();
    settings.retain(|(name, _)| *name != "AWS_ENDPOINT_URL");
    settings.push(("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{closed}")));
    settings.push(("GUICHET_STORAGE_URL", "s3://nowhere/attachments".to_owned()));
    let app = spawn_on(Backend::Sqlite, &settings).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Stockage injoignable").await;
    let answer = claire
        .raw(
            "POST",
            &format!("/api/v1/tickets/{}/attachments", ticket.number),
            Some("multipart/form-data; boundary=b"),
            Some(
                b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nbonjour\r\n--b--\r\n"
                    .to_vec(),
            ),
        )
        .await
        .expect("an answer");
    assert_eq!(
        answer.status,
        503,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.header("retry-after"), Some("30"));
    let problem: serde_json::Value = answer.json().expect("a problem");
    assert_eq!(problem["code"], "storage_unavailable", "{problem}");
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, 0);
}

/// The settings of an app on the local store of `data_dir`, for the copy command.
fn local_settings(app: &TestApp, data_dir: &Path) -> Vec<(String, String)> {
    vec![
        ("GUICHET_DATABASE_URL".to_owned(), app.database_url.clone()),
        (
            "GUICHET_DATA_DIR".to_owned(),
            data_dir.display().to_string(),
        ),
    ]
}

fn run_copy_command(env: &[(String, String)], to: &str) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["storage", "copy", "--to", to])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().cloned())
        .envs(aws_settings().into_iter().map(|(k, v)| (k.to_owned(), v)))
        .output()
        .expect("run guichet storage copy");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

async fn the_copy_command_moves_files_to_s3_in_passes() {
    let root = tempfile::tempdir().expect("temp dir");
    let data_dir = root.path().join("data");
    let app = spawn_on(
        Backend::Sqlite,
        &[("GUICHET_DATA_DIR", data_dir.display().to_string())],
    )
    .await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Déménagement vers S3").await;
    let upload = |name: &'static str, bytes: Vec<u8>| {
        let (claire, number) = (claire.clone(), ticket.number.clone());
        async move {
            claire
                .upload_attachment(&number, name, "text/plain", bytes)
                .await
                .expect("stored")
        }
    };
    upload("un.txt", bytes_of(10_000, 1)).await;
    upload("deux.txt", bytes_of(200_000, 2)).await;
    // An article's image is a stored file too.
    let agent = app.client_for("agent@guichet.test").await;
    let image = agent
        .upload_article_image(
            "redemarrer-la-box-fibre",
            "box.png",
            "image/png",
            b"\x89PNG\r\n\x1a\n box".to_vec(),
        )
        .await
        .expect("an article image");

    let bucket = Bucket::create().await;
    let target_url = format!("s3://{}/moved", bucket.name);
    let env = local_settings(&app, &data_dir);

    // First pass, through the built binary.
    let (ok, printed) = run_copy_command(&env, &target_url);
    assert!(ok, "{printed}");
    assert!(
        printed.contains("3 copied, 0 already there, 0 failed"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("article image {} (", image.id.0)),
        "{printed}"
    );
    assert_eq!(bucket.keys().await.len(), 3);

    // A file written meanwhile: the second pass copies it alone.
    let third = upload("trois.txt", bytes_of(50_000, 3)).await;
    let settings = Settings::from_map(&env.iter().cloned().collect()).expect("settings");
    let from = Storage::from_settings(&settings).expect("the local store");
    let aws = Settings::from_map(
        &aws_settings()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
    .expect("aws settings")
    .aws;
    let to = Storage::open(&StorageUrl::parse(&target_url).expect("url"), &aws).expect("S3");
    let mut seen = Vec::new();
    let report = copy_all(&app.state.db, &from, &to, |row, outcome| {
        seen.push((row.id, outcome.clone()));
    })
    .await
    .expect("a pass");
    assert_eq!(
        report,
        CopyReport {
            copied: 1,
            already_there: 3,
            failed: vec![]
        }
    );
    assert!(seen.contains(&(third.id, FileOutcome::Copied)), "{seen:?}");
    assert_eq!(bucket.keys().await.len(), 4);

    // A file whose bytes changed on disk, and one gone: reported, not copied.
    let corrupted = upload("quatre.txt", bytes_of(30_000, 4)).await;
    let missing = upload("cinq.txt", bytes_of(30_000, 5)).await;
    let key_of = |id: i64| {
        let app = &app;
        async move {
            app.query_one_string(&format!(
                "SELECT storage_key FROM attachments WHERE id = {id}"
            ))
            .await
        }
    };
    let attachments = data_dir.join("attachments");
    std::fs::write(
        attachments.join(key_of(corrupted.id).await),
        b"not the same bytes",
    )
    .expect("corrupt");
    std::fs::remove_file(attachments.join(key_of(missing.id).await)).expect("remove");
    let report = copy_all(&app.state.db, &from, &to, |_, _| {})
        .await
        .expect("a pass");
    assert_eq!((report.copied, report.already_there), (0, 4));
    let failed: Vec<(FileKind, i64)> = report
        .failed
        .iter()
        .map(|(kind, id, _)| (*kind, *id))
        .collect();
    assert_eq!(
        failed,
        vec![
            (FileKind::Attachment, corrupted.id),
            (FileKind::Attachment, missing.id)
        ],
        "{report:?}"
    );
    assert!(
        report.failed[0].2.contains("checksum mismatch"),
        "{report:?}"
    );
    assert!(report.failed[1].2.contains("missing"), "{report:?}");
    assert_eq!(bucket.keys().await.len(), 4);
    assert_eq!(bucket.pending_uploads().await, Vec::<String>::new());

    let (ok, printed) = run_copy_command(&env, &target_url);
    assert!(!ok, "{printed}");
    assert!(
        printed.contains("0 copied, 4 already there, 2 failed"),
        "{printed}"
    );
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default()
}

async fn a_full_disk_answers_507_and_keeps_serving_reads() {
    let root = tempfile::tempdir().expect("temp dir");
    let store = root.path().join("attachments");
    let Some(_mounted) = Mounted::tmpfs(&store, "3m") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let app = spawn_on(
        Backend::Sqlite,
        &[("GUICHET_STORAGE_URL", store.display().to_string())],
    )
    .await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Disque plein").await;
    let first_bytes = bytes_of(1_000_000, 1);
    let first = claire
        .upload_attachment(
            &ticket.number,
            "un.bin",
            "application/octet-stream",
            first_bytes.clone(),
        )
        .await
        .expect("room for the first");

    let mut stored = 1;
    let full = loop {
        assert!(stored < 10, "3 MiB never filled up");
        let answer = claire
            .upload_attachment(
                &ticket.number,
                "suivant.bin",
                "application/octet-stream",
                bytes_of(1_000_000, 2),
            )
            .await;
        match answer {
            Ok(_) => stored += 1,
            Err(error) => break error,
        }
    };
    let problem = match full {
        guichet_client::ClientError::Api(problem) => problem,
        other => panic!("expected a problem, got {other}"),
    };
    assert_eq!(problem.status, 507, "{problem:?}");
    assert_eq!(problem.code, "storage_full", "{problem:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM attachments").await, stored);
    // No partial file: only the stored ones, under their keys.
    assert_eq!(
        files_under(&store).len(),
        usize::try_from(stored).unwrap_or_default()
    );

    let file = claire
        .download_attachment(first.id)
        .await
        .expect("reads go on");
    assert!(file.body == first_bytes);
    assert_eq!(
        claire
            .attachments(&ticket.number)
            .await
            .expect("list")
            .len(),
        usize::try_from(stored).unwrap_or_default()
    );
}
