//! The server's one error type. Handlers and services return `Result<_, ApiError>`; the
//! conversion to an HTTP answer happens here only, as RFC 9457 problem+json. Causes of
//! 5xx answers are logged, never sent. A database error is a 500, except the violation of
//! a unique index that [`UNIQUE_MEMBERS`] names: that is the client's, answered as such.
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use guichet_types::policy::{Forbidden, InvalidTransition};
use guichet_types::{FieldError, Problem, TicketStatus};

/// How long a client waits before sending a file again to a store that did not answer.
const STORAGE_RETRY_AFTER_SECS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("invalid fields")]
    Validation(Vec<FieldError>),
    #[error("body too large")]
    PayloadTooLarge { limit: usize },
    /// The body is not of the one type the endpoint reads.
    #[error("unsupported media type, expected {0}")]
    UnsupportedMediaType(&'static str),
    #[error("authentication required")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// An API token without the scope the operation needs (its wire name), or a token
    /// where only a signed-in session may act (`None`).
    #[error("insufficient scope")]
    InsufficientScope(Option<guichet_types::TokenScope>),
    /// An assisted session (an agent acting as a customer) calls what the shared table
    /// `guichet_types::policy::assisted_may` keeps from it.
    #[error("not in an assisted session")]
    AssistedForbidden,
    /// A customer whose company has no contract valid today opens a ticket; the detail
    /// says how to reach the provider.
    #[error("no valid contract")]
    NoValidContract(String),
    #[error("not found")]
    NotFound,
    #[error("invalid transition from {0}")]
    InvalidTransition(TicketStatus),
    /// A unique value another row holds (a service code, an address): 409 `conflict`
    /// naming the member.
    #[error("{0} taken")]
    Taken(&'static str),
    /// A state conflict other than a transition, e.g. `already_rated`.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: String },
    #[error("If-Match required")]
    PreconditionRequired,
    #[error("stale If-Match")]
    PreconditionFailed,
    #[error("too many attempts")]
    Throttled { retry_after_secs: u64 },
    /// Beyond a rate limit of the API (`rate_limit`).
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// The database could not be reached, or no connection of the pool freed up within
    /// its short wait: the client's retry will likely succeed (503 with `Retry-After`).
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(String),
    /// The attachment store is full or cannot be written (the cause, logged): 507.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The attachment store did not answer or refused (the cause, logged): 503.
    #[error("storage unavailable: {0}")]
    StorageUnavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

/// The wait a client is told before it tries again while the database is unavailable.
const DATABASE_RETRY_AFTER_SECS: u64 = 5;

impl ApiError {
    pub fn field(field: &str, code: &str, message: &str) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError::Internal(cause.to_string())
    }

    pub fn problem(&self) -> Problem {
        match self {
            ApiError::MalformedJson(detail) => {
                Problem::new(400, "malformed_json", "The body is not valid JSON")
                    .with_detail(detail.clone())
            }
            ApiError::Validation(errors) => Problem::validation(errors.clone()),
            ApiError::PayloadTooLarge { limit } => {
                Problem::new(413, "payload_too_large", "The body is too large")
                    .with_detail(format!("at most {limit} bytes"))
            }
            ApiError::UnsupportedMediaType(expected) => {
                Problem::new(415, "unsupported_media_type", "Unsupported media type")
                    .with_detail(format!("send {expected}"))
            }
            ApiError::Unauthenticated => {
                Problem::new(401, "unauthenticated", "Authentication required")
                    .with_detail("send a valid access token as Authorization: Bearer")
            }
            ApiError::InvalidCredentials => {
                Problem::new(401, "invalid_credentials", "Invalid credentials")
                    .with_detail("wrong email or password")
            }
            ApiError::PasswordChangeRequired => {
                Problem::new(403, "password_change_required", "Password change required")
                    .with_detail("change your password with POST /api/v1/me/password first")
            }
            ApiError::Forbidden(detail) => {
                Problem::new(403, "forbidden", "Forbidden").with_detail(detail.clone())
            }
            ApiError::InsufficientScope(scope) => {
                let detail = match scope {
                    Some(scope) => format!("this needs a token with the scope {scope}"),
                    None => "API tokens cannot do this: sign in with a password".to_owned(),
                };
                Problem::new(403, "insufficient_scope", "Insufficient scope").with_detail(detail)
            }
            ApiError::AssistedForbidden => Problem::new(
                403,
                "assisted_session_forbidden",
                "Not allowed in an assisted session",
            )
            .with_detail(
                "an assisted session may act on its ticket only, never on the customer's credentials, profile, tokens or grants",
            ),
            ApiError::NoValidContract(detail) => {
                Problem::new(403, "no_valid_contract", "No valid contract")
                    .with_detail(detail.clone())
            }
            ApiError::NotFound => Problem::new(404, "not_found", "Not found"),
            ApiError::InvalidTransition(current) => Problem {
                current_status: Some(*current),
                ..Problem::new(409, "invalid_transition", "This change is not possible now")
                    .with_detail(format!("the ticket is {current}"))
            },
            ApiError::Taken(member) => Problem {
                errors: Some(vec![FieldError::new(
                    *member,
                    "taken",
                    "another one already has this value",
                )]),
                ..Problem::new(409, "conflict", "This value is taken")
                    .with_detail(format!("another one already has this {member}"))
            },
            ApiError::Conflict { code, detail } => {
                Problem::new(409, code, "Conflict").with_detail(detail.clone())
            }
            ApiError::PreconditionRequired => {
                Problem::new(428, "precondition_required", "If-Match required")
                    .with_detail("send the ticket's ETag in If-Match")
            }
            ApiError::PreconditionFailed => {
                Problem::new(412, "precondition_failed", "The ticket changed meanwhile")
                    .with_detail("reload the ticket and apply the change again")
            }
            ApiError::Throttled { retry_after_secs } => Problem {
                retry_after: Some(*retry_after_secs),
                ..Problem::new(429, "too_many_requests", "Too many attempts")
                    .with_detail(format!("retry in {retry_after_secs} seconds"))
            },
            ApiError::RateLimited { retry_after_secs } => Problem {
                retry_after: Some(*retry_after_secs),
                ..Problem::new(429, "rate_limited", "Too many requests").with_detail(format!(
                    "over the rate limit; retry in {retry_after_secs} seconds"
                ))
            },
            ApiError::DatabaseUnavailable(_) => Problem {
                retry_after: Some(DATABASE_RETRY_AFTER_SECS),
                ..Problem::new(503, "database_unavailable", "The database is unavailable")
                    .with_detail(format!(
                        "nothing was changed; retry in {DATABASE_RETRY_AFTER_SECS} seconds"
                    ))
            },
            ApiError::StorageFull(_) => {
                Problem::new(507, "storage_full", "The file store is full").with_detail(
                    "nothing was stored; the file can be sent again once an administrator made room",
                )
            }
            ApiError::StorageUnavailable(_) => Problem {
                retry_after: Some(STORAGE_RETRY_AFTER_SECS),
                ..Problem::new(503, "storage_unavailable", "The file store is unavailable")
                    .with_detail(format!(
                        "nothing was stored; retry in {STORAGE_RETRY_AFTER_SECS} seconds"
                    ))
            },
            ApiError::Internal(_) => Problem::new(500, "internal_error", "Internal error"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(%cause, "internal error"),
            ApiError::DatabaseUnavailable(cause) => {
                tracing::warn!(%cause, "database unavailable")
            }
            ApiError::StorageFull(cause) => tracing::error!(%cause, "attachment store full"),
            ApiError::StorageUnavailable(cause) => {
                tracing::error!(%cause, "attachment store unavailable");
            }
            _ => {}
        }
        let problem = self.problem();
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            ApiError::Unauthenticated | ApiError::InvalidCredentials => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"guichet\""));
            }
            // RFC 6750 §3: the scope the token lacks, for clients that read the header.
            ApiError::InsufficientScope(Some(scope)) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(
                        "Bearer realm=\"guichet\", error=\"insufficient_scope\", scope=\"{scope}\""
                    ),
                ));
            }
            ApiError::Throttled { retry_after_secs }
            | ApiError::RateLimited { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::DatabaseUnavailable(_) => {
                response
                    .insert_header((header::RETRY_AFTER, DATABASE_RETRY_AFTER_SECS.to_string()));
            }
            ApiError::StorageUnavailable(_) => {
                response.insert_header((header::RETRY_AFTER, STORAGE_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        response.json(problem)
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        if let Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) = error.sql_err() {
            if let Some(named) = unique_violation(&message) {
                return named;
            }
        }
        match database_fault(&error) {
            Some(DatabaseFault::Unavailable) => ApiError::DatabaseUnavailable(error.to_string()),
            Some(DatabaseFault::Full) => ApiError::StorageFull(error.to_string()),
            None => ApiError::Internal(error.to_string()),
        }
    }
}

/// A database error that is not the statement's fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseFault {
    /// Unreachable: no connection freed up in time, the connection broke (a restart, a network
    /// cut), or the server refuses work for now (503).
    Unavailable,
    /// Its disk is full: nothing was written (507).
    Full,
}

