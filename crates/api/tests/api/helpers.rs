//! Spawning the app for a test, and small fixtures on top of the demo data.
use std::collections::HashMap;

use actix_web::web::Data;
use guichet_api::{config::Settings, state::AppState, Application};
use guichet_client::Client;
use guichet_types::{CategoryId, EmailAddress, Level, NewTicket, Ticket, TicketKind, TokenPair};
use sea_orm::{ConnectionTrait, Database};

pub const PASSWORD: &str = "Demo-Guichet-2026!";
/// Tests sign their own tokens (expired ones, for instance) with this key.
pub const TOKEN_KEY: &str = "integration-test-signing-key-0123456789abcdef";
/// The rate limits of test servers, per minute: far above what any test sends.
pub const TEST_RATE_LIMIT: &str = "1000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named test function once per database backend.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            )*
        }
    };
}

pub struct TestApp {
    pub database_url: String,
    /// A client with no token.
    pub anonymous: Client,
    /// The server's shared state, for writes no endpoint makes yet.
    pub state: Data<AppState>,
    dir: tempfile::TempDir,
    /// Held so that the database is dropped with the app.
    _postgres: Option<PostgresDatabase>,
}

impl TestApp {
    /// A client signed in as `email` (demo password).
    pub async fn client_for(&self, email: &str) -> Client {
        let tokens = self.login(email).await;
        self.anonymous.with_access_token(tokens.access_token)
    }

    pub async fn login(&self, email: &str) -> TokenPair {
        self.anonymous
            .login(email, PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("login {email}: {e}"))
    }

    /// A valid ticket for a customer of Acme, in the first incident category.
    pub async fn new_ticket(&self, client: &Client, title: &str) -> NewTicket {
        NewTicket {
            kind: TicketKind::Incident,
            category_id: first_category(client, TicketKind::Incident).await,
            urgency: Some(Level::High),
            title: title.to_owned(),
            description: format!("Description of {title}"),
            ..Default::default()
        }
    }

    pub async fn create(&self, client: &Client, title: &str) -> Ticket {
        let ticket = self.new_ticket(client, title).await;
        client
            .create_ticket(&ticket)
            .await
            .unwrap_or_else(|e| panic!("create {title}: {e}"))
    }

    /// Runs a SQL query on the test's database and returns the first column of the first row.
    pub async fn count(&self, sql: &str) -> i64 {
        Self::count_on(&self.database_url, sql).await
    }

    /// Runs SQL on the test's database, as an administrator at the console would.
    pub async fn execute(&self, sql: &str) {
        let db = Database::connect(&self.database_url)
            .await
            .expect("connect");
        db.execute_unprepared(sql).await.expect("execute");
    }

    /// Runs a SQL query on the test's database and returns the first column of the first
    /// row, a text.
    pub async fn query_one_string(&self, sql: &str) -> String {
        let db = Database::connect(&self.database_url)
            .await
            .expect("connect");
        let row = db
            .query_one(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .expect("query")
            .expect("a row");
        row.try_get_by_index::<String>(0).expect("a text")
    }

    pub async fn count_on(database_url: &str, sql: &str) -> i64 {
        let db = Database::connect(database_url).await.expect("connect");
        let row = db
            .query_one(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .expect("query")
            .expect("a row");
        row.try_get_by_index::<i64>(0).expect("a number")
    }
}

/// `text` as an address, for the typed client's calls.
pub fn address(text: &str) -> EmailAddress {
    text.parse()
        .unwrap_or_else(|_| panic!("{text:?} is an address"))
}

pub async fn first_category(client: &Client, kind: TicketKind) -> CategoryId {
    let tree = client.categories().await.expect("categories");
    let top = tree
        .iter()
        .find(|c| c.kind == Some(kind))
        .expect("a top category of the kind");
    top.children.first().map(|c| c.id).unwrap_or(top.id)
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, &[]).await
}

pub async fn spawn_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    spawn_app(backend, extra, true).await
}

/// An app on a database as a production start leaves it: migrated, without the demo data.
pub async fn spawn_without_demo(backend: Backend) -> TestApp {
    spawn_app(backend, &[], false).await
}

