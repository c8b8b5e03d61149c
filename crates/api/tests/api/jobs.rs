//! The job queue: a failing job is retried after a growing backoff and ends dead with its
//! last error; a job whose lease passed is taken again and its first holder can no longer
//! end it; concurrent claims on PostgreSQL never hand one job to two workers; admins list
//! the dead jobs and try them again.
use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use guichet_api::db::{self, WriteGate};
use guichet_api::entities::jobs;
use guichet_api::jobs::kind::{JobKind, JobState};
use guichet_api::jobs::queue::{self, Outcome};
use guichet_types::JobKindName;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::helpers::{database, spawn_with, Backend, PostgresDatabase};
use crate::on_both_databases;

on_both_databases!(
    a_failing_job_is_retried_with_backoff_then_dead,
    a_job_whose_lease_passed_is_taken_again,
    admins_see_dead_mails_and_try_them_again,
);

/// A migrated database without a server (so no worker takes the jobs written here).
struct Queue {
    db: DatabaseConnection,
    writes: WriteGate,
    _dir: tempfile::TempDir,
    _postgres: Option<PostgresDatabase>,
}

async fn queue_alone(backend: Backend) -> Queue {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, postgres) = database(backend, dir.path()).await;
    let db = db::connect(&url).await.expect("connect");
    db::migrate(&db, &url).await.expect("migrate");
    Queue {
        writes: WriteGate::for_backend(db.get_database_backend()),
        db,
        _dir: dir,
        _postgres: postgres,
    }
}

async fn mail_jobs(db: &DatabaseConnection) -> Vec<jobs::Model> {
    jobs::Entity::find()
        .filter(jobs::Column::Kind.eq(JobKind::DeliverMail))
        .all(db)
        .await
        .expect("jobs")
}

async fn a_failing_job_is_retried_with_backoff_then_dead(backend: Backend) {
    // Nothing listens on port 9 of loopback: every attempt fails.
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", "smtp://127.0.0.1:9")]).await;
    let claire = app.client_for("claire@acme.test").await;
    app.create(&claire, "Pas de serveur").await;
    let db = db::connect(&app.database_url).await.expect("connect");
    let max = JobKind::DeliverMail.max_attempts();
    for attempt in 1..=max {
        let mut jobs = Vec::new();
        for _ in 0..100 {
            jobs = mail_jobs(&db).await;
            if jobs.len() == 2 && jobs.iter().all(|job| job.attempts == attempt) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(jobs.len(), 2, "an acknowledgement and an alert");
        let now = Utc::now();
        for job in &jobs {
            assert_eq!(job.attempts, attempt, "{job:?}");
            assert!(
                job.lease_until.is_none() && job.leased_by.is_none(),
                "{job:?}"
            );
            assert!(
                job.last_error.as_deref().is_some_and(|e| !e.is_empty()),
                "{job:?}"
            );
            if attempt < max {
                assert_eq!(job.state, JobState::Pending);
                let wait = job.next_attempt_at - now;
                let backoff = job.kind.retry_delay(attempt, job.id);
                assert!(
                    wait <= backoff && wait > backoff - chrono::Duration::seconds(3),
                    "attempt {attempt}: retried in {wait}, backoff {backoff}"
                );
            } else {
                assert_eq!(job.state, JobState::Dead, "{job:?}");
            }
        }
        if attempt < max {
            // The backoff is checked; skip the wait.
            jobs::Entity::update_many()
                .col_expr(
                    jobs::Column::NextAttemptAt,
                    Expr::value(Utc::now() - chrono::Duration::seconds(1)),
                )
                .exec(&db)
                .await
                .expect("due now");
        }
    }
    // A dead job is never taken again; its mail stays unsent.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(mail_jobs(&db)
        .await
        .iter()
        .all(|job| job.attempts == max && job.state == JobState::Dead));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_messages WHERE sent_at IS NULL")
            .await,
        2
    );
}