pub fn database_fault(error: &sea_orm::DbErr) -> Option<DatabaseFault> {
    use sea_orm::{DbErr, RuntimeErr};
    let sqlx = match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return Some(DatabaseFault::Unavailable),
        DbErr::Exec(RuntimeErr::SqlxError(sqlx)) | DbErr::Query(RuntimeErr::SqlxError(sqlx)) => {
            sqlx
        }
        _ => return None,
    };
    match sqlx {
        sea_orm::sqlx::Error::Io(_)
        | sea_orm::sqlx::Error::Tls(_)
        | sea_orm::sqlx::Error::PoolTimedOut
        | sea_orm::sqlx::Error::PoolClosed
        | sea_orm::sqlx::Error::WorkerCrashed => Some(DatabaseFault::Unavailable),
        sea_orm::sqlx::Error::Database(database) => database
            .code()
            .and_then(|code| fault_of_code(code.as_ref())),
        _ => None,
    }
}

/// PostgreSQL's disk_full (53100) and SQLite's SQLITE_FULL (primary code 13) are a full disk.
fn fault_of_code(code: &str) -> Option<DatabaseFault> {
    let sqlite_full = code.parse::<u32>().is_ok_and(|sqlite| sqlite & 0xff == 13);
    if code == "53100" || sqlite_full {
        Some(DatabaseFault::Full)
    } else if unavailable_code(code) {
        Some(DatabaseFault::Unavailable)
    } else {
        None
    }
}

