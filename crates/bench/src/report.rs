//! The results: targets checked, the machine described, a Markdown table written between
//! the markers of `docs/BENCHMARKS.md` (the rest of the file is prose kept by hand) and the
//! same data as JSON.
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::load::LoadReport;
use crate::mail::{self, MailRow};
use crate::run::Row;

pub const BEGIN: &str = "<!-- results:begin (written by guichet-bench; edits here are lost) -->";
pub const END: &str = "<!-- results:end -->";
/// The server's peak RSS must stay under this in every scenario but sign-in.
const RSS_LIMIT_MIB: f64 = 60.0;

#[derive(Debug, serde::Serialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory_gib: f64,
    pub kernel: String,
    pub postgresql: String,
    pub sqlite: String,
    pub rustc: String,
    pub commit: String,
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

pub fn machine(postgresql: String, sqlite: String) -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    let dirty =
        !command_output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    Machine {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu,
        memory_gib: (memory_kib / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        kernel: command_output("uname", &["-r"]),
        postgresql,
        sqlite,
        rustc: command_output("rustc", &["-V"]),
        commit: format!(
            "{}{}",
            command_output("git", &["rev-parse", "--short", "HEAD"]),
            if dirty {
                " (with uncommitted changes)"
            } else {
                ""
            }
        ),
    }
}

/// Fills in each row's target and whether it was met.
pub fn judge(rows: &mut [Row]) {
    for row in rows.iter_mut() {
        let m = &row.measured;
        let rss_ok = m.server_peak_rss_mib <= RSS_LIMIT_MIB;
        let mut checks: Vec<(String, bool)> = Vec::new();
        let scenario = row.scenario.as_str();
        let on_postgres = row.engine == "postgresql";
        if scenario.starts_with("Create") && row.concurrency >= 16 && on_postgres {
            checks.push(("≥ 2,200 req/s".into(), m.rps >= 2_200.0));
        }
        if (scenario.starts_with("Customer") || scenario.starts_with("Ticket page")) && on_postgres
        {
            checks.push(("≥ 5,000 req/s".into(), m.rps >= 5_000.0));
            checks.push(("p99 ≤ 10 ms".into(), m.p99_ms <= 10.0));
        }
        if let Some(ceiling) = row.ceiling_rps {
            checks.push(("≥ 60 % of ceiling".into(), m.rps >= 0.6 * ceiling));
        }
        if scenario.starts_with("Full-text") && on_postgres {
            checks.push(("p95 ≤ 50 ms".into(), m.p95_ms <= 50.0));
        }
        if !scenario.starts_with("Sign-in") {
            checks.push((format!("RSS ≤ {RSS_LIMIT_MIB:.0} MiB"), rss_ok));
        } else {
            checks.push(("reported only".into(), true));
        }
        if m.errors > 0 {
            checks.push(("no errors".into(), false));
        }
        row.target = checks
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let missed: Vec<&str> = checks
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(t, _)| t.as_str())
            .collect();
        row.met = Some(missed.is_empty());
        row.why = if missed.is_empty() {
            String::new()
        } else {
            format!("missed: {}", missed.join(", "))
        };
    }
}

/// What a report says besides the rows.
pub struct RunInfo<'a> {
    pub mode: &'a str,
    pub machine: &'a Machine,
    pub loads: &'a [LoadReport],
    pub datasets: &'a [(String, usize)],
    pub commands: &'a [String],
    pub started: &'a str,
    pub seconds: f64,
}

pub fn markdown(context: &RunInfo<'_>, rows: &[Row], mail_rows: &[MailRow]) -> String {
    let mut out = String::new();
    let m = context.machine;
    let _ = writeln!(out, "{BEGIN}\n");
    let _ = writeln!(
        out,
        "Run of {} ({} mode), {:.0} s without the build. Machine: {} cores ({}), {} GiB RAM, \
         Linux {}; {}; SQLite {}; {}; Guichet {}.\n",
        context.started,
        context.mode,
        context.seconds,
        m.cores,
        m.cpu,
        m.memory_gib,
        m.kernel,
        m.postgresql,
        m.sqlite,
        m.rustc,
        m.commit
    );
    for (engine, tickets) in context.datasets {
        let _ = writeln!(out, "- Data set on {engine}: {tickets} tickets.");
    }
    for load in context.loads {
        let _ = writeln!(
            out,
            "- Loaded on {} ({} tickets, {} timeline entries, {} users, {} companies) in {:.0} s: \
             schema {:.0} s, rows {:.0} s, indexes, keys and VACUUM ANALYZE {:.0} s.",
            load.engine,
            load.tickets,
            load.events,
            load.users,
            load.companies,
            load.seconds_total,
            load.seconds_schema,
            load.seconds_rows,
            load.seconds_indexes
        );
    }
    let _ = writeln!(out, "\nCommands:\n");
    for command in context.commands {
        let _ = writeln!(out, "    {command}");
    }
    let _ = writeln!(
        out,
        "\n| engine | scenario | c | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/req | DB CPU ms/req | load generator CPU ms/req | server peak RSS MiB | ceiling req/s | API / ceiling | target | met |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    );
    for row in rows {
        let m = &row.measured;
        let (ceiling, share) = match row.ceiling_rps {
            Some(c) if c > 0.0 => (format!("{c:.0}"), format!("{:.0} %", 100.0 * m.rps / c)),
            _ => ("".into(), "".into()),
        };
        let met = match row.met {
            Some(true) => "yes".to_owned(),
            Some(false) => format!("**no** ({})", row.why),
            None => String::new(),
        };
        let errors = if m.errors == 0 {
            "0".to_owned()
        } else {
            format!(
                "{} ({})",
                m.errors,
                m.error_kinds
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        // SQLite runs inside the server: its CPU is the server's.
        let db_cpu = if row.engine == "sqlite" {
            "in server".to_owned()
        } else {
            format!("{:.3}", m.db_cpu_ms_per_request)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {:.3} | {} | {:.3} | {:.1} | {} | {} | {} | {} |",
            row.engine,
            row.scenario,
            row.concurrency,
            m.rps,
            m.p50_ms,
            m.p95_ms,
            m.p99_ms,
            errors,
            m.server_cpu_ms_per_request,
            db_cpu,
            m.loadgen_cpu_ms_per_request,
            m.server_peak_rss_mib,
            ceiling,
            share,
            row.target,
            met
        );
    }
    let _ = writeln!(
        out,
        "\nMail delivery (a fresh database per measure, the demo data, the mails of a burst of \
         tickets queued while no mail could leave, then delivered by a new instance; target \
         ≥ 500 mails/s):\n\n{}",
        mail::markdown(mail_rows)
    );
    let _ = writeln!(out, "{END}");
    out
}

/// Replaces the generated part of `path` (between the markers), or appends it.
pub fn write_markdown(path: &Path, generated: &str) -> Result<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let updated = match (current.find(BEGIN), current.find(END)) {
        (Some(begin), Some(end)) if end > begin => format!(
            "{}{}{}",
            &current[..begin],
            generated.trim_end(),
            &current[end + END.len()..]
        ),
        _ => format!("{current}\n{generated}"),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, updated).with_context(|| format!("writing {}", path.display()))
}