/// A new empty database: a SQLite file in `dir`, or a PostgreSQL database of its own
/// (dropped with the returned handle). Returns its URL.
pub async fn database(
    backend: Backend,
    dir: &std::path::Path,
) -> (String, Option<PostgresDatabase>) {
    match backend {
        Backend::Sqlite => (
            format!("sqlite://{}/guichet.db?mode=rwc", dir.display()),
            None,
        ),
        Backend::Postgres => {
            let postgres = PostgresDatabase::create().await;
            (postgres.url.clone(), Some(postgres))
        }
    }
}

async fn spawn_app(backend: Backend, extra: &[(&str, &str)], demo: bool) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, postgres) = database(backend, dir.path()).await;
    spawn_in(dir, database_url, postgres, extra, demo).await
}

/// An app with the demo data on the database at `database_url`, which the test made itself
/// (a PostgreSQL server of its own, say).
pub async fn spawn_on_database(database_url: String, extra: &[(&str, &str)]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    spawn_in(dir, database_url, None, extra, true).await
}

async fn spawn_in(
    dir: tempfile::TempDir,
    database_url: String,
    postgres: Option<PostgresDatabase>,
    extra: &[(&str, &str)],
    demo: bool,
) -> TestApp {
    let mut values: HashMap<String, String> = [
        ("GUICHET_BIND", "127.0.0.1:0".to_owned()),
        ("GUICHET_DATABASE_URL", database_url.clone()),
        ("GUICHET_DATA_DIR", dir.path().display().to_string()),
        ("GUICHET_TOKEN_KEY", TOKEN_KEY.to_owned()),
        ("GUICHET_WORKERS", "2".to_owned()),
        // Tests send bursts from one address; rate_limit.rs sets its own limits.
        ("GUICHET_RATE_LIMIT_PER_MINUTE", TEST_RATE_LIMIT.to_owned()),
        (
            "GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE",
            TEST_RATE_LIMIT.to_owned(),
        ),
        (
            "GUICHET_WEB_DIR",
            dir.path().join("no-web-app").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    values.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let (address, state) = start(&values, demo).await;
    TestApp {
        anonymous: Client::new(&address).expect("client"),
        state,
        database_url,
        dir,
        _postgres: postgres,
    }
}

/// Starts an instance with these settings (and the demo data unless there is some
/// already, if `demo`) and returns its address and state.
async fn start(values: &HashMap<String, String>, demo: bool) -> (String, Data<AppState>) {
    let settings = Settings::from_map(values).expect("test settings");
    let application = Application::build(settings, demo)
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state();
    tokio::spawn(application.run_until_stopped());
    (address, state)
}

impl TestApp {
    /// Another instance of the server on this test's database (scale-out), with `extra`
    /// settings; returns an anonymous client of it.
    pub async fn another_instance(&self, extra: &[(&str, &str)]) -> Client {
        let data_dir = self.dir.path().display().to_string();
        let mut values: HashMap<String, String> = [
            ("GUICHET_BIND", "127.0.0.1:0"),
            ("GUICHET_DATABASE_URL", self.database_url.as_str()),
            ("GUICHET_DATA_DIR", data_dir.as_str()),
            ("GUICHET_TOKEN_KEY", TOKEN_KEY),
            ("GUICHET_WORKERS", "1"),
            ("GUICHET_RATE_LIMIT_PER_MINUTE", TEST_RATE_LIMIT),
            ("GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE", TEST_RATE_LIMIT),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        values.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        Client::new(&start(&values, true).await.0).expect("client")
    }

    /// The data directory of the first instance (attachments, outbox).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// A database of its own on the PostgreSQL server, dropped when the test ends.
pub struct PostgresDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PostgresDatabase {
    pub fn admin_url() -> String {
        std::env::var("GUICHET_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
    }

    pub async fn create() -> Self {
        let admin_url = Self::admin_url();
        let name = format!("guichet_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is needed for these tests (set GUICHET_TEST_POSTGRES_URL): {e}"));
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base)
            .unwrap_or(&admin_url);
        Self {
            url: format!("{base}/{name}"),
            admin_url,
            name,
        }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; the cleanup gets a small runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// A small tmpfs mounted for one test, unmounted when dropped (a failed test too).
pub struct Mounted(std::path::PathBuf);

impl Mounted {
    pub fn tmpfs(dir: &std::path::Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).ok()?;
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|status| status.success());
        mounted.then(|| Self(dir.to_owned()))
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let unmounted = std::process::Command::new("umount")
            .arg(&self.0)
            .status()
            .is_ok_and(|status| status.success());
        if !unmounted {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
}
