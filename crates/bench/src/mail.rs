//! The mail scenario: how fast queued mail goes out. A first instance queues N mails (a
//! burst of tickets, an acknowledgement and an alert each) while its mail cannot leave (its
//! SMTP server never answers); it is stopped, and once its leases have passed a second
//! instance starts on that backlog. Measured: delivered mails per second from the first
//! delivery to the last, to this harness's SMTP receiver on loopback and to `.eml` files,
//! and the second instance's CPU per mail. `--baseline` runs another build the same way,
//! side by side.
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::stream::{self, StreamExt};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::data;
use crate::loadgen::{cpu_seconds, Api};
use crate::run::Server;

/// The lease the first instance's held mails get: the wait before the second instance.
const LEASE: &str = "2s";
/// Tickets created at once during the burst.
const BURST_CONCURRENCY: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sink {
    Smtp,
    Files,
}

/// One measured delivery.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MailRow {
    pub build: String,
    pub engine: String,
    pub sink: Sink,
    pub queued: usize,
    pub delivered: usize,
    pub seconds: f64,
    pub mails_per_second: f64,
    pub server_cpu_ms_per_mail: f64,
}

/// An SMTP receiver on loopback that accepts everything and counts the messages.
struct Receiver {
    url: String,
    received: Arc<AtomicUsize>,
}

impl Receiver {
    async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("smtp://{}", listener.local_addr()?);
        let received = Arc::new(AtomicUsize::new(0));
        let counter = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serve_smtp(socket, counter.clone()));
            }
        });
        Ok(Self { url, received })
    }

    fn received(&self) -> usize {
        self.received.load(Ordering::Relaxed)
    }
}

