//! `guichet-bench`: the benchmark of issue 6. `run` loads the data sets when missing (bulk
//! path, not the API), starts the release server on a fresh copy of each, drives the
//! scenarios with its own closed-loop HTTP load generator, measures the list endpoint's
//! SQL ceiling with pgbench and writes the results. `scripts/bench.sh` builds and calls it.
mod ceiling;
mod data;
mod generate;
mod load;
mod loadgen;
mod mail;
mod report;
mod run;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use sea_orm::sqlx::postgres::PgConnection;
use sea_orm::sqlx::{self, Connection, Executor};
use sea_orm::ConnectionTrait;

use crate::load::LoadReport;
use crate::run::{Plan, Server, Timing};

#[derive(Parser)]
#[command(name = "guichet-bench", about = "Guichet's benchmark harness")]
struct Cli {
    /// A PostgreSQL URL with rights to create databases (its database part is replaced).
    #[arg(
        long,
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        global = true
    )]
    postgres_url: String,
    /// Where data sets, logs and quick reports go.
    #[arg(long, default_value = "target/bench", global = true)]
    work_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Engine {
    Postgres,
    Sqlite,
}

#[derive(Subcommand)]
enum Command {
    /// Load (or reload) one data set.
    Load {
        #[arg(long, value_enum)]
        engine: Engine,
        #[arg(long)]
        tickets: usize,
    },
    /// The mail scenario alone: queued mail delivered to SMTP and to files, by this build
    /// and, side by side, by a baseline build.
    Mail {
        /// The release server binary.
        #[arg(long, default_value = "target/release/guichet")]
        guichet: PathBuf,
        /// Another `guichet` binary measured the same way (say, the previous release).
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Mails queued per measure.
        #[arg(long, default_value_t = 5_000)]
        mails: usize,
        /// Only this engine.
        #[arg(long, value_enum)]
        engine: Option<Engine>,
    },
    /// Load what is missing, run every scenario, write the report.
    Run {
        /// Small data sets and short scenarios: under 2 minutes.
        #[arg(long)]
        quick: bool,
        /// The release server binary.
        #[arg(long, default_value = "target/release/guichet")]
        guichet: PathBuf,
        /// The Markdown report; its part between the result markers is replaced.
        /// Default: docs/BENCHMARKS.md for a full run, <work-dir>/BENCHMARKS-quick.md for --quick.
        #[arg(long)]
        markdown: Option<PathBuf>,
        /// The JSON results. Default: docs/benchmarks.json, or <work-dir>/benchmarks-quick.json.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// Sizes of the data sets: (PostgreSQL, SQLite).
fn sizes(quick: bool) -> (usize, usize) {
    if quick {
        (50_000, 10_000)
    } else {
        (1_000_000, 100_000)
    }
}

fn load_report_path(work_dir: &Path, engine: &str, tickets: usize) -> PathBuf {
    work_dir.join(format!("load-{engine}-{tickets}.json"))
}

async fn load(cli: &Cli, engine: Engine, tickets: usize) -> Result<LoadReport> {
    eprintln!("loading {tickets} tickets…");
    let report = match engine {
        Engine::Postgres => {
            load::pg_load(
                &cli.postgres_url,
                &format!("guichet_bench_{tickets}"),
                tickets,
            )
            .await?
        }
        Engine::Sqlite => load::sqlite_load(&sqlite_path(&cli.work_dir, tickets), tickets).await?,
    };
    eprintln!("loaded in {:.0} s", report.seconds_total);
    std::fs::create_dir_all(&cli.work_dir)?;
    std::fs::write(
        load_report_path(&cli.work_dir, &report.engine, tickets),
        serde_json::to_vec_pretty(&report)?,
    )?;
    Ok(report)
}

fn sqlite_path(work_dir: &Path, tickets: usize) -> PathBuf {
    work_dir.join(format!("sqlite-{tickets}.db"))
}

/// The load report of an existing data set, if it was kept.
fn previous_load(work_dir: &Path, engine: &str, tickets: usize) -> Option<LoadReport> {
    let text = std::fs::read(load_report_path(work_dir, engine, tickets)).ok()?;
    serde_json::from_slice(&text).ok()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    match &cli.command {
        Command::Load { engine, tickets } => {
            load(&cli, *engine, *tickets).await?;
            Ok(())
        }
        Command::Mail {
            guichet,
            baseline,
            mails,
            engine,
        } => {
            let engines = match engine {
                Some(Engine::Sqlite) => vec!["sqlite"],
                Some(Engine::Postgres) => vec!["postgresql"],
                None => vec!["sqlite", "postgresql"],
            };
            let mut builds = Vec::new();
            if let Some(baseline) = baseline {
                builds.push(("baseline".to_owned(), std::fs::canonicalize(baseline)?));
            }
            builds.push(("this build".to_owned(), std::fs::canonicalize(guichet)?));
            std::fs::create_dir_all(&cli.work_dir)?;
            let work_dir = std::fs::canonicalize(&cli.work_dir)?;
            let rows = mail::run(&builds, &engines, &cli.postgres_url, *mails, &work_dir).await?;
            println!("{}", mail::markdown(&rows));
            std::fs::write(
                work_dir.join("mail.json"),
                serde_json::to_vec_pretty(&rows)?,
            )?;
            Ok(())
        }
        Command::Run {
            quick,
            guichet,
            markdown,
            json,
        } => run_all(&cli, *quick, guichet, markdown.clone(), json.clone()).await,
    }
}

async fn run_all(
    cli: &Cli,
    quick: bool,
    guichet: &Path,
    markdown: Option<PathBuf>,
    json: Option<PathBuf>,
) -> Result<()> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    std::fs::create_dir_all(&cli.work_dir)?;
    let work_dir = std::fs::canonicalize(&cli.work_dir)?;
    let guichet = std::fs::canonicalize(guichet)
        .with_context(|| format!("{}: build it with cargo build --release", guichet.display()))?;
    let (pg_tickets, sqlite_tickets) = sizes(quick);
    let timing = if quick {
        Timing {
            warmup_seconds: 1,
            seconds: 4,
        }
    } else {
        Timing {
            warmup_seconds: 3,
            seconds: 15,
        }
    };

    let mut loads = Vec::new();
    let template = format!("guichet_bench_{pg_tickets}");
    if load::pg_has_dataset(&cli.postgres_url, &template, pg_tickets).await? {
        loads.extend(previous_load(&work_dir, "postgresql", pg_tickets));
    } else {
        loads.push(load(cli, Engine::Postgres, pg_tickets).await?);
    }
    let sqlite_template = sqlite_path(&work_dir, sqlite_tickets);
    if load::sqlite_has_dataset(&sqlite_template, sqlite_tickets).await? {
        loads.extend(previous_load(&work_dir, "sqlite", sqlite_tickets));
    } else {
        loads.push(load(cli, Engine::Sqlite, sqlite_tickets).await?);
    }

    // Each run works on a fresh copy, so that runs do not see each other's writes.
    let run_db = "guichet_bench_run";
    let mut admin = PgConnection::connect(&cli.postgres_url).await?;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {run_db} WITH (FORCE)").as_str())
        .await?;
    admin
        .execute(format!("CREATE DATABASE {run_db} TEMPLATE {template}").as_str())
        .await?;
    let postgresql: String =
        sqlx::query_scalar("SELECT 'PostgreSQL ' || current_setting('server_version')")
            .fetch_one(&mut admin)
            .await?;
    let pg_url = load::with_database(&cli.postgres_url, run_db)?;
    let sqlite_run = work_dir.join("sqlite-run.db");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", sqlite_run.display()));
    }
    std::fs::copy(&sqlite_template, &sqlite_run)?;
    let sqlite_url = format!("sqlite://{}?mode=rwc", sqlite_run.display());

