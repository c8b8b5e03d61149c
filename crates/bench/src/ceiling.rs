//! The ceiling of the customer list: the statements `GET /api/v1/tickets?status=…` runs
//! (the session check, the page with its people's, company's and asset's names, then the
//! page's watchers; the categories come from the server's memory), sent straight to
//! PostgreSQL by pgbench at the same concurrency, as prepared statements like the server's.
//! The API's rate over this one is the share of the database's own speed that the server
//! keeps.
//!
//! The text is the server's, copied from the statements of one request as sea-orm reports
//! them. `docs/BENCHMARKS.md` says how to capture it again after a change.
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::run::Timing;

/// The ids a ceiling transaction draws from.
pub struct Ids {
    /// Consecutive user ids of the readers, with their sessions.
    pub users: Vec<i64>,
    pub sessions: Vec<i64>,
    pub max_ticket: i64,
}

const USER_COLUMNS: &str = r#""users"."id", "users"."role", "users"."company_id", "users"."email", "users"."first_name", "users"."last_name", "users"."locale", "users"."must_change_password""#;
const LIST_COLUMNS: &str = r#""tickets"."id", "tickets"."number", "tickets"."kind", "tickets"."status", "tickets"."urgency", "tickets"."impact", "tickets"."title", "tickets"."description", "tickets"."category_id", "tickets"."asset_id", "tickets"."requester_id", "tickets"."company_id", "tickets"."assignee_id", "tickets"."notify", "tickets"."notify_email", "tickets"."created_at", "tickets"."updated_at", "tickets"."resolved_at", "tickets"."closed_at", "tickets"."version", "tickets"."satisfaction_rating", "tickets"."satisfaction_comment""#;

/// One list request of a reader: every value the server binds is a pgbench variable, so
/// that `-M prepared` binds it too.
fn script(ids: &Ids) -> Result<String> {
    let contiguous = |ids: &[i64]| !ids.is_empty() && ids.windows(2).all(|w| w[1] == w[0] + 1);
    if !contiguous(&ids.users) || !contiguous(&ids.sessions) {
        bail!("the readers' user or session ids are not consecutive");
    }
    let mut out = format!(
        "\\set i random(0, {})\n\\set uid {} + :i\n\\set sid {} + :i\n\\set one 1\n\\set lim 26\n",
        ids.users.len() - 1,
        ids.users[0],
        ids.sessions[0],
    );
    for n in 0..25 {
        out.push_str(&format!("\\set t{n} random(1, {})\n", ids.max_ticket));
    }
    let list = |vars: Vec<String>| vars.join(", ");
    out.push_str(&format!(
        "SELECT {USER_COLUMNS} FROM \"users\" WHERE \"users\".\"id\" = :uid AND \"users\".\"id\" IN (SELECT \"user_id\" FROM \"sessions\" WHERE \"sessions\".\"id\" = :sid AND \"sessions\".\"revoked_at\" IS NULL) LIMIT :one;\n"
    ));
    out.push_str(&format!(
        "SELECT {LIST_COLUMNS}, \"assets\".\"name\" AS \"asset_name\", \"requester\".\"first_name\" AS \"requester_first_name\", \"requester\".\"last_name\" AS \"requester_last_name\", \"requester\".\"email\" AS \"requester_email\", \"companies\".\"name\" AS \"company_name\", \"assignee\".\"first_name\" AS \"assignee_first_name\", \"assignee\".\"last_name\" AS \"assignee_last_name\", \"assignee\".\"email\" AS \"assignee_email\" FROM (SELECT {LIST_COLUMNS} FROM \"tickets\" WHERE (\"tickets\".\"requester_id\" = :uid AND \"tickets\".\"status\" IN (:s_new, :s_in_progress, :s_waiting)) OR ((\"tickets\".\"id\" = ANY(ARRAY(SELECT \"ticket_id\" FROM \"ticket_watchers\" WHERE \"user_id\" = :uid))) AND \"tickets\".\"status\" IN (:s_new, :s_in_progress, :s_waiting)) ORDER BY \"tickets\".\"updated_at\" DESC, \"tickets\".\"id\" DESC LIMIT :lim) AS \"tickets\" LEFT JOIN \"users\" AS \"requester\" ON \"requester\".\"id\" = \"tickets\".\"requester_id\" LEFT JOIN \"users\" AS \"assignee\" ON \"assignee\".\"id\" = \"tickets\".\"assignee_id\" LEFT JOIN \"companies\" ON \"companies\".\"id\" = \"tickets\".\"company_id\" LEFT JOIN \"assets\" ON \"assets\".\"id\" = \"tickets\".\"asset_id\" ORDER BY \"tickets\".\"updated_at\" DESC, \"tickets\".\"id\" DESC;\n"
    ));
    out.push_str(&format!(
        "SELECT \"ticket_watchers\".\"ticket_id\", \"ticket_watchers\".\"email\" FROM \"ticket_watchers\" WHERE \"ticket_watchers\".\"ticket_id\" IN ({}) ORDER BY \"ticket_watchers\".\"id\" ASC;\n",
        list((0..25).map(|n| format!(":t{n}")).collect())
    ));
    Ok(out)
}

/// Runs the script at `clients` connections for the scenario's duration; the rate of
/// whole list requests (transactions) per second.
pub fn run(url: &str, ids: &Ids, timing: Timing, work_dir: &Path) -> Result<f64> {
    let clients = ids.users.len();
    let path = work_dir.join("list-ceiling.sql");
    std::fs::write(&path, script(ids)?)?;
    let output = Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
        ])
        .args(["-T", &(timing.warmup_seconds + timing.seconds).to_string()])
        // Strings the server binds as parameters (pgbench's \set holds numbers only).
        .args([
            "-D",
            "s_new=new",
            "-D",
            "s_in_progress=in_progress",
            "-D",
            "s_waiting=waiting",
        ])
        .arg("-f")
        .arg(&path)
        .arg(url)
        .output()
        .context("running pgbench (Debian ships it with the PostgreSQL server package)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .context("no tps line in pgbench's output")
}

/// The pgbench command line, for the report.
pub fn command_line(clients: usize, timing: Timing) -> String {
    format!(
        "ceiling: pgbench -n -M prepared -c {clients} -j 2 -T {} -D s_new=new -D s_in_progress=in_progress -D s_waiting=waiting -f target/bench/list-ceiling.sql postgres://…/guichet_bench_run",
        timing.warmup_seconds + timing.seconds
    )
}
