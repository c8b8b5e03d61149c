//! The one writer of new accounts: made by the support team (`POST /users`, a refused access
//! request), for a caller on a phone ticket, for the writer of the lost-account form, for a
//! granted access request, and by `guichet admin create`. An account starts without a usable
//! password (the hash of a secret nobody ever sees) until a link sets one, and its search
//! text (names, address, phones) is written with it.
use chrono::{DateTime, Utc};
use guichet_types::{CompanyId, Locale, Role};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QuerySelect, Set};
use serde::Serialize;

use crate::audit::{self, Actor, Changes, Target};
use crate::auth::links::{self, send_link};
use crate::auth::password::Passwords;
use crate::auth::tokens::new_refresh_token;
use crate::config::Settings;
use crate::entities::{companies, users};
use crate::error::ApiResult;
use crate::notifications::account_mail::AccountLink;

/// The members of a new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub company_id: Option<CompanyId>,
    pub role: Role,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub prefix: String,
    pub title: String,
    pub office_phone: String,
    pub mobile_phone: String,
    pub locale: Locale,
    pub active: bool,
}

impl NewAccount {
    /// An active account with these names and nothing else; names are trimmed.
    pub fn new(
        company_id: Option<CompanyId>,
        role: Role,
        email: &str,
        first_name: &str,
        last_name: &str,
        locale: Locale,
    ) -> Self {
        NewAccount {
            company_id,
            role,
            email: email.to_owned(),
            first_name: first_name.trim().to_owned(),
            last_name: last_name.trim().to_owned(),
            prefix: String::new(),
            title: String::new(),
            office_phone: String::new(),
            mobile_phone: String::new(),
            locale,
            active: true,
        }
    }

    /// Writes the account. An address another account has is [`crate::error::ApiError::Taken`]
    /// (`email`), from the unique index: concurrent creations included.
    pub async fn insert(
        &self,
        db: &impl ConnectionTrait,
        unusable_password: String,
        now: DateTime<Utc>,
    ) -> ApiResult<users::Model> {
        Ok(users::ActiveModel {
            company_id: Set(self.company_id),
            role: Set(self.role),
            email: Set(self.email.clone()),
            password_hash: Set(unusable_password),
            must_change_password: Set(false),
            prefix: Set(self.prefix.trim().to_owned()),
            first_name: Set(self.first_name.clone()),
            last_name: Set(self.last_name.clone()),
            title: Set(self.title.trim().to_owned()),
            office_phone: Set(self.office_phone.trim().to_owned()),
            mobile_phone: Set(self.mobile_phone.trim().to_owned()),
            locale: Set(self.locale),
            show_landing_page: Set(true),
            active: Set(self.active),
            created_at: Set(now),
            updated_at: Set(now),
            search_text: Set(guichet_types::person_search_text(
                &self.first_name,
                &self.last_name,
                &self.email,
                &[&self.office_phone, &self.mobile_phone],
            )),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }
}

/// A new account as [`create`] writes it, with its invitation and who made it.
#[derive(Debug, Clone)]
pub struct Creation {
    pub account: NewAccount,
    /// From [`unusable_password`], computed before the transaction.
    pub unusable_password: String,
    /// Mail a set-password link valid 7 days.
    pub invite: bool,
    pub actor: Actor,
}

/// The hash of a secret nobody ever sees: an account's password until a link sets one.
/// Argon2 is slow and the SQLite write gate is shared, so callers compute it before their
/// transaction.
pub async fn unusable_password(passwords: &Passwords) -> ApiResult<String> {
    passwords.hash(&new_refresh_token()).await
}

/// What a person is found by, from their row as it is (or will be) written.
pub fn search_text(user: &users::Model) -> String {
    guichet_types::person_search_text(
        &user.first_name,
        &user.last_name,
        &user.email,
        &[&user.office_phone, &user.mobile_phone],
    )
}

/// The members of an account the audit log records: never its password.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audited {
    email: String,
    first_name: String,
    last_name: String,
    prefix: String,
    title: String,
    office_phone: String,
    mobile_phone: String,
    company_id: Option<CompanyId>,
    role: Role,
    locale: Locale,
    active: bool,
}

impl From<&users::Model> for Audited {
    fn from(user: &users::Model) -> Self {
        Audited {
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            prefix: user.prefix.clone(),
            title: user.title.clone(),
            office_phone: user.office_phone.clone(),
            mobile_phone: user.mobile_phone.clone(),
            company_id: user.company_id,
            role: user.role,
            locale: user.locale,
            active: user.active,
        }
    }
}

/// The changes of a created account: every member, and whether it was invited.
pub fn created_changes(user: &users::Model, invited: bool) -> Changes {
    let mut changes = Changes::created(Audited::from(user));
    changes.set("id", (), user.id);
    if invited {
        changes.set("invited", false, true);
    }
    changes
}

/// Writes the account of `creation`, its invitation if asked, and `user.created` in the
/// audit log, in the caller's transaction.
pub async fn create(
    db: &impl ConnectionTrait,
    settings: &Settings,
    creation: &Creation,
    now: DateTime<Utc>,
) -> ApiResult<users::Model> {
    let user = write(db, settings, creation, now).await?;
    let changes = created_changes(&user, creation.invite);
    audit::record(
        db,
        &creation.actor,
        "user.created",
        Target::new("user", user.id),
        &changes,
    )
    .await?;
    Ok(user)
}

/// [`create`] without its audit entry, for callers that record the act under another name.
pub async fn write(
    db: &impl ConnectionTrait,
    settings: &Settings,
    creation: &Creation,
    now: DateTime<Utc>,
) -> ApiResult<users::Model> {
    let user = creation
        .account
        .insert(db, creation.unusable_password.clone(), now)
        .await?;
    if creation.invite {
        invite(db, settings, &user, now).await?;
    }
    Ok(user)
}

/// Mails `user` a new invitation (a set-password link valid 7 days, in their language); the
/// links sent before stop working.
pub async fn invite(
    db: &impl ConnectionTrait,
    settings: &Settings,
    user: &users::Model,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    links::spend(
        db,
        user.id,
        &[AccountLink::Invitation, AccountLink::SetPassword],
        now,
    )
    .await?;
    let company = match user.company_id {
        Some(id) => companies::Entity::find_by_id(id)
            .select_only()
            .column(companies::Column::Name)
            .into_tuple::<String>()
            .one(db)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    send_link(db, settings, user, AccountLink::Invitation, &company, now).await?;
    Ok(())
}
