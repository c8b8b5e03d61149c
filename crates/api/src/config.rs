//! Typed settings, read once at start from an optional file and `GUICHET_*` variables.
//! A bad value stops the start with a message naming the variable.
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use guichet_types::{TicketForm, UrgencyFor};

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub public_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub support_email: String,
    /// `None` until [`Settings::ensure_token_key`] generated or loaded it.
    pub token_key: Option<Secret>,
    /// The bearer token of the HTTP mail gateway (`POST /inbound-email`); unset, that
    /// endpoint refuses everything and only `guichet mail-ingest` takes mail.
    pub inbound_token: Option<Secret>,
    /// The bearer token of `GET /metrics`; unset, that route does not exist.
    pub metrics_token: Option<Secret>,
    pub attachment_max_bytes: u64,
    /// Where attachment bytes are kept (`GUICHET_STORAGE_URL`).
    pub storage: StorageUrl,
    /// How long a presigned download URL lives (`GUICHET_STORAGE_PRESIGN`); `None`: the
    /// server streams downloads itself. Only with an S3 store.
    pub storage_presign: Option<Duration>,
    /// The S3 endpoint, region and credentials (`AWS_*`), for an `s3://` store.
    pub aws: AwsSettings,
    pub auto_close_after: Duration,
    /// How long the job worker holds the jobs it claimed (mails among them) before another
    /// may take them over: the delay before a job whose worker died is run by another.
    pub mail_lease: Duration,
    pub time_zone: chrono_tz::Tz,
    pub web_dir: PathBuf,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// How many tickets, the first in the list's order, a search over every ticket reads one
    /// by one before it searches them all (`tickets::queries::searched`). Only the cost
    /// depends on it, never the result.
    pub search_walk: u64,
    /// Failed sign-ins from one client address (any accounts) within 15 minutes before that
    /// address waits: high, since a whole office may share one address.
    pub sign_in_address_limit: u64,
    /// Which tickets take an urgency from the customer: all, or incidents only.
    pub urgency_for: UrgencyFor,
    /// Webhook endpoints may be `http://` (`GUICHET_WEBHOOK_ALLOW_HTTP=true`); else https only.
    pub webhook_allow_http: bool,
    /// Addresses webhooks may reach although they are loopback, private, link-local…
    /// (`GUICHET_WEBHOOK_ALLOW_PRIVATE`: a comma-separated list of addresses or CIDRs).
    pub webhook_allow_private: Vec<ipnet::IpNet>,
    /// API requests per minute per credential (bearer token or session) across the
    /// installation; 0: no limit.
    pub rate_limit_per_minute: u32,
    /// API requests per minute per client address across the installation; 0: no limit.
    pub rate_limit_address_per_minute: u32,
    /// How many instances serve the installation: each one enforces its share of the limits
    /// above, in its own memory (`rate_limit`).
    pub instances: u32,
    /// The reverse proxies whose `Forwarded` / `X-Forwarded-For` are believed for the client
    /// address (`GUICHET_TRUSTED_PROXIES`: addresses or CIDRs); empty: the TCP peer's.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The back-end of attachment bytes: a `GUICHET_STORAGE_URL`, or the `--to` of
/// `guichet storage copy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    /// Files in this directory (default: `GUICHET_DATA_DIR/attachments/`).
    Local(PathBuf),
    /// `memory:`: in this process's memory, lost when it stops; for tests and trials only.
    Memory,
    /// `s3://bucket/prefix`: objects under `prefix/` (may be empty) in the bucket.
    S3 { bucket: String, prefix: String },
}

impl StorageUrl {
    /// A directory path (or `file://` URL), `memory:` or `s3://bucket/prefix`.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value == "memory:" {
            return Ok(Self::Memory);
        }
        if let Some(rest) = value.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let valid_bucket = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                });
            if !valid_bucket {
                return Err("expected s3://bucket/prefix with a bucket name of 3 to 63 \
                     lowercase letters, digits, dots or hyphens"
                    .to_owned());
            }
            return Ok(Self::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.trim_matches('/').to_owned(),
            });
        }
        if let Some(path) = value.strip_prefix("file://") {
            return Ok(Self::Local(PathBuf::from(path)));
        }
        if value.is_empty() || value.contains("://") {
            return Err("expected a directory, memory: or s3://bucket/prefix".to_owned());
        }
        Ok(Self::Local(PathBuf::from(value)))
    }
}

