//! Accounts by email, as plain functions: the forgotten password and the access request by
//! service code. Both mail a link that sets a password (`super::links`); one confirm call
//! sets the password for every kind of link.
//!
//! A request is only stored before the 202 answer (`account_mail_requests`), the same work
//! whatever the address, so the answer's timing tells nothing about it; the
//! `account_mail` job written with it then acts on it in one transaction (token, account,
//! mail in the outbox, the job's end), so an accepted request survives a crash and is acted
//! upon once. At most [`MAX_PER_EMAIL`] accepted
//! requests per address and [`MAX_PER_IP`] per client address within [`WINDOW_MINUTES`]
//! are acted upon; the others are stored as refused and send nothing. An access request the
//! job cannot grant is marked `refused` and kept [`REFUSED_KEPT_DAYS`] for the support team
//! (`people::access_requests`).
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
use tracing::Instrument;

use super::links::send_link;
use super::password::LOCKED_HASH;
use super::tokens::hash_refresh_token;
use crate::audit::{self, Actor, Changes, Target};
use crate::entities::{
    account_mail_requests, account_tokens, companies, company_contacts, jobs, sessions, tickets,
    users,
};
use crate::error::{ApiError, ApiResult};
use crate::jobs::kind::JobKind;
use crate::jobs::queue::{self, Lease, Outcome};
use crate::notifications::account_mail::AccountLink;
use crate::people::accounts::{self, unusable_password, Creation, NewAccount};
use crate::state::AppState;

pub const MAX_PER_EMAIL: u64 = 3;
pub const MAX_PER_IP: u64 = 10;
pub const WINDOW_MINUTES: i64 = 15;
/// How long refused access requests stay listed for the support team.
pub const REFUSED_KEPT_DAYS: i64 = 90;

const PURPOSE_RESET: &str = "password_reset";
/// The `purpose` of an access request by service code.
pub const PURPOSE_ACCESS: &str = "access";

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

/// The audit entry of a password-reset request: by whoever asked, for the address typed,
/// whether or not it has an account (the log tells no more than the answer did).
async fn audit_reset_request(
    db: &impl ConnectionTrait,
    email: &str,
    ip: &str,
    accepted: bool,
) -> ApiResult<()> {
    let mut changes = Changes::new();
    if !accepted {
        changes.set("throttled", false, true);
    }
    audit::record(
        db,
        &Actor::anonymous(ip),
        "auth.password_reset_requested",
        Target::new("email", email),
        &changes,
    )
    .await
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
            match act_on(state, lease, job).instrument(queue::span(job)).await {
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
        PURPOSE_ACCESS => Some(unusable_password(&state.passwords).await?),
        _ => None,
    };
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if !queue::take(&txn, lease, job).await? {
        return Ok(());
    }
    let refused = match (request.purpose.as_str(), unusable_password) {
        (PURPOSE_ACCESS, Some(hash)) => !grant_access(&txn, state, &request, hash, now).await?,
        _ => {
            if let Some(user) = find_user(&txn, &request.email).await? {
                let link = AccountLink::PasswordReset;
                send_link(&txn, &state.settings, &user, link, "", now).await?;
            }
            false
        }
    };
    account_mail_requests::Entity::update_many()
        .col_expr(account_mail_requests::Column::DoneAt, Expr::value(now))
        .col_expr(account_mail_requests::Column::Refused, Expr::value(refused))
        .filter(account_mail_requests::Column::Id.eq(request.id))
        .exec(&txn)
        .await?;
    state.commit(txn).await?;
    Ok(())
}

/// When the address is known for the company of the code, it gets a new customer account
/// and a set-password link, or a reset link if it has an account already. Otherwise nothing
/// happens, and the answer is `false`: the request is refused.
async fn grant_access(
    txn: &DatabaseTransaction,
    state: &AppState,
    request: &account_mail_requests::Model,
    unusable_password: String,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let Some(company) = companies::Entity::find()
        .filter(companies::Column::ServiceCode.eq(request.service_code.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(false);
    };
    let user = find_user(txn, &request.email).await?;
    if !is_known(txn, company.id, &request.email, user.as_ref()).await? {
        return Ok(false);
    }
    let (user, link) = match user {
        Some(user) => (user, AccountLink::PasswordReset),
        None => {
            let (first_name, last_name) = split_name(&request.full_name);
            let creation = Creation {
                account: NewAccount::new(
                    Some(company.id),
                    Role::Customer,
                    &request.email,
                    &first_name,
                    &last_name,
                    request.locale,
                ),
                unusable_password,
                invite: false,
                actor: Actor::anonymous(&request.ip),
            };
            let user = accounts::create(txn, &state.settings, &creation, now).await?;
            (user, AccountLink::SetPassword)
        }
    };
    let company = match link {
        AccountLink::SetPassword => company.name.as_str(),
        _ => "",
    };
    send_link(txn, &state.settings, &user, link, company, now).await?;
    Ok(true)
}

/// Sets the password with the token of a reset, set-password or invitation link, sent from
/// the client address `ip`. The token works once; every session of the account is revoked
/// and a forced password change is lifted.
pub async fn confirm(state: &AppState, request: PasswordResetConfirm, ip: &str) -> ApiResult<()> {
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
    // The holder of the link acts as its account; the log names the link, never its token.
    let actor = Actor {
        id: Some(stored.user_id),
        address: ip.to_owned(),
    };
    let mut changes = Changes::new();
    changes.set("link", (), &stored.purpose);
    let target = Target::new("user", stored.user_id);
    audit::record(&txn, &actor, "auth.password_reset", target, &changes).await?;
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
    request.refused = Set(false);
    request.account_id = Set(None);
    request.handled_at = Set(None);
    let request = request.insert(&txn).await?;
    if request.purpose == PURPOSE_RESET {
        audit_reset_request(&txn, &email, ip, accepted).await?;
    }
    if accepted {
        let job = AccountMailJob {
            request_id: request.id,
        };
        let payload = serde_json::to_string(&job).map_err(ApiError::internal)?;
        queue::enqueue(&txn, JobKind::AccountMail, [payload], now).await?;
    }
    // Old rows serve no purpose once acted upon, refused access requests once the support
    // team has had time to see them; drop them as we go.
    let acted_upon = Condition::all()
        .add(account_mail_requests::Column::At.lt(since))
        .add(account_mail_requests::Column::Refused.eq(false))
        .add(
            Condition::any()
                .add(account_mail_requests::Column::Accepted.eq(false))
                .add(account_mail_requests::Column::DoneAt.is_not_null()),
        );
    let forgotten = Condition::all()
        .add(account_mail_requests::Column::Refused.eq(true))
        .add(account_mail_requests::Column::At.lt(now - Duration::days(REFUSED_KEPT_DAYS)));
    account_mail_requests::Entity::delete_many()
        .filter(Condition::any().add(acted_upon).add(forgotten))
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
    let creation = Creation {
        account: NewAccount::new(
            None,
            Role::Admin,
            email.as_str(),
            first_name,
            last_name,
            locale,
        ),
        unusable_password: unusable_password(&state.passwords).await?,
        invite: false,
        actor: Actor::command_line(),
    };
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let user = accounts::create(&txn, &state.settings, &creation, now).await?;
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

/// "Agnès Martin-Durand" → ("Agnès", "Martin-Durand"); each part at most 100 characters.
pub fn split_name(full_name: &str) -> (String, String) {
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
