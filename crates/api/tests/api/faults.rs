//! Faults of the machine under the server. The database going away under load: the server
//! answers 503 `database_unavailable` meanwhile (never 500), says it is not ready, recovers by
//! itself, and every ticket it acknowledged is in the database afterwards. SQLite's disk full:
//! 507 `storage_full`, reads go on, the database stays sound.
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use guichet_client::ClientError;

use crate::helpers::{spawn_on_database, Mounted, TestApp};

/// A PostgreSQL server of the test's own (`initdb` + `pg_ctl`, as the machine's PostgreSQL
/// packages install them), so that restarting it disturbs no other test. Stopped when dropped.
struct PrivatePostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// `runuser -u postgres --` when the test runs as root: PostgreSQL refuses root.
    as_postgres: bool,
}

impl PrivatePostgres {
    fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .flatten()
                    .map(|version| version.path().join("bin"))
                    .filter(|bin| bin.join("initdb").is_file())
                    .max()
            })
            .expect("PostgreSQL's server programs (initdb, pg_ctl) under /usr/lib/postgresql");
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = running_as_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(
                status.success(),
                "chown the cluster's directory to postgres"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let server = Self {
            dir,
            bin,
            port,
            as_postgres,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data(),
                "--auth=trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        server.pg_ctl(&["start"]);
        server
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl(&self, action: &[&str]) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let (data, log) = (self.data(), self.log());
        let mut args = vec![
            "-D",
            data.as_str(),
            "-w",
            "-l",
            log.as_str(),
            "-o",
            &options,
        ];
        args.extend(action);
        self.run("pg_ctl", &args);
    }

    fn log(&self) -> String {
        self.dir.path().join("server.log").display().to_string()
    }

    /// `program` of the server's, run as the user that owns the cluster.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run a PostgreSQL program");
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// What the writers saw.
#[derive(Default)]
struct Outcomes {
    created: Vec<String>,
    unavailable: usize,
    transport: usize,
    other: Vec<String>,
}

/// Four customers' writers open tickets until `stop`; each remembers what it was answered.
async fn write_until(app: &TestApp, stop: Arc<AtomicBool>) -> Outcomes {
    let client = app.client_for("claire@acme.test").await;
    let ticket = app
        .new_ticket(&client, "Written while the database restarts")
        .await;
    let writers = (0..4).map(|_| {
        let (client, ticket, stop) = (client.clone(), ticket.clone(), stop.clone());
        tokio::spawn(async move {
            let mut outcomes = Outcomes::default();
            while !stop.load(Ordering::Relaxed) {
                match client.create_ticket(&ticket).await {
                    Ok(created) => outcomes.created.push(created.number.to_string()),
                    Err(ClientError::Api(problem)) if problem.status == 503 => {
                        assert_eq!(problem.code, "database_unavailable");
                        outcomes.unavailable += 1;
                    }
                    Err(ClientError::Transport(_)) => outcomes.transport += 1,
                    Err(other) => outcomes.other.push(other.to_string()),
                }
            }
            outcomes
        })
    });
    let mut all = Outcomes::default();
    for writer in futures_util::future::join_all(writers).await {
        let outcomes = writer.expect("writer");
        all.created.extend(outcomes.created);
        all.unavailable += outcomes.unavailable;
        all.transport += outcomes.transport;
        all.other.extend(outcomes.other);
    }
    all
}

async fn ready(address: &str) -> u16 {
    reqwest::get(format!("{address}/readyz"))
        .await
        .map(|response| response.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgresql_restart_under_writers_loses_no_acknowledged_ticket() {
    let postgres = PrivatePostgres::start();
    let app = spawn_on_database(postgres.url(), &[]).await;
    let address = app.anonymous.base_url().to_owned();
    assert_eq!(ready(&address).await, 200);

    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let stop = stop.clone();
        let app = &app;
        async move { write_until(app, stop).await }
    };
    let outage = async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Down longer than a request waits for a connection, so some are answered 503.
        tokio::task::block_in_place(|| postgres.pg_ctl(&["-m", "fast", "stop"]));
        assert_eq!(
            ready(&address).await,
            503,
            "not ready while the database is down"
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
        tokio::task::block_in_place(|| postgres.pg_ctl(&["start"]));
        // Recovered by itself: ready again, and writes go on.
        let mut readiness = 0;
        for _ in 0..50 {
            readiness = ready(&address).await;
            if readiness == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(readiness, 200, "ready again once the database is back");
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.store(true, Ordering::Relaxed);
    };
    let (outcomes, ()) = tokio::join!(load, outage);

    assert!(
        outcomes.other.is_empty(),
        "only tickets and 503 answers: {:?}",
        outcomes.other
    );
    assert_eq!(outcomes.transport, 0, "the server itself never went away");
    assert!(
        outcomes.unavailable > 0,
        "the outage outlasted the connection wait"
    );
    assert!(
        outcomes.created.len() > 8,
        "{} created",
        outcomes.created.len()
    );
    let numbers = outcomes
        .created
        .iter()
        .map(|number| format!("'{number}'"))
        .collect::<Vec<_>>()
        .join(",");
    let stored = app
        .count(&format!(
            "SELECT COUNT(DISTINCT number) FROM tickets WHERE number IN ({numbers})"
        ))
        .await;
    assert_eq!(
        stored,
        i64::try_from(outcomes.created.len()).unwrap_or(i64::MAX),
        "every acknowledged ticket is stored, each under its own number"
    );
}

/// SQLite on a full disk: writes answer 507 `storage_full` (nothing half written), reads go
/// on, and once room is made the database is sound and takes writes again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_sqlite_answers_507_and_the_database_stays_sound() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("database");
    let Some(_mounted) = Mounted::tmpfs(&data, "8m") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let database_url = format!("sqlite://{}/guichet.db?mode=rwc", data.display());
    let app = spawn_on_database(database_url.clone(), &[]).await;
    let claire = app.client_for("claire@acme.test").await;
    let mut ticket = app.new_ticket(&claire, "Sur un disque plein").await;
    ticket.description = "Le disque se remplit. ".repeat(700);

    // Every free byte of the file system taken.
    let filler = data.join("filler");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&filler).expect("filler");
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
    }
    let before = app.count("SELECT COUNT(*) FROM tickets").await;
    let mut refused = None;
    let mut created = 0;
    for _ in 0..300 {
        match claire.create_ticket(&ticket).await {
            Ok(_) => created += 1,
            Err(ClientError::Api(problem)) => {
                refused = Some(problem);
                break;
            }
            Err(other) => panic!("neither a ticket nor a problem: {other}"),
        }
    }
    let problem = refused.expect("a write refused once the disk is full");
    assert_eq!(
        (problem.status, problem.code.as_str()),
        (507, "storage_full"),
        "{problem:?}"
    );
    claire
        .list_tickets(&Default::default())
        .await
        .expect("reads go on");

    std::fs::remove_file(&filler).expect("room made");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets").await,
        before + created,
        "the refused creation left nothing"
    );
    assert_eq!(app.query_one_string("PRAGMA integrity_check").await, "ok");
    claire
        .create_ticket(&ticket)
        .await
        .expect("writes again once there is room");
}
