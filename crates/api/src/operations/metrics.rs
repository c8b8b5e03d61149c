//! The Prometheus metrics of an instance, served by `GET /metrics` (routes.rs).
//!
//! One registry per instance (in `AppState`), not a process-wide recorder: each instance,
//! and each test server of the test binary, counts only what it did. Counters move where
//! the work happens (requests in `routes::observe`, mails, webhook deliveries, failed sign-ins);
//! what lives in the database (the pool, the job queue) is read at each scrape. Every label
//! has few values: a request is counted under its route's template, never its path.
use chrono::{DateTime, Utc};
use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Iterable};

use crate::jobs::kind::{JobKind, JobState};

/// The content type of the text format the scrape answers.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    request_seconds: HistogramVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    jobs_queued: IntGaugeVec,
    jobs_oldest_due_seconds: GaugeVec,
    jobs_dead: IntGaugeVec,
    mails_sent: IntCounter,
    mails_failed: IntCounter,
    webhook_deliveries: IntCounterVec,
    sign_in_failures: IntCounter,
}

impl Metrics {
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let request_labels = ["method", "route", "status"];
        let requests = IntCounterVec::new(
            Opts::new("guichet_http_requests_total", "HTTP requests answered"),
            &request_labels,
        )?;
        let request_seconds = HistogramVec::new(
            HistogramOpts::new(
                "guichet_http_request_duration_seconds",
                "Time to answer an HTTP request",
            ),
            &request_labels,
        )?;
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "guichet_db_pool_connections",
                "Database connections of this instance's pool, in use or idle",
            ),
            &["state"],
        )?;
        let pool_max = IntGauge::new(
            "guichet_db_pool_max_connections",
            "The most connections the pool opens",
        )?;
        let jobs_queued = IntGaugeVec::new(
            Opts::new(
                "guichet_jobs_queued",
                "Pending jobs (due or waiting for a retry), of every instance",
            ),
            &["kind"],
        )?;
        let jobs_oldest_due_seconds = GaugeVec::new(
            Opts::new(
                "guichet_jobs_oldest_due_age_seconds",
                "How long the oldest due job has waited (0 when none is due)",
            ),
            &["kind"],
        )?;
        let jobs_dead = IntGaugeVec::new(
            Opts::new(
                "guichet_jobs_dead",
                "Jobs given up after their last attempt",
            ),
            &["kind"],
        )?;
        let mails_sent =
            IntCounter::new("guichet_mails_sent_total", "Mails accepted for delivery")?;
        let mails_failed = IntCounter::new(
            "guichet_mails_failed_total",
            "Mail delivery attempts that failed (each is retried until its job is dead)",
        )?;
        let webhook_deliveries = IntCounterVec::new(
            Opts::new(
                "guichet_webhook_deliveries_total",
                "Webhook delivery attempts, by outcome",
            ),
            &["outcome"],
        )?;
        let sign_in_failures = IntCounter::new(
            "guichet_sign_in_failures_total",
            "Refused sign-ins (wrong credentials or inactive account)",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(request_seconds.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(jobs_queued.clone()))?;
        registry.register(Box::new(jobs_oldest_due_seconds.clone()))?;
        registry.register(Box::new(jobs_dead.clone()))?;
        registry.register(Box::new(mails_sent.clone()))?;
        registry.register(Box::new(mails_failed.clone()))?;
        registry.register(Box::new(webhook_deliveries.clone()))?;
        registry.register(Box::new(sign_in_failures.clone()))?;
        // Series that exist from the start, so that a rate over them is 0 rather than absent.
        for outcome in ["succeeded", "failed"] {
            webhook_deliveries.with_label_values(&[outcome]);
        }
        Ok(Self {
            registry,
            requests,
            request_seconds,
            pool_connections,
            pool_max,
            jobs_queued,
            jobs_oldest_due_seconds,
            jobs_dead,
            mails_sent,
            mails_failed,
            webhook_deliveries,
            sign_in_failures,
        })
    }

    pub fn mail_sent(&self) {
        self.mails_sent.inc();
    }

    pub fn mail_failed(&self) {
        self.mails_failed.inc();
    }

    pub fn webhook_delivery(&self, delivered: bool) {
        let outcome = if delivered { "succeeded" } else { "failed" };
        self.webhook_deliveries.with_label_values(&[outcome]).inc();
    }

    pub fn sign_in_failed(&self) {
        self.sign_in_failures.inc();
    }

    /// One request answered.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.request_seconds
            .with_label_values(&labels)
            .observe(seconds);
    }

    /// The pool of `db` now.
    pub fn observe_pool(&self, db: &DatabaseConnection) {
        let (size, idle, max) = match db.get_database_backend() {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            DbBackend::MySql => return,
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        let in_use = i64::from(size).saturating_sub(idle);
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(in_use);
        self.pool_connections.with_label_values(&["idle"]).set(idle);
        self.pool_max.set(i64::from(max));
    }

    /// The job queue as `jobs::queue::depth` read it at `now`.
    pub fn observe_jobs(
        &self,
        depth: &[(JobKind, JobState, i64, Option<DateTime<Utc>>)],
        now: DateTime<Utc>,
    ) {
        for kind in JobKind::iter() {
            let kind = kind_label(kind);
            self.jobs_queued.with_label_values(&[kind]).set(0);
            self.jobs_dead.with_label_values(&[kind]).set(0);
            self.jobs_oldest_due_seconds
                .with_label_values(&[kind])
                .set(0.0);
        }
        for (kind, state, count, oldest) in depth {
            let kind = kind_label(*kind);
            match state {
                JobState::Pending => {
                    self.jobs_queued.with_label_values(&[kind]).set(*count);
                    let waited = oldest
                        .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1_000.0)
                        .unwrap_or(0.0);
                    self.jobs_oldest_due_seconds
                        .with_label_values(&[kind])
                        .set(waited);
                }
                JobState::Dead => self.jobs_dead.with_label_values(&[kind]).set(*count),
            }
        }
    }

    /// Every series, in Prometheus' text format.
    pub fn render(&self) -> prometheus::Result<String> {
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut text)?;
        String::from_utf8(text).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

fn kind_label(kind: JobKind) -> &'static str {
    match kind {
        JobKind::DeliverMail => "deliver_mail",
        JobKind::AccountMail => "account_mail",
        JobKind::DeliverWebhook => "deliver_webhook",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_read_per_kind_with_zeros_for_the_others() {
        let metrics = Metrics::new().expect("metrics");
        let now = Utc::now();
        metrics.observe_jobs(
            &[
                (
                    JobKind::DeliverMail,
                    JobState::Pending,
                    3,
                    Some(now - chrono::Duration::seconds(90)),
                ),
                (JobKind::DeliverMail, JobState::Dead, 2, Some(now)),
                (
                    JobKind::DeliverWebhook,
                    JobState::Pending,
                    1,
                    Some(now + chrono::Duration::seconds(60)),
                ),
            ],
            now,
        );
        let text = metrics.render().expect("text");
        for line in [
            "guichet_jobs_queued{kind=\"deliver_mail\"} 3",
            "guichet_jobs_dead{kind=\"deliver_mail\"} 2",
            "guichet_jobs_oldest_due_age_seconds{kind=\"deliver_mail\"} 90",
            "guichet_jobs_queued{kind=\"deliver_webhook\"} 1",
            "guichet_jobs_oldest_due_age_seconds{kind=\"deliver_webhook\"} 0",
            "guichet_jobs_queued{kind=\"account_mail\"} 0",
            "guichet_webhook_deliveries_total{outcome=\"failed\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }
}