/// PostgreSQL's SQLSTATEs of a server going away or refusing connections for now (class 08,
/// connection exceptions; 57P01–57P03, shut down or starting; 53300, too many connections),
/// and SQLite's busy and locked results once its busy timeout has passed (primary codes 5
/// and 6, whatever the extended code).
fn unavailable_code(code: &str) -> bool {
    if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300") {
        return true;
    }
    code.parse::<u32>()
        .is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6))
}

/// A unique index whose violation is the client's doing, by its names on each database,
/// and the answer that names the member.
struct UniqueMember {
    /// The constraint or index, as PostgreSQL names it.
    postgres: &'static str,
    /// The indexed columns, as SQLite names them (`table.column, table.column`).
    sqlite: &'static str,
    answer: fn() -> ApiError,
}

/// The unique indexes a request can run into, found by reading the migrations. The others
/// (ticket numbers, tokens, Message-IDs, idempotency keys, a watcher of a ticket) are
/// checked or retried by the code that writes them, so a violation there is a bug: a 500.
const UNIQUE_MEMBERS: &[UniqueMember] = &[
    // Two accounts, or a change of address, meeting on one address (also at once).
    UniqueMember {
        postgres: "users_email_key",
        sqlite: "users.email",
        answer: || ApiError::Taken("email"),
    },
    UniqueMember {
        postgres: "companies_service_code_key",
        sqlite: "companies.service_code",
        answer: || ApiError::Taken("service_code"),
    },
    UniqueMember {
        postgres: "articles_slug_key",
        sqlite: "articles.slug",
        answer: || ApiError::Taken("slug"),
    },
    // A known contact is once per company.
    UniqueMember {
        postgres: "company_contacts_company_id_email_key",
        sqlite: "company_contacts.company_id, company_contacts.email",
        answer: || ApiError::Taken("email"),
    },
];

