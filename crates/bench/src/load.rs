//! Loading the data set through each engine's bulk path: `COPY … FROM STDIN` on
//! PostgreSQL, multi-row `INSERT`s in one transaction on SQLite. The schema is the one the
//! migrations create; on PostgreSQL the secondary indexes and foreign keys of the big
//! tables are dropped for the copy and re-created afterwards from their own definitions.
use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use guichet_api::auth::password::Passwords;
use sea_orm::sqlx::postgres::PgConnection;
use sea_orm::sqlx::sqlite::SqliteConnection;
use sea_orm::sqlx::{self, Connection, Executor};

use crate::data::{self, Shape};
use crate::generate::{Bases, Chunk, Leaf, Tickets};

/// Bumped whenever the generated data changes, so that an old data set is reloaded.
const DATA_VERSION: u32 = 2;
const CHUNK: usize = 5_000;
/// The big tables: their secondary indexes and foreign keys wait until after the copy.
const BULK_TABLES: &[&str] = &["users", "tickets", "ticket_events", "ticket_watchers"];

/// Every company of the data set takes tickets: an open-ended contract covering everything
/// (customers without a valid contract cannot open any).
fn contracts_of_companies(first_company: i64) -> String {
    format!(
        "INSERT INTO contracts (company_id, name, level, starts_on, ends_on, phone_support, \
         created_at, updated_at) SELECT id, 'Contrat', 'standard', '2000-01-01', NULL, FALSE, \
         CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM companies WHERE id >= {first_company}"
    )
}

pub fn marker(tickets: usize) -> String {
    format!("guichet-bench data v{DATA_VERSION}, {tickets} tickets")
}

/// The demo category tree of SPEC.md: (French, English, incident?, parent index).
const CATEGORIES: &[(&str, &str, Option<bool>, Option<usize>)] = &[
    ("Incident", "Incident", Some(true), None),
    ("Coupure totale", "Total outage", Some(true), Some(0)),
    ("Lenteur", "Slowness", Some(true), Some(0)),
    ("Perte de paquets", "Packet loss", Some(true), Some(0)),
    ("Débit", "Bandwidth", Some(true), Some(0)),
    ("Demande", "Request", Some(false), None),
    ("Technique", "Technical", Some(false), Some(5)),
    ("Administrative", "Administrative", Some(false), Some(5)),
    ("Facturation", "Billing", Some(false), Some(7)),
    ("Information", "Information", Some(false), Some(7)),
    ("Modification", "Change", Some(false), Some(7)),
];

/// Phase timings, for the report.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct LoadReport {
    pub engine: String,
    pub tickets: usize,
    pub companies: usize,
    pub users: usize,
    pub events: i64,
    pub seconds_schema: f64,
    pub seconds_rows: f64,
    pub seconds_indexes: f64,
    pub seconds_total: f64,
}

/// One argon2id hash with the server's own parameters, shared by every account.
async fn password_hash() -> Result<String> {
    let passwords = Passwords::new().map_err(|e| anyhow::anyhow!("{e}"))?;
    passwords
        .hash(data::PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// A value for `COPY … (FORMAT text)`.
fn copy_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
}

fn pg_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string()
}

fn pg_opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "\\N".to_owned(), |v| v.to_string())
}