impl std::fmt::Display for StorageUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Local(path) => write!(f, "{}", path.display()),
            Self::Memory => f.write_str("memory:"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// The standard AWS variables an S3 store is built from; the secrets never print.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// `AWS_ENDPOINT_URL`: another S3-compatible service than AWS (MinIO, Garage, …).
    pub endpoint: Option<String>,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`).
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    pub session_token: Option<Secret>,
    /// `AWS_ALLOW_HTTP=true`: a plain-http endpoint is accepted.
    pub allow_http: bool,
    /// `AWS_VIRTUAL_HOSTED_STYLE_REQUEST=true`: `bucket.host/key` rather than the default
    /// path style `host/bucket/key`, which every S3-compatible server takes.
    pub virtual_hosted_style: bool,
}

impl Secret {
    /// The secret as text, for the few clients that take it so.
    pub fn expose_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// Every bad setting, one per line.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

const DEFAULT_DATABASE_URL: &str = "sqlite://guichet.db?mode=rwc";
const TOKEN_KEY_FILE: &str = "token.key";

impl Settings {
    /// Settings from the process environment, over the file named by `GUICHET_CONFIG_FILE`
    /// (lines of `GUICHET_NAME=value`).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_map(&environment()?)
    }

    /// Settings from explicit values (tests use this).
    pub fn from_map(values: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |key: &str| {
            values
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let mut errors = Vec::new();

        let bind = parse_or(
            &mut errors,
            "GUICHET_BIND",
            get("GUICHET_BIND"),
            "127.0.0.1:8080".parse().ok(),
            |v| {
                v.parse::<SocketAddr>()
                    .map_err(|_| "expected an address such as 127.0.0.1:8080".to_owned())
            },
        );
        let database_url = get("GUICHET_DATABASE_URL")
            .unwrap_or(DEFAULT_DATABASE_URL)
            .to_owned();
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            errors.push("GUICHET_DATABASE_URL: expected a sqlite:// or postgres:// URL".to_owned());
        }
        let data_dir = get("GUICHET_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_data_dir(&database_url));
        let public_url = get("GUICHET_PUBLIC_URL")
            .map(|v| v.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| {
                format!(
                    "http://{}",
                    bind.unwrap_or_else(|| ([127, 0, 0, 1], 8080).into())
                )
            });
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            errors.push("GUICHET_PUBLIC_URL: expected an http:// or https:// URL".to_owned());
        }
        let smtp_url = get("GUICHET_SMTP_URL").map(str::to_owned);
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                errors.push("GUICHET_SMTP_URL: expected an smtp:// or smtps:// URL".to_owned());
            }
        }
        let mail_from = get("GUICHET_MAIL_FROM")
            .unwrap_or("Guichet <support@guichet.test>")
            .to_owned();
        let support_email = get("GUICHET_SUPPORT_EMAIL")
            .unwrap_or("support@guichet.test")
            .to_owned();
        let token_key = match get("GUICHET_TOKEN_KEY") {
            Some(key) if key.len() < 32 => {
                errors.push("GUICHET_TOKEN_KEY: must be at least 32 characters".to_owned());
                None
            }
            Some(key) => Some(Secret(key.as_bytes().to_vec())),
            None => None,
        };
        let inbound_token = match get("GUICHET_INBOUND_TOKEN") {
            Some(token) if token.len() < 32 => {
                errors.push("GUICHET_INBOUND_TOKEN: must be at least 32 characters".to_owned());
                None
            }
            token => token.map(|t| Secret(t.as_bytes().to_vec())),
        };
        let metrics_token = match get("GUICHET_METRICS_TOKEN") {
            Some(token) if token.len() < 32 => {
                errors.push("GUICHET_METRICS_TOKEN: must be at least 32 characters".to_owned());
                None
            }
            token => token.map(|t| Secret(t.as_bytes().to_vec())),
        };
        let attachment_max_bytes = parse_or(
            &mut errors,
            "GUICHET_ATTACHMENT_MAX_BYTES",
            get("GUICHET_ATTACHMENT_MAX_BYTES"),
            Some(guichet_types::ATTACHMENT_MAX_BYTES_DEFAULT),
            |v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| "expected a positive number of bytes".to_owned())
            },
        );
        let storage = parse_or(
            &mut errors,
            "GUICHET_STORAGE_URL",
            get("GUICHET_STORAGE_URL"),
            Some(StorageUrl::Local(data_dir.join("attachments"))),
            StorageUrl::parse,
        );
        let storage_presign = parse_or(
            &mut errors,
            "GUICHET_STORAGE_PRESIGN",
            get("GUICHET_STORAGE_PRESIGN"),
            Some(None),
            parse_presign,
        );
        let aws = aws_settings(&mut errors, &get);
        let plain_http = aws
            .endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"));
        match (&storage, &storage_presign) {
            (Some(StorageUrl::S3 { .. }), _) if plain_http && !aws.allow_http => errors.push(
                "AWS_ENDPOINT_URL: a plain http:// endpoint needs AWS_ALLOW_HTTP=true".to_owned(),
            ),
            (Some(StorageUrl::Local(_) | StorageUrl::Memory), Some(Some(_))) => errors.push(
                "GUICHET_STORAGE_PRESIGN: presigned downloads need an s3:// GUICHET_STORAGE_URL"
                    .to_owned(),
            ),
            _ => {}
        }
        let auto_close_after = parse_or(
            &mut errors,
            "GUICHET_AUTO_CLOSE_AFTER",
            get("GUICHET_AUTO_CLOSE_AFTER"),
            Some(Duration::from_secs(7 * 86_400)),
            parse_duration,
        );
        let mail_lease = parse_or(
            &mut errors,
            "GUICHET_MAIL_LEASE",
            get("GUICHET_MAIL_LEASE"),
            Some(Duration::from_secs(120)),
            parse_duration,
        );
        let time_zone = parse_or(
            &mut errors,
            "GUICHET_TIME_ZONE",
            get("GUICHET_TIME_ZONE"),
            Some(chrono_tz::UTC),
            |v| {
                v.parse::<chrono_tz::Tz>()
                    .map_err(|_| "expected an IANA time zone such as Europe/Paris".to_owned())
            },
        );
        let web_dir = get("GUICHET_WEB_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(default_web_dir);
        let workers = parse_or(
            &mut errors,
            "GUICHET_WORKERS",
            get("GUICHET_WORKERS"),
            Some(0),
            |v| {
                v.parse::<usize>()
                    .map_err(|_| "expected a number of threads".to_owned())
            },
        );
        let search_walk = parse_or(
            &mut errors,
            "GUICHET_SEARCH_WALK",
            get("GUICHET_SEARCH_WALK"),
            Some(3_000),
            |v| match v.parse::<u64>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err("expected a number of tickets, at least 1".to_owned()),
            },
        );
        let sign_in_address_limit = parse_or(
            &mut errors,
            "GUICHET_SIGN_IN_ADDRESS_LIMIT",
            get("GUICHET_SIGN_IN_ADDRESS_LIMIT"),
            Some(100),
            |v| match v.parse::<u64>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err("expected a number of failed sign-ins, at least 1".to_owned()),
            },
        );
        let urgency_for = parse_or(
            &mut errors,
            "GUICHET_URGENCY_FOR",
            get("GUICHET_URGENCY_FOR"),
            Some(UrgencyFor::All),
            |v| UrgencyFor::parse(v).ok_or_else(|| "expected all or incidents".to_owned()),
        );
        let webhook_allow_http = parse_or(
            &mut errors,
            "GUICHET_WEBHOOK_ALLOW_HTTP",
            get("GUICHET_WEBHOOK_ALLOW_HTTP"),
            Some(false),
            parse_bool,
        );
        let webhook_allow_private = parse_or(
            &mut errors,
            "GUICHET_WEBHOOK_ALLOW_PRIVATE",
            get("GUICHET_WEBHOOK_ALLOW_PRIVATE"),
            Some(Vec::new()),
            parse_networks,
        );
        let mut count = |name: &str, default: u32, least: u32| {
            parse_or(&mut errors, name, get(name), Some(default), |v| {
                match v.parse::<u32>() {
                    Ok(n) if n >= least => Ok(n),
                    _ => Err(format!("expected a whole number, at least {least}")),
                }
            })
        };
        let rate_limit_per_minute = count("GUICHET_RATE_LIMIT_PER_MINUTE", 1_200, 0);
        let rate_limit_address_per_minute =
            count("GUICHET_RATE_LIMIT_ADDRESS_PER_MINUTE", 3_000, 0);
        let instances = count("GUICHET_INSTANCES", 1, 1);
        let trusted_proxies = parse_or(
            &mut errors,
            "GUICHET_TRUSTED_PROXIES",
            get("GUICHET_TRUSTED_PROXIES"),
            Some(Vec::new()),
            parse_networks,
        );

        match (
            bind,
            attachment_max_bytes,
            storage,
            storage_presign,
            auto_close_after,
            mail_lease,
            time_zone,
            workers,
            search_walk,
            sign_in_address_limit,
            urgency_for,
            webhook_allow_http,
            webhook_allow_private,
            rate_limit_per_minute,
            rate_limit_address_per_minute,
            instances,
            trusted_proxies,
        ) {
            (
                Some(bind),
                Some(attachment_max_bytes),
                Some(storage),
                Some(storage_presign),
                Some(auto_close_after),
                Some(mail_lease),
                Some(time_zone),
                Some(workers),
                Some(search_walk),
                Some(sign_in_address_limit),
                Some(urgency_for),
                Some(webhook_allow_http),
                Some(webhook_allow_private),
                Some(rate_limit_per_minute),
                Some(rate_limit_address_per_minute),
                Some(instances),
                Some(trusted_proxies),
            ) if errors.is_empty() => Ok(Self {
                bind,
                database_url,
                data_dir,
                public_url,
                smtp_url,
                mail_from,
                support_email,
                token_key,
                inbound_token,
                metrics_token,
                attachment_max_bytes,
                storage,
                storage_presign,
                aws,
                auto_close_after,
                mail_lease,
                time_zone,
                web_dir,
                workers,
                search_walk,
                sign_in_address_limit,
                urgency_for,
                webhook_allow_http,
                webhook_allow_private,
                rate_limit_per_minute,
                rate_limit_address_per_minute,
                instances,
                trusted_proxies,
            }),
            _ => Err(ConfigError(errors)),
        }
    }

    /// The new-ticket form's set-up, as `GET /me` tells the SPA.
    pub fn ticket_form(&self) -> TicketForm {
        TicketForm {
            urgency_for: self.urgency_for,
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// Loads the signing key, generating and storing one under the data dir the first time.
    pub fn ensure_token_key(&mut self) -> std::io::Result<()> {
        if self.token_key.is_some() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.data_dir)?;
        let path = self.data_dir.join(TOKEN_KEY_FILE);
        let engine = base64::engine::general_purpose::STANDARD;
        let key = match std::fs::read_to_string(&path) {
            Ok(text) => engine.decode(text.trim()).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 64];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
                write_private(&path, engine.encode(key).as_bytes())?;
                key.to_vec()
            }
            Err(e) => return Err(e),
        };
        self.token_key = Some(Secret(key));
        Ok(())
    }
}

/// The `GUICHET_*` values of the process environment, over the file named by
/// `GUICHET_CONFIG_FILE` (lines of `GUICHET_NAME=value`).
fn environment() -> Result<HashMap<String, String>, ConfigError> {
    let mut values = HashMap::new();
    if let Ok(path) = std::env::var("GUICHET_CONFIG_FILE") {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            ConfigError(vec![format!(
                "GUICHET_CONFIG_FILE: cannot read {path}: {e}"
            )])
        })?;
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            if let Some((key, value)) = line.split_once('=') {
                values.insert(
                    key.trim().to_owned(),
                    value.trim().trim_matches('"').to_owned(),
                );
            }
        }
    }
    values.extend(
        std::env::vars().filter(|(k, _)| k.starts_with("GUICHET_") || k.starts_with("AWS_")),
    );
    Ok(values)
}

/// How log lines are written on standard error (`GUICHET_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    Text,
    /// One JSON object per line, with the fields of its spans (a request's `request_id`).
    Json,
}

