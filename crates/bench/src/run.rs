//! A benchmark run: the release server started on the data set, the scenarios of issue 6
//! in turn, and the ceiling of the list endpoint's own SQL measured by pgbench.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use guichet_api::tickets::cursor::Cursor;
use guichet_types::TicketSort;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

use crate::ceiling;
use crate::data::{self, Shape};
use crate::loadgen::{closed_loop, Api, Measured};

/// How long each scenario runs.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Timing {
    pub warmup_seconds: u64,
    pub seconds: u64,
}

/// One row of the results table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub engine: String,
    pub scenario: String,
    pub concurrency: usize,
    #[serde(flatten)]
    pub measured: Measured,
    pub ceiling_rps: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
    pub why: String,
}

/// The release server, stopped when dropped.
pub struct Server {
    child: Child,
    pub pid: String,
    pub base: String,
    /// Its `GUICHET_DATA_DIR` (the `.eml` outbox is under it).
    pub data_dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM lets it finish in-flight requests; kill if it lingers.
        let _ = Command::new("kill").arg(&self.pid).status();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl Server {
    /// Starts `binary serve` on `database_url` and waits until it is ready.
    pub async fn start(binary: &Path, database_url: &str, work_dir: &Path) -> Result<Self> {
        Self::start_with(binary, database_url, work_dir, &[], &[]).await
    }

    /// [`Server::start`] with more arguments (`--demo`) and settings (`GUICHET_SMTP_URL`).
    pub async fn start_with(
        binary: &Path,
        database_url: &str,
        work_dir: &Path,
        args: &[&str],
        settings: &[(&str, &str)],
    ) -> Result<Self> {
        let port = free_port()?;
        let data_dir = work_dir.join(format!("server-{port}"));
        std::fs::create_dir_all(&data_dir)?;
        let log = std::fs::File::create(work_dir.join(format!("server-{port}.log")))?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .args(args)
            .env("GUICHET_DATABASE_URL", database_url)
            .env("GUICHET_BIND", format!("127.0.0.1:{port}"))
            // Mails go to .eml files under the data dir unless `settings` name an SMTP server.
            .env("GUICHET_DATA_DIR", &data_dir)
            .env_remove("GUICHET_SMTP_URL")
            .env_remove("GUICHET_CONFIG_FILE")
            .env(
                "GUICHET_TOKEN_KEY",
                "guichet-bench-signing-key-0123456789abcdef",
            )
            // The data set's resolved tickets are days old: keep auto-close out of the run.
            .env("GUICHET_AUTO_CLOSE_AFTER", "3650d")
            .env("GUICHET_WEB_DIR", &data_dir)
            // The load generator is one address sending far more than a client would: no
            // rate limits, so that the run measures the server.
            .env("GUICHET_RATE_LIMIT_PER_MINUTE", "0")
            .env("GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE", "0")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(log);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let server = Server {
            pid: child.id().to_string(),
            child,
            base: format!("http://127.0.0.1:{port}"),
            data_dir: TempDir(data_dir),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let ready = client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return Ok(server);
            }
            if Instant::now() > deadline {
                bail!(
                    "the server did not become ready; see {}",
                    work_dir.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Access tokens by email, signed in again before they expire (15 minutes).
pub struct Tokens {
    api: Api,
    tokens: HashMap<String, (String, Instant)>,
}

impl Tokens {
    pub fn new(api: Api) -> Self {
        Self {
            api,
            tokens: HashMap::new(),
        }
    }

    pub async fn get(&mut self, emails: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for email in emails {
            let fresh = self
                .tokens
                .get(email)
                .filter(|(_, at)| at.elapsed() < Duration::from_secs(10 * 60));
            let token = match fresh {
                Some((token, _)) => token.clone(),
                None => {
                    let token = self.api.sign_in(email, data::PASSWORD).await?;
                    self.tokens
                        .insert(email.clone(), (token.clone(), Instant::now()));
                    token
                }
            };
            out.push(token);
        }
        Ok(out)
    }
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Result<Vec<String>> {
    let rows = db
        .query_all(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get_by_index::<String>(0)?))
        .collect()
}

async fn ints(db: &DatabaseConnection, sql: &str) -> Result<Vec<i64>> {
    let rows = db
        .query_all(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get_by_index::<i64>(0)?))
        .collect()
}

/// Who plays what, found in the loaded data.
pub struct Cast {
    /// Customers with many tickets, for lists, ticket pages and follow-ups.
    pub readers: Vec<String>,
    /// Their ticket numbers, and the open ones.
    pub numbers: Vec<Vec<String>>,
    pub open_numbers: Vec<Vec<String>>,
    /// Ordinary customers who open tickets.
    pub creators: Vec<String>,
    pub category_id: i64,
    /// Referents of the largest companies, each with a cursor deep into its closed tickets.
    pub referents: Vec<String>,
    pub deep_cursors: Vec<String>,
    pub deep_position: i64,
    pub agents: Vec<String>,
    /// The user id of each reader, for the ceiling's script.
    pub reader_ids: Vec<i64>,
}

pub async fn cast(db: &DatabaseConnection, tickets: usize, concurrency: usize) -> Result<Cast> {
    let shape = Shape::for_tickets(tickets);
    let readers: Vec<String> = (0..concurrency).map(Shape::email).collect();
    let mut numbers = Vec::new();
    let mut open_numbers = Vec::new();
    let mut reader_ids = Vec::new();
    for email in &readers {
        let id = ints(db, &format!("SELECT id FROM users WHERE email = '{email}'"))
            .await?
            .first()
            .copied()
            .context("a reader is missing: load the data set again")?;
        reader_ids.push(id);
        numbers.push(
            strings(
                db,
                &format!("SELECT number FROM tickets WHERE requester_id = {id} ORDER BY id DESC LIMIT 50"),
            )
            .await?,
        );
        open_numbers.push(
            strings(
                db,
                &format!(
                    "SELECT number FROM tickets WHERE requester_id = {id} \
                     AND status IN ('new', 'in_progress', 'waiting') ORDER BY id DESC LIMIT 50"
                ),
            )
            .await?,
        );
    }
    // Ordinary customers: past the power users, before the referents.
    let creators = (0..concurrency)
        .map(|i| Shape::email(data::POWER_USERS + 1 + i))
        .collect();
    if data::POWER_USERS + 1 + concurrency >= shape.companies {
        bail!("the data set is too small for {concurrency} creators");
    }
    let category_id = ints(
        db,
        "SELECT id FROM categories WHERE kind = 'incident' AND parent_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .await?
    .first()
    .copied()
    .context("no incident category")?;
    let companies = ints(
        db,
        "SELECT company_id FROM tickets WHERE status = 'closed' GROUP BY company_id ORDER BY COUNT(*) DESC, company_id LIMIT 4",
    )
    .await?;
    let mut referents = Vec::new();
    let mut deep_cursors = Vec::new();
    // A page this far into the company's closed tickets (or half-way, if it has fewer).
    let mut deep_position = 1_000;
    for company in companies {
        let count = ints(
            db,
            &format!(
                "SELECT COUNT(*) FROM tickets WHERE company_id = {company} AND status = 'closed'"
            ),
        )
        .await?
        .first()
        .copied()
        .unwrap_or_default();
        deep_position = deep_position.min(count / 2);
        referents.extend(
            strings(
                db,
                &format!("SELECT email FROM users WHERE company_id = {company} AND role = 'referent' LIMIT 1"),
            )
            .await?,
        );
    }
    for email in &referents {
        let rows = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT t.updated_at, t.id FROM tickets t JOIN users u ON u.company_id = t.company_id \
                     WHERE u.email = '{email}' AND t.status = 'closed' \
                     ORDER BY t.updated_at DESC, t.id DESC LIMIT 1 OFFSET {deep_position}"
                ),
            ))
            .await?;
        let row = rows.first().context("no deep page")?;
        let key: chrono::DateTime<chrono::Utc> = row.try_get_by_index(0)?;
        let id: i64 = row.try_get_by_index(1)?;
        deep_cursors.push(Cursor::new(TicketSort::UpdatedDesc, key, id).encode());
    }
    Ok(Cast {
        readers,
        numbers,
        open_numbers,
        creators,
        category_id,
        referents,
        deep_cursors,
        deep_position,
        agents: (0..4).map(Shape::agent_email).collect(),
        reader_ids,
    })
}

fn new_ticket(rng: &mut StdRng, category_id: i64) -> serde_json::Value {
    let text = data::ticket_text(rng, true);
    json!({
        "kind": "incident",
        "category_id": category_id,
        "urgency": "medium",
        "title": text.title,
        "description": text.description,
    })
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const OPEN_LIST: &str = "/api/v1/tickets?status=new,in_progress,waiting&limit=25";

/// The settings of a run on one engine.
pub struct Plan<'a> {
    pub engine: &'a str,
    pub timing: Timing,
    pub concurrency: usize,
    /// Runs every scenario; otherwise the engine's short list.
    pub full: bool,
    /// For the ceiling (PostgreSQL only).
    pub pgbench_url: Option<String>,
    pub work_dir: &'a Path,
}

/// Runs the scenarios against `server`; `db` is the same database, for the cast.
pub async fn scenarios(
    plan: &Plan<'_>,
    server: &Server,
    db: &DatabaseConnection,
    tickets: usize,
) -> Result<Vec<Row>> {
    let c = plan.concurrency;
    let cast = cast(db, tickets, c).await?;
    let api = Api::new(server.base.clone())?;
    let mut tokens = Tokens::new(api.clone());
    let warmup = Duration::from_secs(plan.timing.warmup_seconds);
    let duration = Duration::from_secs(plan.timing.seconds);
    let pid = server.pid.as_str();
    let mut rows = Vec::new();
    let row = |scenario: &str, concurrency: usize, measured: Measured| Row {
        engine: plan.engine.to_owned(),
        scenario: scenario.to_owned(),
        concurrency,
        measured,
        ceiling_rps: None,
        target: String::new(),
        met: None,
        why: String::new(),
    };
    eprintln!("[{}] signing in {} accounts", plan.engine, c * 2 + 8);

    // 1. Creation, alone and at 16.
    for concurrency in [1, c] {
        let creators = tokens.get(&cast.creators[..concurrency]).await?;
        let rngs: Vec<_> = (0..concurrency)
            .map(|w| std::cell::RefCell::new(StdRng::seed_from_u64(w as u64)))
            .collect();
        let measured = closed_loop(&api, pid, concurrency, warmup, duration, |w, _| {
            let body = new_ticket(&mut rngs[w].borrow_mut(), cast.category_id);
            let (api, token) = (&api, &creators[w]);
            async move {
                api.post("/api/v1/tickets", Some(token.as_str()), &body)
                    .await;
            }
        })
        .await;
        eprintln!(
            "[{}] create c{concurrency}: {:.0} req/s",
            plan.engine, measured.rps
        );
        rows.push(row("Create a ticket", concurrency, measured));
    }

    // 2. A customer's first page of open tickets.
    let readers = tokens.get(&cast.readers).await?;
    let measured = closed_loop(&api, pid, c, warmup, duration, |w, _| {
        let (api, token) = (&api, &readers[w]);
        async move {
            api.get(OPEN_LIST, token).await;
        }
    })
    .await;
    eprintln!("[{}] customer list: {:.0} req/s", plan.engine, measured.rps);
    let mut list_row = row("Customer's open tickets, first page of 25", c, measured);
    if let Some(url) = &plan.pgbench_url {
        let mut ids = ceiling::Ids {
            users: cast.reader_ids.clone(),
            sessions: Vec::new(),
            max_ticket: ints(db, "SELECT MAX(id) FROM tickets")
                .await?
                .first()
                .copied()
                .unwrap_or(1),
        };
        for id in &cast.reader_ids {
            ids.sessions.extend(
                ints(
                    db,
                    &format!("SELECT MAX(id) FROM sessions WHERE user_id = {id}"),
                )
                .await?,
            );
        }
        let rate = ceiling::run(url, &ids, plan.timing, plan.work_dir)?;
        eprintln!("[{}] ceiling: {rate:.0} req/s", plan.engine);
        list_row.ceiling_rps = Some(rate);
    }
    rows.push(list_row);

    if plan.full {
        // 3. A referent's company list with a status filter, first page and a deep page.
        let referents = tokens.get(&cast.referents).await?;
        let n = referents.len();
        let measured = closed_loop(&api, pid, c, warmup, duration, |w, _| {
            let (api, token) = (&api, &referents[w % n]);
            async move {
                api.get(
                    "/api/v1/tickets?scope=company&status=closed&limit=25",
                    token,
                )
                .await;
            }
        })
        .await;
        rows.push(row("Referent's company list, status filter", c, measured));
        let measured = closed_loop(&api, pid, c, warmup, duration, |w, _| {
            let (api, token) = (&api, &referents[w % n]);
            let path = format!(
                "/api/v1/tickets?scope=company&status=closed&limit=25&cursor={}",
                cast.deep_cursors[w % n]
            );
            async move {
                api.get(&path, token).await;
            }
        })
        .await;
        rows.push(row(
            &format!(
                "Referent's company list, page at position {} (keyset cursor)",
                cast.deep_position
            ),
            c,
            measured,
        ));
    }

    // 4. A ticket page: the ticket and its timeline.
    let readers = tokens.get(&cast.readers).await?;
    let measured = closed_loop(&api, pid, c, warmup, duration, |w, i| {
        let numbers = &cast.numbers[w];
        let number = numbers[i as usize % numbers.len().max(1)].clone();
        let (api, token) = (&api, &readers[w]);
        async move {
            api.get(&format!("/api/v1/tickets/{number}"), token).await;
            api.get(&format!("/api/v1/tickets/{number}/timeline"), token)
                .await;
        }
    })
    .await;
    eprintln!("[{}] ticket page: {:.0} req/s", plan.engine, measured.rps);
    rows.push(row(
        "Ticket page (ticket + timeline, 2 requests)",
        c,
        measured,
    ));

    // 5. Full-text search over every ticket, as agents.
    let agents = tokens.get(&cast.agents).await?;
    let measured = closed_loop(&api, pid, c, warmup, duration, |w, i| {
        let q = data::SEARCHES[(w * 7 + i as usize) % data::SEARCHES.len()];
        let path = format!("/api/v1/tickets?limit=25&q={}", percent_encode(q));
        let (api, token) = (&api, &agents[w % agents.len()]);
        async move {
            api.get(&path, token).await;
        }
    })
    .await;
    eprintln!("[{}] search: p95 {:.1} ms", plan.engine, measured.p95_ms);
    rows.push(row("Full-text search, all tickets", c, measured));

    if plan.full {
        // 6. Sign-in: argon2id, slow by design, bounded by the server to one per core.
        let emails = &cast.creators;
        let sign_in_c = 4.min(emails.len());
        let measured = closed_loop(&api, pid, sign_in_c, warmup, duration, |w, _| {
            let body = json!({"email": emails[w], "password": data::PASSWORD});
            let api = &api;
            async move {
                api.post("/api/v1/auth/login", None, &body).await;
            }
        })
        .await;
        eprintln!("[{}] sign-in: {:.0} req/s", plan.engine, measured.rps);
        rows.push(row("Sign-in (argon2id)", sign_in_c, measured));

        // 7. Mixed: 80 % reads, 15 % follow-ups, 5 % creations.
        let readers = tokens.get(&cast.readers).await?;
        let rngs: Vec<_> = (0..c)
            .map(|w| std::cell::RefCell::new(StdRng::seed_from_u64(1000 + w as u64)))
            .collect();
        let measured = closed_loop(&api, pid, c, warmup, duration, |w, i| {
            let mut rng = rngs[w].borrow_mut();
            let roll = rng.gen_range(0..100);
            let numbers = &cast.numbers[w];
            let open = &cast.open_numbers[w];
            let number = numbers[i as usize % numbers.len().max(1)].clone();
            let open_number = open.get(i as usize % open.len().max(1)).cloned();
            let body = new_ticket(&mut rng, cast.category_id);
            let followup = json!({"body": data::followup_text(&mut rng, false)});
            let (api, token) = (&api, &readers[w]);
            async move {
                match (roll, open_number) {
                    (0..=26, _) => {
                        api.get(OPEN_LIST, token).await;
                    }
                    (27..=53, _) => {
                        api.get(&format!("/api/v1/tickets/{number}"), token).await;
                    }
                    (54..=79, _) => {
                        api.get(&format!("/api/v1/tickets/{number}/timeline"), token)
                            .await;
                    }
                    (80..=94, Some(open)) => {
                        api.post(
                            &format!("/api/v1/tickets/{open}/followups"),
                            Some(token.as_str()),
                            &followup,
                        )
                        .await;
                    }
                    _ => {
                        api.post("/api/v1/tickets", Some(token.as_str()), &body)
                            .await;
                    }
                }
            }
        })
        .await;
        eprintln!("[{}] mixed: {:.0} req/s", plan.engine, measured.rps);
        rows.push(row(
            "Mixed: 80 % reads, 15 % follow-ups, 5 % creations",
            c,
            measured,
        ));
    }
    Ok(rows)
}