/// The copy lines of a chunk: tickets, events, watchers.
fn pg_lines(chunk: Chunk) -> [String; 3] {
    let mut tickets = String::with_capacity(chunk.tickets.len() * 900);
    for t in chunk.tickets {
        let _ = write!(
            tickets,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t",
            t.id, t.number, t.kind, t.status, t.urgency, t.impact, t.priority
        );
        copy_text(&mut tickets, &t.title);
        tickets.push('\t');
        copy_text(&mut tickets, &t.description);
        tickets.push('\t');
        copy_text(&mut tickets, &t.search_text);
        let _ = writeln!(
            tickets,
            "\t{}\t\\N\t{}\t{}\t{}\tt\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.category_id,
            t.requester_id,
            t.company_id,
            pg_opt(t.assignee_id),
            t.notify_email,
            pg_time(t.created_at),
            pg_time(t.updated_at),
            pg_opt(t.resolved_at.map(pg_time)),
            pg_opt(t.closed_at.map(pg_time)),
            t.version,
            pg_opt(t.satisfaction),
        );
    }
    let mut events = String::with_capacity(chunk.events.len() * 150);
    for e in chunk.events {
        let _ = write!(
            events,
            "{}\t{}\t{}\t{}\t{}\t{}\t",
            e.id,
            e.ticket_id,
            pg_time(e.at),
            pg_opt(e.actor_id),
            e.event,
            if e.internal { "t" } else { "f" }
        );
        copy_text(&mut events, &e.details);
        events.push('\n');
    }
    let mut watchers = String::new();
    for w in chunk.watchers {
        let _ = writeln!(
            watchers,
            "{}\t{}\t{}\t{}\t{}",
            w.id,
            w.ticket_id,
            w.email,
            w.user_id,
            pg_time(w.created_at)
        );
    }
    [tickets, events, watchers]
}

const TICKET_COLUMNS: &str = "id, number, kind, status, urgency, impact, priority, title, \
    description, search_text, category_id, asset_id, requester_id, company_id, assignee_id, \
    notify, notify_email, created_at, updated_at, resolved_at, closed_at, version, \
    satisfaction_rating";
const EVENT_COLUMNS: &str = "id, ticket_id, at, actor_id, event, internal, details";
const WATCHER_COLUMNS: &str = "id, ticket_id, email, user_id, created_at";

/// Runs the generator on a thread of its own, so that generating and the database's
/// work overlap; `format` turns each chunk into what the writer sends.
fn spawn_generator<T: Send + 'static>(
    mut tickets: Tickets,
    format: fn(Chunk) -> T,
) -> (
    tokio::sync::mpsc::Receiver<T>,
    std::thread::JoinHandle<Tickets>,
) {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let handle = std::thread::spawn(move || {
        while let Some(chunk) = tickets.chunk(CHUNK) {
            if sender.blocking_send(format(chunk)).is_err() {
                break;
            }
        }
        tickets
    });
    (receiver, handle)
}

async fn pg_scalar(conn: &mut PgConnection, sql: &str) -> Result<i64> {
    Ok(sqlx::query_scalar::<_, i64>(sql).fetch_one(conn).await?)
}

async fn next_ids(conn: &mut PgConnection) -> Result<Bases> {
    let next = |table: &'static str| format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    Ok(Bases {
        company: pg_scalar(conn, &next("companies")).await?,
        user: pg_scalar(conn, &next("users")).await?,
        ticket: pg_scalar(conn, &next("tickets")).await?,
        event: pg_scalar(conn, &next("ticket_events")).await?,
        watcher: pg_scalar(conn, &next("ticket_watchers")).await?,
    })
}

