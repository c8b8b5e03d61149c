//! Moving an install: SQLite to PostgreSQL (`guichet migrate-data`), and a backup taken while
//! the server writes, restored elsewhere (`guichet backup` / `guichet restore`).
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use guichet_api::transfer::{self, TransferError};
use guichet_types::{NewFollowup, TicketListQuery, TicketNumber};
use sea_orm::{ConnectionTrait, Database, Statement};
use sha2::{Digest, Sha256};

use crate::helpers::{
    database, spawn, spawn_on_database, spawn_with, Backend, PostgresDatabase, TestApp,
};
use crate::on_both_databases;

const GENERATED: i64 = 10_000;

/// Adds `GENERATED` tickets (copies of the first demo ticket, on 2025-01-01, each with one
/// event) straight in the SQLite database, as years of use would leave it.
async fn generate_tickets(database_url: &str) {
    let db = Database::connect(database_url).await.expect("connect");
    let columns = columns_but_id(&db, "tickets").await;
    let values: Vec<String> = columns
        .iter()
        .map(|name| match name.as_str() {
            "number" => "printf('T20250101.%04d', n.i)".to_owned(),
            "title" => "'Generated ticket ' || n.i".to_owned(),
            "search_text" => "'generated ticket zephyrine ' || n.i".to_owned(),
            other => format!("t.{other}"),
        })
        .collect();
    db.execute_unprepared(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {GENERATED}) \
         INSERT INTO tickets ({}) SELECT {} FROM n, (SELECT * FROM tickets ORDER BY id LIMIT 1) t",
        columns.join(", "),
        values.join(", ")
    ))
    .await
    .expect("generate tickets");
    let event_columns = columns_but_id(&db, "ticket_events").await;
    let event_values: Vec<String> = event_columns
        .iter()
        .map(|name| match name.as_str() {
            "ticket_id" => "t.id".to_owned(),
            other => format!("e.{other}"),
        })
        .collect();
    db.execute_unprepared(&format!(
        "INSERT INTO ticket_events ({}) SELECT {} FROM tickets t, \
         (SELECT * FROM ticket_events ORDER BY id LIMIT 1) e WHERE t.number LIKE 'T20250101.%'",
        event_columns.join(", "),
        event_values.join(", ")
    ))
    .await
    .expect("generate events");
    db.execute_unprepared(&format!(
        "INSERT INTO ticket_day_counters (day, last_sequence) VALUES ('20250101', {GENERATED})"
    ))
    .await
    .expect("day counter");
}

/// The columns of a SQLite table, its id left out.
async fn columns_but_id(db: &sea_orm::DatabaseConnection, table: &str) -> Vec<String> {
    db.query_all(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT name FROM pragma_table_info('{table}')"),
    ))
    .await
    .expect("columns")
    .iter()
    .map(|row| row.try_get_by_index::<String>(0).expect("name"))
    .filter(|name| name != "id")
    .collect()
}