impl LogFormat {
    /// Read apart from [`Settings`], from the same sources, since logging starts before
    /// the settings are read.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_map(&environment()?)
    }

    pub fn from_map(values: &HashMap<String, String>) -> Result<Self, ConfigError> {
        match values.get("GUICHET_LOG_FORMAT").map(|v| v.trim()) {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(ConfigError(vec![format!(
                "GUICHET_LOG_FORMAT: expected text or json (got {other:?})"
            )])),
        }
    }
}

fn parse_or<T>(
    errors: &mut Vec<String>,
    name: &str,
    value: Option<&str>,
    default: Option<T>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    match value {
        None => default,
        Some(value) => match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(message) => {
                errors.push(format!("{name}: {message} (got {value:?})"));
                None
            }
        },
    }
}

/// The standard AWS variables (`AWS_*`), as the AWS tools read them.
fn aws_settings<'a>(
    errors: &mut Vec<String>,
    get: &impl Fn(&str) -> Option<&'a str>,
) -> AwsSettings {
    let mut flag =
        |name: &str| parse_or(errors, name, get(name), Some(false), parse_bool).unwrap_or_default();
    let allow_http = flag("AWS_ALLOW_HTTP");
    let virtual_hosted_style = flag("AWS_VIRTUAL_HOSTED_STYLE_REQUEST");
    let secret = |name: &str| get(name).map(|v| Secret(v.as_bytes().to_vec()));
    AwsSettings {
        endpoint: get("AWS_ENDPOINT_URL")
            .or_else(|| get("AWS_ENDPOINT"))
            .map(|v| v.trim_end_matches('/').to_owned()),
        region: get("AWS_REGION")
            .or_else(|| get("AWS_DEFAULT_REGION"))
            .map(str::to_owned),
        access_key_id: get("AWS_ACCESS_KEY_ID").map(str::to_owned),
        secret_access_key: secret("AWS_SECRET_ACCESS_KEY"),
        session_token: secret("AWS_SESSION_TOKEN"),
        allow_http,
        virtual_hosted_style,
    }
}