async fn a_job_whose_lease_passed_is_taken_again(backend: Backend) {
    let queue = queue_alone(backend).await;
    let db = &queue.db;
    queue::enqueue(db, JobKind::DeliverMail, ["{}".to_owned()], Utc::now())
        .await
        .expect("enqueued");
    let lease = chrono::Duration::milliseconds(800);
    let (first, claimed) = queue::claim(db, &queue.writes, "a/1".into(), lease, 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let (_, none) = queue::claim(db, &queue.writes, "b/1".into(), lease, 10)
        .await
        .expect("claim");
    assert!(none.is_empty(), "held by its lease");

    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (second, again) = queue::claim(db, &queue.writes, "b/2".into(), lease, 10)
        .await
        .expect("claim");
    assert_eq!(again.len(), 1, "taken again once the lease passed");
    assert_eq!(again[0].id, claimed[0].id);
    assert_eq!(again[0].attempts, 0, "a lost lease is no failed attempt");

    // The first holder can end it no more, the second can.
    queue::finish(db, &first, &[(&claimed[0], Outcome::Done)])
        .await
        .expect("finish");
    assert_eq!(jobs::Entity::find().all(db).await.expect("jobs").len(), 1);
    queue::finish(db, &second, &[(&again[0], Outcome::Done)])
        .await
        .expect("finish");
    assert!(jobs::Entity::find().all(db).await.expect("jobs").is_empty());
}

/// Four workers claim 400 jobs at once on one PostgreSQL database, each holding its batch a
/// moment: each job goes to one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_never_share_a_job() {
    let queue = queue_alone(Backend::Postgres).await;
    let payloads = (0..400).map(|i| format!("{{\"n\":{i}}}"));
    queue::enqueue(&queue.db, JobKind::DeliverMail, payloads, Utc::now())
        .await
        .expect("enqueued");
    let workers = (0..4).map(|worker| {
        let db = queue.db.clone();
        tokio::spawn(async move {
            let writes = WriteGate::for_backend(db.get_database_backend());
            let mut taken = Vec::new();
            for claim in 0.. {
                let by = format!("worker-{worker}/{claim}");
                let lease = chrono::Duration::minutes(5);
                let (lease, jobs) = queue::claim(&db, &writes, by, lease, 16)
                    .await
                    .expect("claim");
                if jobs.is_empty() {
                    break;
                }
                taken.extend(jobs.iter().map(|job| job.id));
                // The work: the other workers claim meanwhile.
                tokio::time::sleep(Duration::from_millis(10)).await;
                let done: Vec<_> = jobs.iter().map(|job| (job, Outcome::Done)).collect();
                queue::finish(&db, &lease, &done).await.expect("finish");
            }
            taken
        })
    });
    let workers: Vec<_> = workers.collect();
    let mut all = Vec::new();
    let mut busy = 0;
    for worker in workers {
        let taken = worker.await.expect("worker");
        busy += usize::from(!taken.is_empty());
        all.extend(taken);
    }
    let distinct: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 400, "every job once");
    assert_eq!(distinct.len(), 400);
    assert!(busy > 1, "the workers took turns");
    assert!(jobs::Entity::find()
        .all(&queue.db)
        .await
        .expect("jobs")
        .is_empty());
}

/// A mail given up is listed for admins with its recipient and subject, and "retry" queues it
/// again from zero attempts, audited; only admins see or retry, and only dead jobs.
async fn admins_see_dead_mails_and_try_them_again(backend: Backend) {
    let app = spawn_with(backend, &[("GUICHET_SMTP_URL", "smtp://127.0.0.1:9")]).await;
    let claire = app.client_for("claire@acme.test").await;
    let ticket = app.create(&claire, "Courrier perdu").await;
    // Given up at once, as after its last attempt.
    app.execute(
        "UPDATE jobs SET state = 'dead', attempts = 8, last_error = 'connection refused', \
         lease_until = NULL, leased_by = NULL WHERE kind = 'deliver_mail'",
    )
    .await;
    let admin = app.client_for("admin@guichet.test").await;
    let page = admin
        .dead_jobs(Some(JobKindName::DeliverMail), None)
        .await
        .expect("dead jobs");
    assert_eq!(page.items.len(), 2, "an acknowledgement and an alert");
    let mine = page
        .items
        .iter()
        .find(|job| job.recipient.as_deref() == Some("claire@acme.test"))
        .expect("claire's acknowledgement");
    assert!(mine
        .subject
        .as_deref()
        .is_some_and(|subject| subject.contains(ticket.number.as_str())));
    assert_eq!(
        (mine.attempts, mine.last_error.as_deref()),
        (8, Some("connection refused"))
    );
    let none = admin
        .dead_jobs(Some(JobKindName::DeliverWebhook), None)
        .await
        .expect("dead jobs");
    assert!(none.items.is_empty());

    for email in ["agent@guichet.test", "claire@acme.test"] {
        let other = app.client_for(email).await;
        let refused = other.dead_jobs(None, None).await.err();
        assert_eq!(refused.and_then(|e| e.status()), Some(403), "{email}");
        let refused = other.retry_dead_job(mine.id).await.err();
        assert_eq!(refused.and_then(|e| e.status()), Some(403), "{email}");
    }
    let bad = admin
        .raw("GET", "/api/v1/dead-jobs?kind=fax", None, None)
        .await
        .expect("answer");
    assert_eq!(bad.status, 422);

    admin.retry_dead_job(mine.id).await.expect("retry");
    let retried = app
        .count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE id = {} AND state = 'pending' AND attempts <= 1",
            mine.id
        ))
        .await;
    assert_eq!(retried, 1, "queued again from zero attempts");
    let again = admin.retry_dead_job(mine.id).await.err();
    assert_eq!(again.and_then(|e| e.status()), Some(409), "no longer dead");
    let missing = admin.retry_dead_job(999_999).await.err();
    assert_eq!(missing.and_then(|e| e.status()), Some(404));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'job.retried' AND target_id = '{}'",
            mine.id
        ))
        .await,
        1
    );
    let left = admin.dead_jobs(None, None).await.expect("dead jobs");
    assert_eq!(left.items.len(), 1);
}