/// Whether `database` holds the data set of `tickets` tickets of this version.
pub async fn pg_has_dataset(admin_url: &str, database: &str, tickets: usize) -> Result<bool> {
    let mut admin = PgConnection::connect(admin_url).await?;
    let comment: Option<Option<String>> = sqlx::query_scalar(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
    )
    .bind(database)
    .fetch_optional(&mut admin)
    .await?;
    Ok(comment.flatten().as_deref() == Some(marker(tickets).as_str()))
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> Result<String> {
    let (base, _) = url
        .rsplit_once('/')
        .context("the PostgreSQL URL has no database part")?;
    Ok(format!("{base}/{database}"))
}

/// Creates `database` afresh and loads the data set of `tickets` tickets into it.
pub async fn pg_load(admin_url: &str, database: &str, tickets: usize) -> Result<LoadReport> {
    let started = Instant::now();
    let shape = Shape::for_tickets(tickets);
    let mut admin = PgConnection::connect(admin_url).await?;
    admin
        .execute(format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)").as_str())
        .await?;
    admin
        .execute(format!("CREATE DATABASE \"{database}\"").as_str())
        .await?;
    let url = with_database(admin_url, database)?;
    let db = guichet_api::db::connect(&url).await?;
    guichet_api::db::migrate(&db, &url).await?;
    db.close().await?;
    let hash = password_hash().await?;
    let seconds_schema = started.elapsed().as_secs_f64();

    let rows_started = Instant::now();
    let mut conn = PgConnection::connect(&url).await?;
    conn.execute("SET maintenance_work_mem = '512MB'; SET synchronous_commit = off")
        .await?;
    let leaves = pg_categories(&mut conn).await?;
    let bases = next_ids(&mut conn).await?;
    let restore = pg_strip(&mut conn).await?;
    let now = Utc::now().trunc_subsecs(6);

    let mut copy = conn
        .copy_in_raw("COPY companies (id, name, service_code, created_at) FROM STDIN")
        .await?;
    let mut lines = String::new();
    for company in 0..shape.companies {
        let _ = write!(lines, "{}\t", bases.company + company as i64);
        copy_text(&mut lines, &data::company_name(company));
        let _ = writeln!(lines, "\t{company:04}\t{}", pg_time(now));
    }
    copy.send(lines.into_bytes()).await?;
    copy.finish().await?;
    conn.execute(contracts_of_companies(bases.company).as_str())
        .await?;

    let mut copy = conn
        .copy_in_raw(
            "COPY users (id, company_id, role, email, password_hash, first_name, last_name, \
             locale, created_at, updated_at) FROM STDIN",
        )
        .await?;
    let mut lines = String::new();
    for user in 0..shape.users {
        let (first, last) = data::names(user);
        let locale = if user % 3 == 0 { "en" } else { "fr" };
        let id = bases.user + user as i64;
        let (company, role, email) = if user < shape.customers() {
            let role = if shape.is_referent(user) {
                "referent"
            } else {
                "customer"
            };
            let company = bases.company + shape.company_of(user) as i64;
            (company.to_string(), role, Shape::email(user))
        } else {
            let agent = user - shape.customers();
            ("\\N".to_owned(), "agent", Shape::agent_email(agent))
        };
        let _ = writeln!(
            lines,
            "{id}\t{company}\t{role}\t{email}\t{hash}\t{first}\t{last}\t{locale}\t{0}\t{0}",
            pg_time(now)
        );
        if lines.len() > 4 << 20 {
            copy.send(std::mem::take(&mut lines).into_bytes()).await?;
        }
    }
    copy.send(lines.into_bytes()).await?;
    copy.finish().await?;

    // Tickets, events and watchers stream on three connections at once.
    let generator = Tickets::new(shape, bases, leaves, now);
    let (mut chunks, handle) = spawn_generator(generator, pg_lines);
    let mut events_conn = PgConnection::connect(&url).await?;
    let mut watchers_conn = PgConnection::connect(&url).await?;
    let mut tickets_copy = conn
        .copy_in_raw(&format!("COPY tickets ({TICKET_COLUMNS}) FROM STDIN"))
        .await?;
    let mut events_copy = events_conn
        .copy_in_raw(&format!("COPY ticket_events ({EVENT_COLUMNS}) FROM STDIN"))
        .await?;
    let mut watchers_copy = watchers_conn
        .copy_in_raw(&format!(
            "COPY ticket_watchers ({WATCHER_COLUMNS}) FROM STDIN"
        ))
        .await?;
    while let Some([tickets, events, watchers]) = chunks.recv().await {
        let (a, b, c) = tokio::join!(
            tickets_copy.send(tickets.into_bytes()),
            events_copy.send(events.into_bytes()),
            watchers_copy.send(watchers.into_bytes()),
        );
        a?;
        b?;
        c?;
    }
    tickets_copy.finish().await?;
    let events = events_copy.finish().await? as i64;
    watchers_copy.finish().await?;
    let generator = match handle.join() {
        Ok(generator) => generator,
        Err(_) => bail!("the generator thread panicked"),
    };
    let mut counters = String::new();
    for (day, count) in &generator.days {
        let _ = writeln!(counters, "{}\t{count}", day.format("%Y%m%d"));
    }
    let mut copy = conn
        .copy_in_raw("COPY ticket_day_counters (day, last_sequence) FROM STDIN")
        .await?;
    copy.send(counters.into_bytes()).await?;
    copy.finish().await?;
    // The server numbers tickets from a sequence on PostgreSQL (migration 000010), each
    // day's numbers counted from a first value: the loaded days continue after their tickets.
    conn.execute(
        "INSERT INTO ticket_number_days (day, first_value) \
         SELECT day, 1 - last_sequence FROM ticket_day_counters",
    )
    .await?;
    drop(events_conn);
    drop(watchers_conn);
    let seconds_rows = rows_started.elapsed().as_secs_f64();

    let indexes_started = Instant::now();
    for statement in restore {
        conn.execute(statement.as_str())
            .await
            .with_context(|| format!("re-creating: {statement}"))?;
    }
    for table in [
        "companies",
        "users",
        "tickets",
        "ticket_events",
        "ticket_watchers",
    ] {
        conn.execute(
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
            .as_str(),
        )
        .await?;
    }
    conn.execute("VACUUM (ANALYZE)").await?;
    conn.close().await?;
    admin
        .execute(
            format!(
                "COMMENT ON DATABASE \"{database}\" IS '{}'",
                marker(tickets)
            )
            .as_str(),
        )
        .await?;
    Ok(LoadReport {
        engine: "postgresql".into(),
        tickets,
        companies: shape.companies,
        users: shape.users,
        events,
        seconds_schema,
        seconds_rows,
        seconds_indexes: indexes_started.elapsed().as_secs_f64(),
        seconds_total: started.elapsed().as_secs_f64(),
    })
}

async fn pg_categories(conn: &mut PgConnection) -> Result<Vec<Leaf>> {
    let mut ids: Vec<i64> = Vec::new();
    let mut leaves = Vec::new();
    for (index, (fr, en, incident, parent)) in CATEGORIES.iter().enumerate() {
        let kind = incident.map(|i| if i { "incident" } else { "request" });
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO categories (parent_id, kind, name_fr, name_en, position) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(parent.map(|p| ids[p]))
        .bind(kind)
        .bind(fr)
        .bind(en)
        .bind(index as i32)
        .fetch_one(&mut *conn)
        .await?;
        ids.push(id);
        let has_children = CATEGORIES.iter().any(|c| c.3 == Some(index));
        if let (Some(incident), false) = (incident, has_children) {
            leaves.push(Leaf {
                id,
                incident: *incident,
            });
        }
    }
    Ok(leaves)
}

/// Drops the secondary indexes and foreign keys of the big tables; returns the statements
/// that re-create them exactly.
async fn pg_strip(conn: &mut PgConnection) -> Result<Vec<String>> {
    let tables: Vec<String> = BULK_TABLES.iter().map(|t| t.to_string()).collect();
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes i WHERE schemaname = 'public' \
         AND tablename = ANY($1) \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .bind(&tables)
    .fetch_all(&mut *conn)
    .await?;
    let foreign_keys: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY($1)",
    )
    .bind(&tables)
    .fetch_all(&mut *conn)
    .await?;
    let mut restore = Vec::new();
    for (table, name, definition) in &foreign_keys {
        conn.execute(format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\"").as_str())
            .await?;
        restore.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}"
        ));
    }
    for (name, definition) in indexes {
        conn.execute(format!("DROP INDEX \"{name}\"").as_str())
            .await?;
        // Indexes first: the foreign keys' checks then use them.
        restore.insert(0, definition);
    }
    Ok(restore)
}

