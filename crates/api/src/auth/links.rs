//! The links that set a password: a reset link, a new account's set-password link, an
//! invitation. Each is `{public_url}/{page}#token=…` with a token of 256 random bits stored
//! only as its SHA-256 hash; the token sits in the URL fragment, which browsers never send,
//! so it never reaches a server log. `recovery::confirm` uses any of them, once.
use chrono::{DateTime, Duration, Utc};
use guichet_types::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::tokens::{hash_refresh_token, new_refresh_token};
use crate::config::Settings;
use crate::entities::{account_tokens, users};
use crate::error::ApiResult;
use crate::notifications::account_mail::{self, AccountLink};
use crate::notifications::outbox::{self, OutgoingMail};

pub const RESET_LINK_HOURS: i64 = 1;
/// A new account's first link: a day, as the person may read the mail later.
pub const SET_PASSWORD_LINK_HOURS: i64 = 24;
/// An invitation waits a week: the person may be away when the account is made.
pub const INVITATION_LINK_DAYS: i64 = 7;

impl AccountLink {
    /// The `purpose` column of its token.
    pub fn purpose(self) -> &'static str {
        match self {
            AccountLink::PasswordReset => "password_reset",
            AccountLink::SetPassword => "set_password",
            AccountLink::Invitation => "invitation",
        }
    }

    fn page(self) -> &'static str {
        match self {
            AccountLink::PasswordReset => "reset-password",
            AccountLink::SetPassword | AccountLink::Invitation => "set-password",
        }
    }

    fn valid_for(self) -> Duration {
        match self {
            AccountLink::PasswordReset => Duration::hours(RESET_LINK_HOURS),
            AccountLink::SetPassword => Duration::hours(SET_PASSWORD_LINK_HOURS),
            AccountLink::Invitation => Duration::days(INVITATION_LINK_DAYS),
        }
    }
}

/// Stores a new token for `user` and writes the mail carrying its link to the outbox, in
/// the caller's transaction; returns the link. `company` names the company of a new account.
pub async fn send_link(
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
    let mail = account_mail::render(kind, user.locale, name, company, &link);
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

/// Spends every unused link of `user` of these kinds: a link sent again replaces the
/// earlier ones.
pub async fn spend(
    db: &impl ConnectionTrait,
    user: UserId,
    kinds: &[AccountLink],
    now: DateTime<Utc>,
) -> ApiResult<()> {
    account_tokens::Entity::update_many()
        .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
        .filter(account_tokens::Column::UserId.eq(user))
        .filter(account_tokens::Column::Purpose.is_in(kinds.iter().map(|kind| kind.purpose())))
        .filter(account_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
