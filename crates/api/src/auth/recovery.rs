//! Accounts by email, as plain functions: the forgotten password and the access request by
//! service code. Both send a link `{public_url}/{page}#token=…` whose token (256 random bits,
//! URL-safe) is stored only as its SHA-256 hash; the token sits in the URL fragment, which
//! browsers never send, so it never reaches a server log. One confirm call sets the password
//! for both links.
//!
//! A request is only stored before the 202 answer (`account_mail_requests`), the same work
//! whatever the address, so the answer's timing tells nothing about it; the
//! `account_mail` job written with it then acts on it in one transaction (token, account,
//! mail in the outbox, the job's end), so an accepted request survives a crash and is acted
//! upon once. At most [`MAX_PER_EMAIL`] accepted
//! requests per address and [`MAX_PER_IP`] per client address within [`WINDOW_MINUTES`]
//! are acted upon; the others are stored as refused and send nothing.
use chrono::{DateTime, Duration, Utc};
use guichet_types::{
    AccessRequest, CompanyId, EmailAddress, Locale, PasswordLinkAccount, PasswordResetConfirm, Role,
};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction,
    DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};

use super::password::LOCKED_HASH;
use super::tokens::{hash_refresh_token, new_refresh_token};
use crate::config::Settings;
use crate::entities::{
    account_mail_requests, account_tokens, companies, company_contacts, jobs, sessions, tickets,
    users,
};
use crate::error::{ApiError, ApiResult};
use crate::jobs::kind::JobKind;
use crate::jobs::queue::{self, Lease, Outcome};
use crate::notifications::account_mail::{self, AccountLink};
use crate::notifications::outbox::{self, OutgoingMail};
use crate::state::AppState;

pub const RESET_LINK_HOURS: i64 = 1;
/// A new account's first link: a day, as the person may read the mail later.
pub const SET_PASSWORD_LINK_HOURS: i64 = 24;
pub const MAX_PER_EMAIL: u64 = 3;
pub const MAX_PER_IP: u64 = 10;
pub const WINDOW_MINUTES: i64 = 15;

impl AccountLink {
    fn purpose(self) -> &'static str {
        match self {
            AccountLink::PasswordReset => "password_reset",
            AccountLink::SetPassword => "set_password",
        }
    }

    fn page(self) -> &'static str {
        match self {
            AccountLink::PasswordReset => "reset-password",
            AccountLink::SetPassword => "set-password",
        }
    }

    fn valid_for(self) -> Duration {
        match self {
            AccountLink::PasswordReset => Duration::hours(RESET_LINK_HOURS),
            AccountLink::SetPassword => Duration::hours(SET_PASSWORD_LINK_HOURS),
        }
    }
}

const PURPOSE_RESET: &str = "password_reset";
const PURPOSE_ACCESS: &str = "access";

/// The payload of an `account_mail` job: the accepted request to act on.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccountMailJob {
    pub request_id: i64,
}

/// A forgotten password: stores the request; the job mails a reset link if `email` has an
/// account.
pub async fn request_password_reset(
    state: &AppState,
    email: &EmailAddress,
    ip: &str,
) -> ApiResult<()> {
    let request = account_mail_requests::ActiveModel {
        purpose: Set(PURPOSE_RESET.to_owned()),
        email: Set(email.to_string()),
        ..Default::default()
    };
    log_request(state, request, ip, Utc::now()).await
}

/// An access request by service code: stores the request; the job acts on it.
pub async fn request_access(
    state: &AppState,
    request: &AccessRequest,
    ip: &str,
    locale: Locale,
) -> ApiResult<()> {
    let request = account_mail_requests::ActiveModel {
        purpose: Set(PURPOSE_ACCESS.to_owned()),
        email: Set(request.email.to_string()),
        full_name: Set(request.full_name.trim().to_owned()),
        service_code: Set(request.service_code.clone()),
        locale: Set(locale),
        ..Default::default()
    };
    log_request(state, request, ip, Utc::now()).await
}

/// The `account_mail` jobs: acts on each request in a transaction of its own.
pub async fn act_on_jobs(state: &AppState, lease: &Lease, jobs: Vec<jobs::Model>) -> ApiResult<()> {
    for job in &jobs {
        let ended = if lease.may_start() {
            match act_on(state, lease, job).await {
                Ok(()) => continue,
                Err(error) => Outcome::Failed(error.to_string()),
            }
        } else {
            Outcome::NotStarted
        };
        let _turn = state.writes.turn().await;
        queue::finish(&state.db, lease, &[(job, ended)]).await?;
    }
    Ok(())
}

