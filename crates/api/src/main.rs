//! `guichet`: serve the portal, apply migrations, print the OpenAPI document, move, back up
//! and restore an install.
use clap::{Parser, Subcommand};
use guichet_api::attachments::storage::Storage;
use guichet_api::config::{LogFormat, Settings};
use guichet_api::{app, db, demo, transfer, Application};

// jemalloc hands blocks of 8 MiB and more back to the system as soon as they are freed; glibc's
// malloc kept the 19 MiB of each argon2id sign-in in its arenas (hundreds of MiB after a
// burst of sign-ins) unless MALLOC_MMAP_THRESHOLD_ was set.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "guichet",
    version,
    about = "Guichet, the customer support portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, its docs and the web app (settings from GUICHET_* variables).
    Serve {
        /// Seed the demo companies, accounts and tickets into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Take one received mail (RFC 5322) from standard input, as an MTA pipes it: a reply
    /// to a notification becomes a follow-up, a mail to the support address opens a
    /// ticket, anything else is kept as a rejected mail. Prints the outcome as JSON. Exits
    /// with 75 (EX_TEMPFAIL) when the mail could not be taken, so the MTA tries again.
    MailIngest,
    /// Copy a whole install into another, empty database (SQLite to PostgreSQL, say): the
    /// target is migrated, every table copied in one transaction, with ids and ticket numbers
    /// going on after the copied ones, then checked table by table. Stop the server first.
    MigrateData {
        /// The database to copy, e.g. sqlite://guichet-data/guichet.db
        #[arg(long)]
        from: String,
        /// The empty database to fill, e.g. postgres://guichet@db/guichet
        #[arg(long)]
        to: String,
    },
    /// Write the database (a consistent snapshot, taken while the server runs) and every
    /// attachment of the current settings to one archive, with a manifest of checksums.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Load an archive of `guichet backup` into an empty database, and its attachments into
    /// the store of the current settings (GUICHET_STORAGE_URL / GUICHET_DATA_DIR).
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
        /// The empty database to fill.
        #[arg(long)]
        to: String,
    },
    /// Administration of the install, from the machine it runs on.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The attachment store.
    Storage {
        #[command(subcommand)]
        command: StorageCommand,
    },
}

#[derive(Subcommand)]
enum StorageCommand {
    /// Copy every stored file from the store of the settings (GUICHET_STORAGE_URL) to
    /// another, checking each copy's SHA-256; files already there are skipped, so that a
    /// second pass copies only the new ones. Exits non-zero if any file failed.
    Copy {
        /// The target: a directory, or s3://bucket/prefix (with the AWS_* variables).
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator (the first one of a new install, say) and print their
    /// single-use set-password link (valid 24 hours; it is also mailed to them).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// The language of their mails and screens: fr or en.
        #[arg(long, default_value = "fr")]
        locale: String,
    },
}

/// sysexits' EX_TEMPFAIL: MTAs keep the mail and deliver it again later.
const EX_TEMPFAIL: u8 = 75;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match LogFormat::from_env() {
        Ok(format) => guichet_api::operations::logging::init(format),
        Err(message) => {
            eprintln!("guichet: {message}");
            return std::process::ExitCode::FAILURE;
        }
    }
    let command = Cli::parse().command;
    let failure = if matches!(command, Command::MailIngest) {
        std::process::ExitCode::from(EX_TEMPFAIL)
    } else {
        std::process::ExitCode::FAILURE
    };
    match run(command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("guichet: {message}");
            failure
        }
    }
}