fn sqlite_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn sqlite_text(out: &mut String, value: &str) {
    out.push('\'');
    out.push_str(&value.replace('\'', "''"));
    out.push('\'');
}

fn sqlite_opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

/// The `INSERT` statements of a chunk, a few hundred rows each.
fn sqlite_statements(chunk: Chunk) -> Vec<String> {
    let mut statements = Vec::new();
    for rows in chunk.tickets.chunks(250) {
        let mut sql = format!("INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ");
        for (i, t) in rows.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},'{}','{}','{}','{}','{}',{},",
                t.id, t.number, t.kind, t.status, t.urgency, t.impact, t.priority
            );
            sqlite_text(&mut sql, &t.title);
            sql.push(',');
            sqlite_text(&mut sql, &t.description);
            sql.push(',');
            sqlite_text(&mut sql, &t.search_text);
            let _ = write!(
                sql,
                ",{},NULL,{},{},{},1,'{}','{}','{}',{},{},{},{})",
                t.category_id,
                t.requester_id,
                t.company_id,
                sqlite_opt(t.assignee_id),
                t.notify_email,
                sqlite_time(t.created_at),
                sqlite_time(t.updated_at),
                sqlite_opt(t.resolved_at.map(|at| format!("'{}'", sqlite_time(at)))),
                sqlite_opt(t.closed_at.map(|at| format!("'{}'", sqlite_time(at)))),
                t.version,
                sqlite_opt(t.satisfaction),
            );
        }
        statements.push(sql);
    }
    for rows in chunk.events.chunks(500) {
        let mut sql = format!("INSERT INTO ticket_events ({EVENT_COLUMNS}) VALUES ");
        for (i, e) in rows.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(
                sql,
                "({},{},'{}',{},'{}',{},",
                e.id,
                e.ticket_id,
                sqlite_time(e.at),
                sqlite_opt(e.actor_id),
                e.event,
                u8::from(e.internal)
            );
            sqlite_text(&mut sql, &e.details);
            sql.push(')');
        }
        statements.push(sql);
    }
    for w in chunk.watchers {
        statements.push(format!(
            "INSERT INTO ticket_watchers ({WATCHER_COLUMNS}) VALUES ({},{},'{}',{},'{}')",
            w.id,
            w.ticket_id,
            w.email,
            w.user_id,
            sqlite_time(w.created_at)
        ));
    }
    statements
}