/// Acts on the request of `job` in one transaction that also ends the job, unless another
/// worker holds it now.
async fn act_on(state: &AppState, lease: &Lease, job: &jobs::Model) -> ApiResult<()> {
    let payload: AccountMailJob = serde_json::from_str(&job.payload).map_err(ApiError::internal)?;
    let Some(request) = account_mail_requests::Entity::find_by_id(payload.request_id)
        .one(&state.db)
        .await?
    else {
        return Err(ApiError::internal(format!(
            "no account mail request {}",
            payload.request_id
        )));
    };
    // A new account's password is the hash of a secret nobody ever sees; argon2 is slow,
    // so it is computed before the transaction (the SQLite write gate is shared).
    let unusable_password = match request.purpose.as_str() {
        PURPOSE_ACCESS => Some(state.passwords.hash(&new_refresh_token()).await?),
        _ => None,
    };
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if !queue::take(&txn, lease, job).await? {
        return Ok(());
    }
    match (request.purpose.as_str(), unusable_password) {
        (PURPOSE_ACCESS, Some(hash)) => grant_access(&txn, state, &request, hash, now).await?,
        _ => {
            if let Some(user) = find_user(&txn, &request.email).await? {
                let link = AccountLink::PasswordReset;
                send_link(&txn, &state.settings, &user, link, "", now).await?;
            }
        }
    }
    account_mail_requests::Entity::update_many()
        .col_expr(account_mail_requests::Column::DoneAt, Expr::value(now))
        .filter(account_mail_requests::Column::Id.eq(request.id))
        .exec(&txn)
        .await?;
    state.commit(txn).await?;
    Ok(())
}