fn followup(body: &str) -> NewFollowup {
    NewFollowup {
        body: body.to_owned(),
        internal: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_moves_to_postgresql_and_the_ticket_life_goes_on() {
    let sqlite = spawn(Backend::Sqlite).await;
    let claire = sqlite.client_for("claire@acme.test").await;
    let before = sqlite.create(&claire, "Written on SQLite").await;
    generate_tickets(&sqlite.database_url).await;
    let tickets = sqlite.count("SELECT COUNT(*) FROM tickets").await;
    assert!(tickets > GENERATED);

    let postgres = PostgresDatabase::create().await;
    let progress = std::sync::Mutex::new(Vec::new());
    let record = |line: &str| progress.lock().expect("lock").push(line.to_owned());
    let copied = transfer::copy::migrate_data(&sqlite.database_url, &postgres.url, &record)
        .await
        .expect("the install moves");
    assert_eq!(copied.rows["tickets"], u64::try_from(tickets).unwrap_or(0));
    assert!(
        progress
            .lock()
            .expect("lock")
            .iter()
            .any(|line| line.starts_with("tickets: 500/")),
        "progress is shown batch by batch"
    );
    // Once filled, the target is refused.
    let again = transfer::copy::migrate_data(&sqlite.database_url, &postgres.url, &|_| {}).await;
    assert!(matches!(again, Err(TransferError::Refused(_))), "{again:?}");

    // The same install, now on PostgreSQL: accounts, tickets, search and numbering.
    let moved = spawn_on_database(postgres.url.clone(), &[]).await;
    assert_eq!(
        TestApp::count_on(&postgres.url, "SELECT COUNT(*) FROM tickets").await,
        tickets
    );
    let claire = moved.client_for("claire@acme.test").await;
    let agent = moved.client_for("agent@guichet.test").await;
    let found = claire.ticket(&before.number).await.expect("old ticket");
    assert_eq!(found.title, "Written on SQLite");
    let found = agent
        .list_tickets(&TicketListQuery {
            q: Some("zephyrine".into()),
            ..Default::default()
        })
        .await
        .expect("search");
    assert!(!found.items.is_empty(), "the search vectors are built");

    let created = moved.create(&claire, "Written on PostgreSQL").await;
    assert_ne!(created.number, before.number);
    let taken = TestApp::count_on(
        &postgres.url,
        "SELECT COUNT(*) - COUNT(DISTINCT number) FROM tickets",
    )
    .await;
    assert_eq!(taken, 0, "no ticket number is used twice");
    agent
        .add_followup(&created.number, &followup("Avez-vous redémarré ?"))
        .await
        .expect("follow-up");
    agent
        .propose_solution(&created.number, "Le service est relancé.")
        .await
        .expect("solution");
    claire
        .approve_solution(&created.number, Some("Merci"))
        .await
        .expect("approval");
    let closed = claire.ticket(&created.number).await.expect("ticket");
    assert_eq!(closed.status.to_string(), "closed");
}

/// SHA-256 of every file under `dir`, by name.
fn files_in(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.path().is_file())
                .map(|entry| {
                    let bytes = std::fs::read(entry.path()).expect("read");
                    (
                        entry.file_name().to_string_lossy().into_owned(),
                        format!("{:x}", Sha256::digest(&bytes)),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn guichet(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(args)
        .envs(envs.iter().copied())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run guichet")
}

async fn a_backup_taken_under_writes_restores_every_table_and_file(backend: Backend) {
    let app = spawn_with(backend, &[]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "With files").await;
    for i in 0..3 {
        claire
            .upload_attachment(
                &ticket.number,
                &format!("photo-{i}.txt"),
                "text/plain",
                format!("file {i} ").repeat(1000 + i).into_bytes(),
            )
            .await
            .expect("upload");
    }

    // Writers go on while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, stop) = (claire.clone(), stop.clone());
        let new_ticket = app.new_ticket(&claire, "Written during the backup").await;
        let number: TicketNumber = ticket.number.clone();
        tokio::spawn(async move {
            let mut written = 0;
            while !stop.load(Ordering::Relaxed) {
                client.create_ticket(&new_ticket).await.expect("create");
                client
                    .add_followup(&number, &followup("Encore une précision"))
                    .await
                    .expect("follow-up");
                written += 1;
            }
            written
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let archive_dir = tempfile::tempdir().expect("dir");
    let archive = archive_dir.path().join("guichet.tar.gz");
    let data_dir = app.data_dir().display().to_string();
    let database_url = app.database_url.clone();
    let archive_arg = archive.display().to_string();
    let backup = tokio::task::spawn_blocking(move || {
        guichet(
            &["backup", "--to", &archive_arg],
            &[
                ("GUICHET_DATABASE_URL", &database_url),
                ("GUICHET_DATA_DIR", &data_dir),
            ],
        )
    })
    .await
    .expect("backup");
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.expect("writer");
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(written > 0, "the server was written to during the backup");

    // Restored elsewhere: a new database and a new data directory.
    let restored_dir = tempfile::tempdir().expect("dir");
    let (restored_url, _postgres) = database(backend, restored_dir.path()).await;
    let restored_data = restored_dir.path().join("data");
    let restored_data_arg = restored_data.display().to_string();
    let archive_arg = archive.display().to_string();
    let restore = guichet(
        &["restore", "--from", &archive_arg, "--to", &restored_url],
        &[("GUICHET_DATA_DIR", &restored_data_arg)],
    );
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );

    // Every table as the archive's manifest says (counts and checksums, checked again here),
    // every row the source still has, and every file byte for byte.
    let manifest = transfer::archive::check(&archive).expect("a sound archive");
    let restored_db = transfer::database::open(&restored_url).await.expect("open");
    let tallies = transfer::database::tally(&restored_db)
        .await
        .expect("tally");
    for (name, entry) in &manifest.tables {
        assert_eq!(tallies[name].rows, entry.rows, "{name}");
        assert_eq!(tallies[name].checksum(), entry.sha256, "{name}");
    }
    let source_tickets = app.count("SELECT COUNT(*) FROM tickets").await;
    let restored_tickets = TestApp::count_on(&restored_url, "SELECT COUNT(*) FROM tickets").await;
    assert!(restored_tickets > 1 && restored_tickets <= source_tickets);
    assert_eq!(
        files_in(&restored_data.join("attachments")),
        files_in(&app.data_dir().join("attachments"))
    );
    assert_eq!(manifest.files.len(), 3);

    // The restored install serves: sign in, read the ticket and its files.
    let restored = spawn_on_database(restored_url.clone(), &[]).await;
    let claire = restored.client_for("claire@acme.test").await;
    claire.ticket(&ticket.number).await.expect("ticket");
    let files = claire.attachments(&ticket.number).await.expect("files");
    assert_eq!(files.len(), 3);

    // Into a database that is not empty: refused, and nothing changes.
    let again = guichet(
        &["restore", "--from", &archive_arg, "--to", &restored_url],
        &[("GUICHET_DATA_DIR", &restored_data_arg)],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_archive_is_refused_before_anything_is_written() {
    let app = spawn(Backend::Sqlite).await;
    let dir = tempfile::tempdir().expect("dir");
    let archive = dir.path().join("guichet.tar.gz");
    let db = Database::connect(&app.database_url).await.expect("connect");
    let storage = app.state.storage.clone();
    transfer::archive::backup(&db, &storage, &archive, &|_| {})
        .await
        .expect("backup");
    let mut bytes = std::fs::read(&archive).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&archive, bytes).expect("write");

    let target_dir = tempfile::tempdir().expect("dir");
    let (target_url, _postgres) = database(Backend::Sqlite, target_dir.path()).await;
    let restored = transfer::archive::restore(&archive, &target_url, &storage, &|_| {}).await;
    assert!(restored.is_err(), "a damaged archive is refused");
    assert!(
        !target_dir.path().join("guichet.db").exists()
            || TestApp::count_on(&target_url, "SELECT COUNT(*) FROM tickets").await == 0
    );
}

on_both_databases!(a_backup_taken_under_writes_restores_every_table_and_file);