/// `GUICHET_STORAGE_PRESIGN`: `false`, `true` (300 s) or how long a URL lives (`90`, `5m`).
fn parse_presign(value: &str) -> Result<Option<Duration>, String> {
    const MAX: Duration = Duration::from_secs(7 * 86_400);
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" => return Ok(Some(Duration::from_secs(300))),
        "false" | "no" => return Ok(None),
        _ => {}
    }
    match parse_duration(value) {
        Ok(lifetime) if !lifetime.is_zero() && lifetime <= MAX => Ok(Some(lifetime)),
        _ => Err("expected true, false or a duration from 1s to 7d such as 300 or 5m".to_owned()),
    }
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err("expected true or false".to_owned()),
    }
}

/// `127.0.0.1, 10.0.0.0/8, ::1`: addresses (one each) or networks.
fn parse_networks(value: &str) -> Result<Vec<ipnet::IpNet>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("{item:?} is not an address or a CIDR such as 10.0.0.0/8"))
        })
        .collect()
}

/// `90`, `90s`, `15m`, `12h` or `7d`.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    let (digits, unit) = value.split_at(
        value
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(value.len()),
    );
    let amount: u64 = digits
        .parse()
        .map_err(|_| "expected a duration such as 30s, 15m, 12h or 7d".to_owned())?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err("expected a duration such as 30s, 15m, 12h or 7d".to_owned()),
    };
    Ok(Duration::from_secs(amount * seconds))
}

