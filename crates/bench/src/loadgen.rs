//! The load generator: a closed loop of `concurrency` workers on one thread, each sending
//! its next request as soon as the previous answer is read, every latency kept (no
//! sampling), and the CPU and memory of the processes involved read from `/proc`.
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

/// What one measured window recorded.
#[derive(Default)]
pub struct Recorder {
    measuring: bool,
    latencies_us: Vec<u32>,
    errors: BTreeMap<String, u64>,
}

impl Recorder {
    fn record(&mut self, started: Instant, outcome: Result<(), String>) {
        if !self.measuring {
            return;
        }
        let micros = started.elapsed().as_micros();
        self.latencies_us
            .push(u32::try_from(micros).unwrap_or(u32::MAX));
        if let Err(kind) = outcome {
            *self.errors.entry(kind).or_default() += 1;
        }
    }
}

/// An HTTP client of the API that records every request it makes.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    recorder: Rc<RefCell<Recorder>>,
}

impl Api {
    pub fn new(base: String) -> Result<Self> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            // Below the server's keep-alive (5 s), so that an idle connection is never
            // reused just as the server closes it.
            .pool_idle_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            base,
            recorder: Rc::default(),
        })
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Option<Vec<u8>> {
        let started = Instant::now();
        let result = match request.send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(body) if status.is_success() => Ok(body.to_vec()),
                    Ok(_) => Err(format!("HTTP {}", status.as_u16())),
                    Err(e) => Err(format!("body: {e}")),
                }
            }
            Err(e) => Err(if e.is_timeout() {
                "timeout".to_owned()
            } else {
                "connection".to_owned()
            }),
        };
        let body = result.as_ref().ok().cloned();
        self.recorder
            .borrow_mut()
            .record(started, result.map(|_| ()));
        body
    }

    pub async fn get(&self, path: &str, token: &str) -> Option<Vec<u8>> {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(token),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Option<Vec<u8>> {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    /// An unrecorded sign-in: the access token of `email`.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<String> {
        let request = || {
            self.http
                .post(format!("{}/api/v1/auth/login", self.base))
                .json(&serde_json::json!({"email": email, "password": password}))
                .send()
        };
        // A pooled connection may have been closed by the server meanwhile: one retry.
        let response = match request().await {
            Ok(response) => response,
            Err(_) => request().await?,
        }
        .error_for_status()
        .with_context(|| format!("signing in {email}"))?;
        let body: Value = response.json().await?;
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access token in the sign-in answer")
    }
}

/// Seconds of CPU (user + system) a process has used.
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which may hold spaces, closed by the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks())
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// CPU seconds of every PostgreSQL process (the server and its backends).
pub fn postgres_cpu_seconds() -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == "postgres")
        })
        .filter_map(|pid| cpu_seconds(&pid))
        .sum()
}

/// Resets the peak resident size the kernel keeps for `pid` (`VmHWM`).
pub fn reset_peak_rss(pid: &str) {
    // Writing 5 to clear_refs resets the peak (Linux ≥ 4.0); if refused, the peak since
    // the start is reported instead, which can only be higher.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// The peak resident size of `pid` in MiB since the last reset.
pub fn peak_rss_mib(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// What a scenario measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measured {
    pub seconds: f64,
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub error_kinds: BTreeMap<String, u64>,
    pub server_cpu_ms_per_request: f64,
    pub db_cpu_ms_per_request: f64,
    pub loadgen_cpu_ms_per_request: f64,
    pub server_peak_rss_mib: f64,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

/// Runs `step` in a closed loop on `concurrency` workers: `warmup` unrecorded, then
/// `duration` recorded. `step(worker, iteration)` makes its requests through `api`.
pub async fn closed_loop<F, Fut>(
    api: &Api,
    server_pid: &str,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
    step: F,
) -> Measured
where
    F: Fn(usize, u64) -> Fut,
    Fut: Future<Output = ()>,
{
    *api.recorder.borrow_mut() = Recorder::default();
    let start = Instant::now();
    let end = start + warmup + duration;
    let step = &step;
    let workers = (0..concurrency).map(|worker| async move {
        let mut iteration = 0;
        while Instant::now() < end {
            step(worker, iteration).await;
            iteration += 1;
        }
    });
    let begin_measure = async {
        tokio::time::sleep(warmup).await;
        reset_peak_rss(server_pid);
        let before = (
            cpu_seconds(server_pid).unwrap_or_default(),
            postgres_cpu_seconds(),
            cpu_seconds("self").unwrap_or_default(),
        );
        api.recorder.borrow_mut().measuring = true;
        tokio::time::sleep_until((end).into()).await;
        api.recorder.borrow_mut().measuring = false;
        before
    };
    let (before, _) = tokio::join!(begin_measure, futures_util::future::join_all(workers));
    // Requests are counted when they end inside the window, so the rate is over the window.
    let seconds = duration.as_secs_f64();
    let server_cpu = cpu_seconds(server_pid).unwrap_or_default() - before.0;
    let db_cpu = postgres_cpu_seconds() - before.1;
    let loadgen_cpu = cpu_seconds("self").unwrap_or_default() - before.2;
    let mut recorder = std::mem::take(&mut *api.recorder.borrow_mut());
    recorder.latencies_us.sort_unstable();
    let requests = recorder.latencies_us.len() as u64;
    let per_request = |cpu: f64| {
        if requests == 0 {
            0.0
        } else {
            cpu * 1000.0 / requests as f64
        }
    };
    Measured {
        seconds,
        requests,
        rps: requests as f64 / seconds,
        p50_ms: percentile(&recorder.latencies_us, 50.0),
        p95_ms: percentile(&recorder.latencies_us, 95.0),
        p99_ms: percentile(&recorder.latencies_us, 99.0),
        max_ms: percentile(&recorder.latencies_us, 100.0),
        errors: recorder.errors.values().sum(),
        error_kinds: recorder.errors,
        server_cpu_ms_per_request: per_request(server_cpu),
        db_cpu_ms_per_request: per_request(db_cpu),
        loadgen_cpu_ms_per_request: per_request(loadgen_cpu),
        server_peak_rss_mib: peak_rss_mib(server_pid).unwrap_or_default(),
    }
}