/// The answer naming the member of a unique violation, from the database's message:
/// PostgreSQL `duplicate key value violates unique constraint "users_email_key"`, SQLite
/// `UNIQUE constraint failed: users.email`.
fn unique_violation(message: &str) -> Option<ApiError> {
    let postgres = message
        .split_once("unique constraint \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(name, _)| name);
    let sqlite = message.strip_prefix("UNIQUE constraint failed: ");
    UNIQUE_MEMBERS
        .iter()
        .find(|member| postgres == Some(member.postgres) || sqlite == Some(member.sqlite))
        .map(|member| (member.answer)())
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(error: sea_orm::TransactionError<ApiError>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// The policy's first layer: who the caller is to the ticket (403, with its reason).
impl From<Forbidden> for ApiError {
    fn from(refusal: Forbidden) -> Self {
        ApiError::Forbidden(refusal.reason.to_owned())
    }
}

/// The policy's second layer: the state machine (409, with the current status).
impl From<InvalidTransition> for ApiError {
    fn from(refusal: InvalidTransition) -> Self {
        ApiError::InvalidTransition(refusal.current)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use guichet_types::policy::{next_status, who_may, Action, Move, TicketFacts, Viewer};
    use guichet_types::{CompanyId, Role, TicketStatus, UserId};

    #[test]
    fn the_policy_s_refusals_become_403_and_409() {
        let colleague = Viewer {
            id: UserId(3),
            role: Role::Customer,
            company: Some(CompanyId(1)),
        };
        let ticket = TicketFacts {
            status: TicketStatus::Closed,
            requester: UserId(1),
            company: CompanyId(1),
            assignee: None,
            rated: false,
        };
        let forbidden = who_may(&colleague, &ticket, Action::Withdraw)
            .map_err(ApiError::from)
            .err()
            .map(|e| e.problem());
        assert_eq!(
            forbidden.map(|p| (p.status, p.code, p.detail)),
            Some((
                403,
                "forbidden".to_owned(),
                Some("only the requester withdraws a ticket".to_owned())
            ))
        );
        let conflict = next_status(ticket.status, Move::Withdraw)
            .map_err(ApiError::from)
            .err()
            .map(|e| e.problem());
        assert_eq!(
            conflict.map(|p| (p.status, p.current_status)),
            Some((409, Some(TicketStatus::Closed)))
        );
    }

    fn named(message: &str) -> Option<(u16, String, Vec<FieldError>)> {
        let problem = unique_violation(message)?.problem();
        Some((
            problem.status,
            problem.code,
            problem.errors.unwrap_or_default(),
        ))
    }

    #[test]
    fn a_taken_value_is_a_409_naming_it_on_both_databases() {
        for (message, member) in [
            (
                "duplicate key value violates unique constraint \"users_email_key\"",
                "email",
            ),
            ("UNIQUE constraint failed: users.email", "email"),
            (
                "duplicate key value violates unique constraint \"companies_service_code_key\"",
                "service_code",
            ),
            (
                "UNIQUE constraint failed: companies.service_code",
                "service_code",
            ),
            (
                "duplicate key value violates unique constraint \"articles_slug_key\"",
                "slug",
            ),
            ("UNIQUE constraint failed: articles.slug", "slug"),
        ] {
            let (status, code, errors) = named(message).expect(message);
            assert_eq!((status, code.as_str()), (409, "conflict"), "{message}");
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, [member], "{message}");
        }
    }

    #[test]
    fn unreachable_databases_are_503_and_bad_statements_500() {
        use sea_orm::{DbErr, RuntimeErr};
        let io = || {
            sea_orm::sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
        };
        let unavailable = [
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout),
            DbErr::Conn(RuntimeErr::Internal("refused".into())),
            DbErr::Exec(RuntimeErr::SqlxError(io())),
            DbErr::Query(RuntimeErr::SqlxError(sea_orm::sqlx::Error::PoolTimedOut)),
        ];
        for error in unavailable {
            let answer = ApiError::from(error);
            assert_eq!(answer.problem().status, 503, "{answer}");
            assert_eq!(answer.problem().code, "database_unavailable");
            assert_eq!(
                answer.problem().retry_after,
                Some(DATABASE_RETRY_AFTER_SECS)
            );
        }
        let wrong = ApiError::from(DbErr::Query(RuntimeErr::Internal("syntax".into())));
        assert_eq!(wrong.problem().status, 500);
        for code in ["57P01", "08006", "53300", "5", "517", "6"] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["23505", "42P01", "19", "2067", "13"] {
            assert!(!unavailable_code(code), "{code}");
        }
        for code in ["13", "53100"] {
            assert_eq!(fault_of_code(code), Some(DatabaseFault::Full), "{code}");
        }
        assert_eq!(fault_of_code("23505"), None);
    }

    #[test]
    fn other_unique_indexes_stay_internal() {
        for message in [
            "duplicate key value violates unique constraint \"tickets_number_key\"",
            "UNIQUE constraint failed: ticket_watchers.ticket_id, ticket_watchers.email",
            "UNIQUE constraint failed: users.email_backup",
            "duplicate key value violates unique constraint \"users_email_key_old\"",
        ] {
            assert!(unique_violation(message).is_none(), "{message}");
        }
    }
}