/// Whether the SQLite file at `path` holds the data set of `tickets` tickets.
pub async fn sqlite_has_dataset(path: &std::path::Path, tickets: usize) -> Result<bool> {
    if !path.exists() {
        return Ok(false);
    }
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?;
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut conn)
        .await?;
    Ok(version == sqlite_marker(tickets))
}

/// SQLite keeps the data set's marker in `PRAGMA user_version` (sea-orm does not use it).
fn sqlite_marker(tickets: usize) -> i64 {
    i64::from(DATA_VERSION) * 100_000_000 + tickets as i64
}

/// Creates the SQLite file at `path` afresh and loads the data set into it.
pub async fn sqlite_load(path: &std::path::Path, tickets: usize) -> Result<LoadReport> {
    let started = Instant::now();
    let shape = Shape::for_tickets(tickets);
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
        }
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = guichet_api::db::connect(&url).await?;
    guichet_api::db::migrate(&db, &url).await?;
    db.close().await?;
    let hash = password_hash().await?;
    let seconds_schema = started.elapsed().as_secs_f64();

    let rows_started = Instant::now();
    let mut conn = SqliteConnection::connect(&url).await?;
    conn.execute("PRAGMA synchronous = OFF").await?;
    conn.execute("BEGIN").await?;
    let mut ids: Vec<i64> = Vec::new();
    let mut leaves = Vec::new();
    for (index, (fr, en, incident, parent)) in CATEGORIES.iter().enumerate() {
        let kind = incident.map(|i| if i { "incident" } else { "request" });
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO categories (parent_id, kind, name_fr, name_en, position) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(parent.map(|p| ids[p]))
        .bind(kind)
        .bind(fr)
        .bind(en)
        .bind(index as i32)
        .fetch_one(&mut conn)
        .await?;
        ids.push(id);
        if let (Some(incident), false) = (incident, CATEGORIES.iter().any(|c| c.3 == Some(index))) {
            leaves.push(Leaf {
                id,
                incident: *incident,
            });
        }
    }
    let next = |table: &str| format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    let bases = Bases {
        company: sqlx::query_scalar(&next("companies"))
            .fetch_one(&mut conn)
            .await?,
        user: sqlx::query_scalar(&next("users"))
            .fetch_one(&mut conn)
            .await?,
        ticket: sqlx::query_scalar(&next("tickets"))
            .fetch_one(&mut conn)
            .await?,
        event: sqlx::query_scalar(&next("ticket_events"))
            .fetch_one(&mut conn)
            .await?,
        watcher: sqlx::query_scalar(&next("ticket_watchers"))
            .fetch_one(&mut conn)
            .await?,
    };
    let now = Utc::now().trunc_subsecs(6);
    for companies in (0..shape.companies).collect::<Vec<_>>().chunks(500) {
        let mut sql =
            "INSERT INTO companies (id, name, service_code, created_at) VALUES ".to_owned();
        for (i, company) in companies.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let _ = write!(sql, "({},", bases.company + *company as i64);
            sqlite_text(&mut sql, &data::company_name(*company));
            let _ = write!(sql, ",'{company:04}','{}')", sqlite_time(now));
        }
        conn.execute(sql.as_str()).await?;
    }
    conn.execute(contracts_of_companies(bases.company).as_str())
        .await?;
    for users in (0..shape.users).collect::<Vec<_>>().chunks(500) {
        let mut sql = "INSERT INTO users (id, company_id, role, email, password_hash, \
                       first_name, last_name, locale, created_at, updated_at) VALUES "
            .to_owned();
        for (i, user) in users.iter().copied().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            let (company, role, email) = if user < shape.customers() {
                let role = if shape.is_referent(user) {
                    "referent"
                } else {
                    "customer"
                };
                let company = bases.company + shape.company_of(user) as i64;
                (company.to_string(), role, Shape::email(user))
            } else {
                (
                    "NULL".to_owned(),
                    "agent",
                    Shape::agent_email(user - shape.customers()),
                )
            };
            let _ = write!(
                sql,
                "({},{company},'{role}','{email}','{hash}',",
                bases.user + user as i64
            );
            let (first, last) = data::names(user);
            sqlite_text(&mut sql, first);
            sql.push(',');
            sqlite_text(&mut sql, last);
            let locale = if user % 3 == 0 { "en" } else { "fr" };
            let _ = write!(sql, ",'{locale}','{0}','{0}')", sqlite_time(now));
        }
        conn.execute(sql.as_str()).await?;
    }
    let generator = Tickets::new(shape, bases, leaves, now);
    let (mut chunks, handle) = spawn_generator(generator, sqlite_statements);
    while let Some(statements) = chunks.recv().await {
        for sql in statements {
            conn.execute(sql.as_str()).await?;
        }
    }
    let generator = match handle.join() {
        Ok(generator) => generator,
        Err(_) => bail!("the generator thread panicked"),
    };
    for (day, count) in &generator.days {
        conn.execute(
            format!(
                "INSERT INTO ticket_day_counters (day, last_sequence) VALUES ('{}', {count})",
                day.format("%Y%m%d")
            )
            .as_str(),
        )
        .await?;
    }
    conn.execute("COMMIT").await?;
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ticket_events")
        .fetch_one(&mut conn)
        .await?;
    let seconds_rows = rows_started.elapsed().as_secs_f64();
    let indexes_started = Instant::now();
    conn.execute("ANALYZE").await?;
    conn.execute(format!("PRAGMA user_version = {}", sqlite_marker(tickets)).as_str())
        .await?;
    conn.close().await?;
    Ok(LoadReport {
        engine: "sqlite".into(),
        tickets,
        companies: shape.companies,
        users: shape.users,
        events,
        seconds_schema,
        seconds_rows,
        seconds_indexes: indexes_started.elapsed().as_secs_f64(),
        seconds_total: started.elapsed().as_secs_f64(),
    })
}