/// When the address is known for the company of the code, it gets a new customer account
/// and a set-password link, or a reset link if it has an account already; otherwise
/// nothing happens.
async fn grant_access(
    txn: &DatabaseTransaction,
    state: &AppState,
    request: &account_mail_requests::Model,
    unusable_password: String,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(company) = companies::Entity::find()
        .filter(companies::Column::ServiceCode.eq(request.service_code.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let user = find_user(txn, &request.email).await?;
    if !is_known(txn, company.id, &request.email, user.as_ref()).await? {
        return Ok(());
    }
    let (user, link) = match user {
        Some(user) => (user, AccountLink::PasswordReset),
        None => {
            let (first_name, last_name) = split_name(&request.full_name);
            let account = NewAccount {
                company_id: Some(company.id),
                role: Role::Customer,
                email: &request.email,
                first_name: &first_name,
                last_name: &last_name,
                locale: request.locale,
            };
            let user = account.insert(txn, unusable_password, now).await?;
            (user, AccountLink::SetPassword)
        }
    };
    let company = match link {
        AccountLink::SetPassword => company.name.as_str(),
        AccountLink::PasswordReset => "",
    };
    send_link(txn, &state.settings, &user, link, company, now).await?;
    Ok(())
}

/// Sets the password with the token of a reset or set-password link. The token works once;
/// every session of the account is revoked and a forced password change is lifted.
pub async fn confirm(state: &AppState, request: PasswordResetConfirm) -> ApiResult<()> {
    let now = Utc::now();
    let stored = live_token(&state.db, &request.token, now)
        .await?
        .ok_or_else(invalid_token)?;
    // Hashed before the transaction: argon2 is slow and the SQLite write gate is shared.
    let password_hash = state.passwords.hash(&request.new_password).await?;

    let (txn, _turn) = state.writes.begin(&state.db).await?;
    // Using the token is the first write, so two concurrent confirms cannot both win.
    let used = account_tokens::Entity::update_many()
        .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
        .filter(account_tokens::Column::Id.eq(stored.id))
        .filter(account_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected == 0 {
        return Err(invalid_token());
    }
    // The account's other links are spent too: the password they would reset is gone.
    account_tokens::Entity::update_many()
        .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
        .filter(account_tokens::Column::UserId.eq(stored.user_id))
        .filter(account_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let updated = users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(users::Column::MustChangePassword, Expr::value(false))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(stored.user_id))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(invalid_token());
    }
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions::Column::UserId.eq(stored.user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    state.commit(txn).await?;
    Ok(())
}

/// The account a reset or set-password link is for, without using the link: its page names
/// the account before the password is chosen, and says at once when the link is dead.
pub async fn inspect(state: &AppState, token: &str) -> ApiResult<PasswordLinkAccount> {
    let stored = live_token(&state.db, token, Utc::now())
        .await?
        .ok_or_else(invalid_token)?;
    let user = users::Entity::find_by_id(stored.user_id)
        .one(&state.db)
        .await?
        .ok_or_else(invalid_token)?;
    Ok(PasswordLinkAccount { email: user.email })
}

/// The stored token of a link that is neither used nor expired.
async fn live_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> ApiResult<Option<account_tokens::Model>> {
    Ok(account_tokens::Entity::find()
        .filter(account_tokens::Column::TokenHash.eq(hash_refresh_token(token.trim())))
        .filter(account_tokens::Column::UsedAt.is_null())
        .filter(account_tokens::Column::ExpiresAt.gt(now))
        .one(db)
        .await?)
}

fn invalid_token() -> ApiError {
    ApiError::field(
        "token",
        "invalid_token",
        "this link is unknown, already used or expired; ask for a new one",
    )
}

/// Stores the request, accepted unless throttled: the job acts on accepted ones only.
/// The same work whatever the address, so the answer's timing tells nothing.
async fn log_request(
    state: &AppState,
    mut request: account_mail_requests::ActiveModel,
    ip: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let email = match &request.email {
        ActiveValue::Set(email) => email.clone(),
        _ => String::new(),
    };
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    // Requests are counted one at a time: SQLite's write gate does it there, this lock on
    // PostgreSQL (across instances too), else concurrent requests would all pass.
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7302)")
            .await?;
    }
    let recent = |column: account_mail_requests::Column, value: &str| {
        account_mail_requests::Entity::find()
            .filter(column.eq(value))
            .filter(account_mail_requests::Column::Accepted.eq(true))
            .filter(account_mail_requests::Column::At.gt(since))
    };
    let by_email = recent(account_mail_requests::Column::Email, &email)
        .count(&txn)
        .await?;
    let by_ip = recent(account_mail_requests::Column::Ip, ip)
        .count(&txn)
        .await?;
    let accepted = by_email < MAX_PER_EMAIL && by_ip < MAX_PER_IP;
    request.ip = Set(ip.to_owned());
    request.at = Set(now);
    request.accepted = Set(accepted);
    request.done_at = Set(None);
    let request = request.insert(&txn).await?;
    if accepted {
        let job = AccountMailJob {
            request_id: request.id,
        };
        let payload = serde_json::to_string(&job).map_err(ApiError::internal)?;
        queue::enqueue(&txn, JobKind::AccountMail, [payload], now).await?;
    }
    // Old rows serve no purpose once acted upon; drop them as we go.
    account_mail_requests::Entity::delete_many()
        .filter(account_mail_requests::Column::At.lt(since))
        .filter(
            Condition::any()
                .add(account_mail_requests::Column::Accepted.eq(false))
                .add(account_mail_requests::Column::DoneAt.is_not_null()),
        )
        .exec(&txn)
        .await?;
    state.commit(txn).await?;
    if !accepted {
        tracing::info!(%ip, "account mail request throttled");
    }
    Ok(())
}

/// The account of `email`, unless it is locked: a locked account has no password to reset.
async fn find_user(db: &impl ConnectionTrait, email: &str) -> ApiResult<Option<users::Model>> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .filter(users::Column::PasswordHash.ne(LOCKED_HASH))
        .one(db)
        .await?)
}

fn lower(column: impl sea_orm::sea_query::IntoColumnRef) -> Expr {
    Expr::expr(Func::lower(Expr::col(column)))
}