async fn mail_ingest() -> Result<(), String> {
    use std::io::Read;
    let limit = guichet_api::inbound::service::INBOUND_MAX_BYTES;
    let mut raw = Vec::new();
    // One past the limit, so a mail too large is seen as such (and kept in part).
    std::io::stdin()
        .take(u64::try_from(limit).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut raw)
        .map_err(|e| format!("standard input: {e}"))?;
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let state = guichet_api::open(settings, false)
        .await
        .map_err(|e| e.to_string())?;
    let result = guichet_api::inbound::service::ingest(&state, &raw)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::to_string(&result).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// `guichet admin create`: refuses an address another account uses, or a malformed one.
async fn create_admin(
    email: &str,
    first_name: &str,
    last_name: &str,
    locale: &str,
) -> Result<(), String> {
    let email = guichet_types::EmailAddress::parse(email)
        .map_err(|_| format!("{email} is not an e-mail address"))?;
    let locale = guichet_types::Locale::parse(locale)
        .ok_or_else(|| format!("unknown language {locale}: fr or en"))?;
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let state = guichet_api::open(settings, false)
        .await
        .map_err(|e| e.to_string())?;
    let link =
        guichet_api::auth::recovery::create_admin(&state, &email, first_name, last_name, locale)
            .await
            .map_err(|error| match error {
                guichet_api::error::ApiError::Taken(_) => {
                    format!("{email} is already the address of an account")
                }
                other => other.to_string(),
            })?;
    println!("{link}");
    eprintln!(
        "Administrator {email} created: they set their password at the link above (valid 24 hours, \
         single use; it is also mailed to them once the server runs)."
    );
    Ok(())
}

/// Prints a transfer's progress on standard error.
fn show_progress(line: &str) {
    eprintln!("{line}");
}

async fn backup(to: &std::path::Path) -> Result<(), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let db = db::connect(&settings.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let storage = Storage::from_settings(&settings).map_err(|e| e.to_string())?;
    let manifest = transfer::archive::backup(&db, &storage, to, &show_progress)
        .await
        .map_err(|e| e.to_string())?;
    let rows: u64 = manifest.tables.values().map(|table| table.rows).sum();
    eprintln!(
        "Backup written to {}: {rows} rows, {} attachments",
        to.display(),
        manifest.files.len()
    );
    Ok(())
}

async fn restore(from: &std::path::Path, to: &str) -> Result<(), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let storage = Storage::from_settings(&settings).map_err(|e| e.to_string())?;
    let manifest = transfer::archive::restore(from, to, &storage, &show_progress)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "Restored {} tables and {} attachments into {to}; checked against the archive's manifest",
        manifest.tables.len(),
        manifest.files.len()
    );
    Ok(())
}

/// `guichet storage copy --to <url>`: one line per file, then the totals.
async fn storage_copy(to: &str) -> Result<(), String> {
    use guichet_api::attachments::copy;
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let target = guichet_api::config::StorageUrl::parse(to).map_err(|e| format!("--to: {e}"))?;
    if target == settings.storage {
        return Err(format!(
            "--to {target} is the store of the settings already"
        ));
    }
    let from = Storage::open(&settings.storage, &settings.aws).map_err(|e| e.to_string())?;
    let to = Storage::open(&target, &settings.aws).map_err(|e| e.to_string())?;
    let db = db::connect(&settings.database_url)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "copying the attachments and article images from {} to {target}",
        settings.storage
    );
    let report = copy::copy_all(&db, &from, &to, |row, outcome| {
        let what = match outcome {
            copy::FileOutcome::Copied => "copied".to_owned(),
            copy::FileOutcome::AlreadyThere => "already there".to_owned(),
            copy::FileOutcome::Failed(reason) => format!("FAILED: {reason}"),
        };
        println!("{} {} ({} bytes): {what}", row.kind, row.id, row.size);
    })
    .await
    .map_err(|e| e.to_string())?;
    println!(
        "{} copied, {} already there, {} failed",
        report.copied,
        report.already_there,
        report.failed.len()
    );
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} files not copied: {}",
            report.failed.len(),
            report
                .failed
                .iter()
                .map(|(kind, id, _)| format!("{kind} {id}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::MigrateData { from, to } => {
            let copied = transfer::copy::migrate_data(&from, &to, &show_progress)
                .await
                .map_err(|e| e.to_string())?;
            let rows: u64 = copied.rows.values().sum();
            eprintln!("Copied {rows} rows; every table's rows and checksum match the source");
            Ok(())
        }
        Command::Backup { to } => backup(&to).await,
        Command::Restore { from, to } => restore(&from, &to).await,
        Command::Storage {
            command: StorageCommand::Copy { to },
        } => storage_copy(&to).await,
        Command::MailIngest => mail_ingest().await,
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    first_name,
                    last_name,
                    locale,
                },
        } => create_admin(&email, &first_name, &last_name, &locale).await,
        Command::Openapi => {
            let document = app::openapi().to_pretty_json().map_err(|e| e.to_string())?;
            println!("{document}");
            Ok(())
        }
        Command::Migrate => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let db = db::connect(&settings.database_url)
                .await
                .map_err(|e| e.to_string())?;
            db::migrate(&db, &settings.database_url)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Serve { demo } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let public_url = settings.public_url.clone();
            let application = Application::build(settings, demo)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!(port = application.port(), "Guichet listening");
            eprintln!("Guichet is serving {public_url} (API docs: {public_url}/api/docs)");
            if demo {
                eprintln!(
                    "Demo accounts (password {}): claire@acme.test (customer), remi@acme.test (referent), \
                     paul@boreal.test (customer), agent@guichet.test (agent), admin@guichet.test (admin), \
                     nouveau@acme.test (must change the password)",
                    demo::DEMO_PASSWORD
                );
            }
            application
                .run_until_stopped()
                .await
                .map_err(|e| e.to_string())
        }
    }
}