async fn serve_smtp(socket: TcpStream, received: Arc<AtomicUsize>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 localhost ESMTP bench\r\n").await?;
    while let Some(line) = lines.next_line().await? {
        let command = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match command.as_str() {
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await?;
                while let Some(row) = lines.next_line().await? {
                    if row == "." {
                        break;
                    }
                }
                received.fetch_add(1, Ordering::Relaxed);
                b"250 queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"250 OK\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

/// An SMTP server that takes connections and never answers: mail waits.
async fn black_hole() -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("smtp://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    Ok(url)
}

/// A fresh database for one measure: a new SQLite file, or a new PostgreSQL database.
async fn fresh_database(engine: &str, postgres_url: &str, work_dir: &Path) -> Result<String> {
    if engine == "sqlite" {
        let path = work_dir.join("mail-bench.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        return Ok(format!("sqlite://{}?mode=rwc", path.display()));
    }
    let name = "guichet_bench_mail";
    let admin = guichet_api::db::connect(postgres_url).await?;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await?;
    crate::load::with_database(postgres_url, name)
}

async fn count(url: &str, sql: &str) -> Result<i64> {
    let db = guichet_api::db::connect(url).await?;
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("no row")?;
    let value = row.try_get_by_index::<i64>(0)?;
    db.close().await?;
    Ok(value)
}

/// Queues `mails` mails on a fresh database of `engine` with `binary`, then measures their
/// delivery to `sink` by a new instance of the same binary.
pub async fn measure(
    binary: &Path,
    build: &str,
    engine: &str,
    postgres_url: &str,
    sink: Sink,
    mails: usize,
    work_dir: &Path,
) -> Result<MailRow> {
    let url = fresh_database(engine, postgres_url, work_dir).await?;
    let hole = black_hole().await?;
    {
        let queuing = Server::start_with(
            binary,
            &url,
            work_dir,
            &["--demo"],
            &[("GUICHET_SMTP_URL", &hole), ("GUICHET_MAIL_LEASE", LEASE)],
        )
        .await?;
        burst(&queuing, &url, mails.div_ceil(2)).await?;
    }
    let queued = usize::try_from(count(&url, "SELECT COUNT(*) FROM outbox_messages").await?)?;
    // The stopped instance's leases pass.
    tokio::time::sleep(Duration::from_millis(2_500)).await;

    let receiver = Receiver::start().await?;
    let settings: Vec<(&str, &str)> = match sink {
        Sink::Smtp => vec![("GUICHET_SMTP_URL", &receiver.url)],
        Sink::Files => Vec::new(),
    };
    let started = Instant::now();
    let server = Server::start_with(binary, &url, work_dir, &[], &settings).await?;
    let cpu_before = cpu_seconds(&server.pid).unwrap_or_default();
    let outbox = server.data_dir.0.join("outbox");
    let delivered = || match sink {
        Sink::Smtp => receiver.received(),
        Sink::Files => std::fs::read_dir(&outbox).map_or(0, |dir| dir.count()),
    };
    // From the first mail out to the last, or to the time limit (today's worker is slow).
    let limit = Duration::from_secs(30);
    let mut first: Option<(Instant, usize)> = None;
    let mut last = (Instant::now(), 0);
    while started.elapsed() < limit {
        let now = (Instant::now(), delivered());
        if first.is_none() && now.1 > 0 {
            first = Some(now);
        }
        last = now;
        if now.1 >= queued {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cpu = cpu_seconds(&server.pid).unwrap_or_default() - cpu_before;
    let Some((first_at, first_count)) = first else {
        bail!(
            "{build} on {engine}: no mail delivered in {} s",
            limit.as_secs()
        );
    };
    let seconds = (last.0 - first_at).as_secs_f64().max(0.001);
    let row = MailRow {
        build: build.to_owned(),
        engine: engine.to_owned(),
        sink,
        queued,
        delivered: last.1,
        seconds,
        mails_per_second: (last.1 - first_count) as f64 / seconds,
        server_cpu_ms_per_mail: 1_000.0 * cpu / last.1.max(1) as f64,
    };
    eprintln!(
        "[mail] {build} {engine} {sink:?}: {} of {} in {:.1} s, {:.0} mails/s",
        row.delivered, row.queued, row.seconds, row.mails_per_second
    );
    Ok(row)
}

/// `tickets` tickets from the demo's Claire, `BURST_CONCURRENCY` at a time.
async fn burst(server: &Server, url: &str, tickets: usize) -> Result<()> {
    let api = Api::new(server.base.clone())?;
    let token = api
        .sign_in("claire@acme.test", guichet_api::demo::DEMO_PASSWORD)
        .await?;
    let category = count(
        url,
        "SELECT id FROM categories WHERE kind = 'incident' AND parent_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .await?;
    let rng = RefCell::new(StdRng::seed_from_u64(7));
    let created = stream::iter(0..tickets)
        .map(|_| {
            let text = data::ticket_text(&mut rng.borrow_mut(), true);
            let body = json!({
                "kind": "incident",
                "category_id": category,
                "urgency": "medium",
                "title": text.title,
                "description": text.description,
            });
            let (api, token) = (&api, token.as_str());
            async move {
                api.post("/api/v1/tickets", Some(token), &body)
                    .await
                    .is_some()
            }
        })
        .buffer_unordered(BURST_CONCURRENCY)
        .filter(|created| std::future::ready(*created))
        .count()
        .await;
    if created < tickets {
        bail!("{} of {tickets} tickets failed", tickets - created);
    }
    Ok(())
}

/// Every measure: each build, engine (`sqlite`, `postgresql`) and sink.
pub async fn run(
    builds: &[(String, PathBuf)],
    engines: &[&str],
    postgres_url: &str,
    mails: usize,
    work_dir: &Path,
) -> Result<Vec<MailRow>> {
    let mut rows = Vec::new();
    for &engine in engines {
        for sink in [Sink::Smtp, Sink::Files] {
            for (build, binary) in builds {
                rows.push(
                    measure(binary, build, engine, postgres_url, sink, mails, work_dir).await?,
                );
            }
        }
    }
    Ok(rows)
}

/// The results as a Markdown table.
pub fn markdown(rows: &[MailRow]) -> String {
    let mut out = String::from(
        "| build | engine | to | queued | delivered | seconds | mails/s | server CPU ms/mail |\n\
         | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for row in rows {
        let sink = match row.sink {
            Sink::Smtp => "SMTP (loopback)",
            Sink::Files => ".eml files",
        };
        out.push_str(&format!(
            "| {} | {} | {sink} | {} | {} | {:.1} | {:.0} | {:.2} |\n",
            row.build,
            row.engine,
            row.queued,
            row.delivered,
            row.seconds,
            row.mails_per_second,
            row.server_cpu_ms_per_mail
        ));
    }
    out
}