    let concurrency = 16;
    let mut rows = Vec::new();
    let mut sqlite_version = String::new();
    for (engine, url, tickets, full) in [
        ("postgresql", pg_url.clone(), pg_tickets, true),
        ("sqlite", sqlite_url.clone(), sqlite_tickets, false),
    ] {
        eprintln!("[{engine}] starting the server");
        let server = Server::start(&guichet, &url, &work_dir).await?;
        let db = guichet_api::db::connect(&url).await?;
        if engine == "sqlite" {
            let row = db
                .query_one(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT sqlite_version()",
                ))
                .await?
                .context("no SQLite version")?;
            sqlite_version = row.try_get_by_index(0)?;
        }
        let plan = Plan {
            engine,
            timing,
            concurrency,
            full,
            pgbench_url: (engine == "postgresql").then(|| pg_url.clone()),
            work_dir: &work_dir,
        };
        rows.extend(run::scenarios(&plan, &server, &db, tickets).await?);
        db.close().await?;
    }
    report::judge(&mut rows);
    let mails = if quick { 1_000 } else { 5_000 };
    let builds = [("this build".to_owned(), guichet.clone())];
    let engines = ["sqlite", "postgresql"];
    let mail_rows = mail::run(&builds, &engines, &cli.postgres_url, mails, &work_dir).await?;

    let machine = report::machine(postgresql, sqlite_version);
    let mode = if quick { "quick" } else { "full" };
    let commands = vec![
        format!("bash scripts/bench.sh{}   # or: just bench{}", if quick { " --quick" } else { "" }, if quick { " --quick" } else { "" }),
        format!(
            "cargo build --release -p guichet-api -p guichet-bench && target/release/guichet-bench run{}",
            if quick { " --quick" } else { "" }
        ),
        format!(
            "server: GUICHET_DATABASE_URL={} GUICHET_AUTO_CLOSE_AFTER=3650d GUICHET_DATA_DIR=<temp> target/release/guichet serve",
            pg_url.replace("postgres@", "…@")
        ),
        ceiling::command_line(concurrency, timing),
        format!(
            "each scenario: {} s warm-up, then {} s measured; closed loop, keep-alive HTTP/1.1",
            timing.warmup_seconds, timing.seconds
        ),
    ];
    let info = report::RunInfo {
        mode,
        machine: &machine,
        loads: &loads,
        datasets: &[
            ("PostgreSQL".to_owned(), pg_tickets),
            ("SQLite".to_owned(), sqlite_tickets),
        ],
        commands: &commands,
        started: &started_at,
        seconds: started.elapsed().as_secs_f64(),
    };
    let text = report::markdown(&info, &rows, &mail_rows);
    println!("{text}");
    let markdown = markdown.unwrap_or_else(|| {
        if quick {
            work_dir.join("BENCHMARKS-quick.md")
        } else {
            PathBuf::from("docs/BENCHMARKS.md")
        }
    });
    let json = json.unwrap_or_else(|| {
        if quick {
            work_dir.join("benchmarks-quick.json")
        } else {
            PathBuf::from("docs/benchmarks.json")
        }
    });
    report::write_markdown(&markdown, &text)?;
    std::fs::write(
        &json,
        serde_json::to_vec_pretty(&serde_json::json!({
            "mode": mode,
            "started": started_at,
            "seconds": started.elapsed().as_secs_f64(),
            "machine": machine,
            "timing": timing,
            "concurrency": concurrency,
            "loads": loads,
            "commands": commands,
            "rows": rows,
            "mail": mail_rows,
        }))?,
    )?;
    eprintln!(
        "wrote {} and {} in {:.0} s",
        markdown.display(),
        json.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