/// Whether the company knows `email`: one of its accounts, one of its contacts, or an
/// address that has sent or followed its tickets (requester or notification address).
async fn is_known(
    db: &impl ConnectionTrait,
    company_id: CompanyId,
    email: &str,
    user: Option<&users::Model>,
) -> ApiResult<bool> {
    if user.is_some_and(|u| u.company_id == Some(company_id)) {
        return Ok(true);
    }
    let contacts = company_contacts::Entity::find()
        .filter(company_contacts::Column::CompanyId.eq(company_id))
        .filter(lower(company_contacts::Column::Email).eq(email))
        .count(db)
        .await?;
    if contacts > 0 {
        return Ok(true);
    }
    let mut sent = lower(tickets::Column::NotifyEmail).eq(email);
    if let Some(user) = user {
        sent = sent.or(tickets::Column::RequesterId.eq(user.id));
    }
    let tickets = tickets::Entity::find()
        .filter(tickets::Column::CompanyId.eq(company_id))
        .filter(sent)
        .count(db)
        .await?;
    Ok(tickets > 0)
}

/// An account created by the portal itself (an accepted access request, `guichet admin
/// create`), whose password is a hash of a secret nobody knows until a link sets one.
struct NewAccount<'a> {
    company_id: Option<CompanyId>,
    role: Role,
    email: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    locale: Locale,
}

impl NewAccount<'_> {
    async fn insert(
        self,
        db: &impl ConnectionTrait,
        unusable_password: String,
        now: DateTime<Utc>,
    ) -> ApiResult<users::Model> {
        Ok(users::ActiveModel {
            company_id: Set(self.company_id),
            role: Set(self.role),
            email: Set(self.email.to_owned()),
            password_hash: Set(unusable_password),
            must_change_password: Set(false),
            first_name: Set(self.first_name.to_owned()),
            last_name: Set(self.last_name.to_owned()),
            locale: Set(self.locale),
            show_landing_page: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            search_text: Set(guichet_types::person_search_text(
                self.first_name,
                self.last_name,
                self.email,
                &[],
            )),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }
}

/// An administrator of a new install (`guichet admin create`): the account, with a password
/// nobody knows, and its single-use set-password link (24 h), mailed and returned so that
/// the command can print it. An address another account uses is [`ApiError::Taken`] (`email`).
pub async fn create_admin(
    state: &AppState,
    email: &EmailAddress,
    first_name: &str,
    last_name: &str,
    locale: Locale,
) -> ApiResult<String> {
    let unusable_password = state.passwords.hash(&new_refresh_token()).await?;
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let account = NewAccount {
        company_id: None,
        role: Role::Admin,
        email: email.as_str(),
        first_name: first_name.trim(),
        last_name: last_name.trim(),
        locale,
    };
    let user = account.insert(&txn, unusable_password, now).await?;
    let link = send_link(
        &txn,
        &state.settings,
        &user,
        AccountLink::SetPassword,
        "",
        now,
    )
    .await?;
    state.commit(txn).await?;
    Ok(link)
}

/// Stores a new token for `user` and writes the mail carrying its link to the outbox.
async fn send_link(
    db: &impl ConnectionTrait,
    settings: &Settings,
    user: &users::Model,
    kind: AccountLink,
    company: &str,
    now: DateTime<Utc>,
) -> ApiResult<String> {
    let token = new_refresh_token();
    account_tokens::ActiveModel {
        user_id: Set(user.id),
        purpose: Set(kind.purpose().to_owned()),
        token_hash: Set(hash_refresh_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + kind.valid_for()),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let link = format!("{}/{}#token={token}", settings.public_url, kind.page());
    let name = format!("{} {}", user.first_name, user.last_name);
    let name = match name.trim() {
        "" => user.email.as_str(),
        name => name,
    };
    let locale = user.locale;
    let mail = account_mail::render(kind, locale, name, company, &link);
    outbox::enqueue(
        db,
        &settings.public_url,
        OutgoingMail {
            to: user.email.clone(),
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            thread_id: None,
            reply_to: None,
        },
        now,
    )
    .await?;
    Ok(link)
}

/// "Agnès Martin-Durand" → ("Agnès", "Martin-Durand"); each part at most 100 characters.
fn split_name(full_name: &str) -> (String, String) {
    let full_name = full_name.trim();
    let (first, last) = full_name
        .split_once(char::is_whitespace)
        .unwrap_or((full_name, ""));
    let cut = |part: &str| part.trim().chars().take(100).collect::<String>();
    (cut(first), cut(last))
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn full_names_split_at_the_first_space() {
        assert_eq!(
            split_name("  Agnès  Martin Durand "),
            ("Agnès".to_owned(), "Martin Durand".to_owned())
        );
        assert_eq!(split_name("Cher"), ("Cher".to_owned(), String::new()));
    }
}