fn default_data_dir(database_url: &str) -> PathBuf {
    let sqlite_path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default());
    match sqlite_path.map(Path::new).and_then(Path::parent) {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("guichet-data"),
        _ => PathBuf::from("guichet-data"),
    }
}

/// The SPA built in this checkout (`dist/` at the workspace root), else `./dist`.
fn default_web_dir() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist");
    if built.join("index.html").exists() {
        built
    } else {
        PathBuf::from("dist")
    }
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        Settings::from_map(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn defaults_need_nothing() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert_eq!(s.attachment_max_bytes, 2_097_152);
        assert_eq!(
            s.storage,
            StorageUrl::Local("guichet-data/attachments".into())
        );
        assert_eq!(s.storage_presign, None);
        assert_eq!(s.auto_close_after, Duration::from_secs(604_800));
        assert_eq!(s.search_walk, 3_000);
        assert_eq!(s.urgency_for, UrgencyFor::All);
        assert_eq!(
            (
                s.rate_limit_per_minute,
                s.rate_limit_address_per_minute,
                s.instances
            ),
            (1_200, 3_000, 1)
        );
    }

    #[test]
    fn urgency_for_incidents_only() {
        let s = settings(&[("GUICHET_URGENCY_FOR", "incidents")]).expect("valid");
        assert_eq!(s.ticket_form().urgency_for, UrgencyFor::Incidents);
    }

    #[test]
    fn every_bad_value_is_reported() {
        let error = settings(&[
            ("GUICHET_BIND", "nowhere"),
            ("GUICHET_TIME_ZONE", "Mars/Olympus"),
            ("GUICHET_AUTO_CLOSE_AFTER", "soon"),
            ("GUICHET_SEARCH_WALK", "0"),
            ("GUICHET_URGENCY_FOR", "requests"),
            ("GUICHET_STORAGE_URL", "s3://A_Bucket/x"),
            ("GUICHET_RATE_LIMIT_PER_MINUTE", "-1"),
            ("GUICHET_INSTANCES", "0"),
        ])
        .expect_err("invalid");
        let text = error.to_string();
        for name in [
            "GUICHET_BIND",
            "GUICHET_TIME_ZONE",
            "GUICHET_AUTO_CLOSE_AFTER",
            "GUICHET_SEARCH_WALK",
            "GUICHET_URGENCY_FOR",
            "GUICHET_STORAGE_URL",
            "GUICHET_RATE_LIMIT_PER_MINUTE",
            "GUICHET_INSTANCES",
        ] {
            assert!(text.contains(name), "{text}");
        }
    }

    #[test]
    fn webhook_settings() {
        let s = settings(&[]).expect("defaults");
        assert!(!s.webhook_allow_http);
        assert!(s.webhook_allow_private.is_empty());
        let s = settings(&[
            ("GUICHET_WEBHOOK_ALLOW_HTTP", "true"),
            ("GUICHET_WEBHOOK_ALLOW_PRIVATE", "127.0.0.1, 10.0.0.0/8,::1"),
        ])
        .expect("valid");
        assert!(s.webhook_allow_http);
        let listed: Vec<String> = s
            .webhook_allow_private
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(listed, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        let error = settings(&[
            ("GUICHET_WEBHOOK_ALLOW_HTTP", "perhaps"),
            ("GUICHET_WEBHOOK_ALLOW_PRIVATE", "10.0.0.0/8,intranet"),
        ])
        .expect_err("invalid")
        .to_string();
        assert!(error.contains("GUICHET_WEBHOOK_ALLOW_HTTP"), "{error}");
        assert!(error.contains("intranet"), "{error}");
    }

    #[test]
    fn storage_urls() {
        assert_eq!(StorageUrl::parse("memory:"), Ok(StorageUrl::Memory));
        assert_eq!(
            StorageUrl::parse("/srv/guichet/files"),
            Ok(StorageUrl::Local("/srv/guichet/files".into()))
        );
        assert_eq!(
            StorageUrl::parse("file:///srv/files"),
            Ok(StorageUrl::Local("/srv/files".into()))
        );
        assert_eq!(
            StorageUrl::parse("s3://guichet-files/prod/attachments/"),
            Ok(StorageUrl::S3 {
                bucket: "guichet-files".into(),
                prefix: "prod/attachments".into()
            })
        );
        assert_eq!(
            StorageUrl::parse("s3://guichet-files"),
            Ok(StorageUrl::S3 {
                bucket: "guichet-files".into(),
                prefix: String::new()
            })
        );
        for bad in ["s3://", "s3://Bad_Bucket/x", "gs://bucket/x", ""] {
            assert!(StorageUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn s3_settings_from_the_aws_variables() {
        let s = settings(&[
            ("GUICHET_STORAGE_URL", "s3://guichet-files/attachments"),
            ("GUICHET_STORAGE_PRESIGN", "true"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"),
            ("AWS_ALLOW_HTTP", "true"),
            ("AWS_REGION", "eu-west-3"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-very-secret"),
        ])
        .expect("valid");
        assert_eq!(s.storage_presign, Some(Duration::from_secs(300)));
        assert_eq!(s.aws.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(s.aws.region.as_deref(), Some("eu-west-3"));
        assert!(s.aws.allow_http && !s.aws.virtual_hosted_style);
        let printed = format!("{s:?}");
        assert!(!printed.contains("very-secret"), "{printed}");

        let error = settings(&[
            ("GUICHET_STORAGE_URL", "s3://guichet-files"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
        ])
        .expect_err("plain http needs AWS_ALLOW_HTTP")
        .to_string();
        assert!(error.contains("AWS_ALLOW_HTTP"), "{error}");
    }

    #[test]
    fn presigning_needs_s3() {
        let error = settings(&[("GUICHET_STORAGE_PRESIGN", "5m")])
            .expect_err("a local store cannot presign")
            .to_string();
        assert!(error.contains("GUICHET_STORAGE_PRESIGN"), "{error}");
        assert_eq!(parse_presign("90"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(parse_presign("false"), Ok(None));
        assert!(parse_presign("0").is_err());
        assert!(parse_presign("30d").is_err());
    }

    #[test]
    fn trusted_proxies() {
        assert!(settings(&[]).expect("defaults").trusted_proxies.is_empty());
        let s = settings(&[("GUICHET_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::1")]).expect("valid");
        let listed: Vec<String> = s.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(listed, ["10.0.0.0/8", "2001:db8::1/128"]);
        let error = settings(&[("GUICHET_TRUSTED_PROXIES", "10.0.0.0/33")])
            .expect_err("invalid")
            .to_string();
        assert!(error.contains("GUICHET_TRUSTED_PROXIES"), "{error}");
    }

    #[test]
    fn log_format() {
        let format = |value: &str| {
            LogFormat::from_map(&HashMap::from([(
                "GUICHET_LOG_FORMAT".to_owned(),
                value.to_owned(),
            )]))
        };
        assert_eq!(
            LogFormat::from_map(&HashMap::new()).ok(),
            Some(LogFormat::Text)
        );
        assert_eq!(format("json").ok(), Some(LogFormat::Json));
        assert_eq!(format("text").ok(), Some(LogFormat::Text));
        let error = format("xml").expect_err("invalid").to_string();
        assert!(error.contains("GUICHET_LOG_FORMAT"), "{error}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_duration("7w").is_err());
    }

    #[test]
    fn a_generated_key_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut first = settings(&[("GUICHET_DATA_DIR", dir.path().to_str().unwrap_or_default())])
            .expect("valid");
        first.ensure_token_key().expect("generated");
        let mut second = first.clone();
        second.token_key = None;
        second.ensure_token_key().expect("loaded");
        assert_eq!(first.token_key.map(|k| k.0), second.token_key.map(|k| k.0));
    }
}
