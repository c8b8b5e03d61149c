//! People as the administration manages them, as plain functions: the list, one person,
//! creation, changes, and the acts on an account (invitation, password reset, lockout).
//!
//! Who may do what is `guichet_types::policy::may_act_on` and `may_give`, which the SPA asks
//! too: administrators, everything; agents read customers and referents (the people search
//! behind phone tickets), create customers, and change, invite, reset and unlock customers,
//! but never change a role, a company or whether someone is active. Customers and
//! referents: 403. The system accounts the server relies on (the lost-account
//! intake) are nobody's to manage: they are not listed, and 404.
use std::collections::HashMap;

use chrono::Utc;
use guichet_types::policy::{self, PersonAct};
use guichet_types::{
    CompanyId, FieldError, NewUser, Permission, Role, User, UserId, UserPage, UserUpdate,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set, TryIntoModel,
};

use super::accounts::{self, unusable_password, Audited, Creation, NewAccount};
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::links::send_link;
use crate::auth::service::revoke_sessions;
use crate::auth::{throttle, SessionUser};
use crate::entities::{companies, login_failures, sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::notifications::account_mail::AccountLink;
use crate::paging::{by_name, words_in, PageRequest};
use crate::state::AppState;

/// Changes of role and activity take turns on PostgreSQL (across instances), so that two
/// administrators demoting each other at once cannot leave nobody in charge; SQLite's
/// write gate does the same there.
const PEOPLE_LOCK: i64 = 7304;

/// The filters of `GET /users`, as given.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub company_id: Option<String>,
    pub role: Option<String>,
    pub active: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// Whether `user` may `act` on a person of `role` (see [`policy::may_act_on`]).
fn allowed(user: &SessionUser, role: Role, act: PersonAct) -> ApiResult<()> {
    user.require(Permission::TicketsWork)?;
    if policy::may_act_on(user.role, role, act) {
        return Ok(());
    }
    let detail = match act {
        PersonAct::Read => "agents see customers and referents only",
        PersonAct::Manage => "agents manage customers only",
    };
    Err(ApiError::Forbidden(detail.to_owned()))
}

/// The person `id`, unless it does not exist or is a system account.
async fn find(db: &impl ConnectionTrait, id: UserId) -> ApiResult<users::Model> {
    users::Entity::find_by_id(id)
        .filter(users::Column::SystemKey.is_null())
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The names of `ids`' companies, in one query.
pub(crate) async fn company_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = CompanyId>,
) -> ApiResult<HashMap<CompanyId, String>> {
    let mut ids: Vec<CompanyId> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(companies::Entity::find()
        .select_only()
        .columns([companies::Column::Id, companies::Column::Name])
        .filter(companies::Column::Id.is_in(ids))
        .into_tuple::<(CompanyId, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The person as the API shows them; `company_name` is their company's.
pub fn resource(user: users::Model, company_name: Option<String>) -> User {
    User {
        id: user.id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        prefix: user.prefix,
        title: user.title,
        office_phone: user.office_phone,
        mobile_phone: user.mobile_phone,
        company_id: user.company_id,
        company_name: user.company_id.and(company_name),
        role: user.role,
        locale: user.locale,
        active: user.active,
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}

async fn with_company(db: &impl ConnectionTrait, user: users::Model) -> ApiResult<User> {
    let mut names = company_names(db, user.company_id).await?;
    let name = user.company_id.and_then(|id| names.remove(&id));
    Ok(resource(user, name))
}

/// A page of people matching `filter`, by last name then id.
pub async fn list(
    state: &AppState,
    user: &SessionUser,
    filter: &UserFilter,
) -> ApiResult<UserPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<(String, i64)> = PageRequest::parse(
        filter.cursor.as_deref(),
        filter.limit.as_deref(),
        &mut errors,
    );
    let company_id = filter.company_id.as_deref().and_then(|text| {
        let id = text.trim().parse().ok().map(CompanyId);
        if id.is_none() {
            errors.push(FieldError::new(
                "company_id",
                "invalid_type",
                "expected a company id",
            ));
        }
        id
    });
    let role = filter.role.as_deref().and_then(|text| {
        let role = Role::parse(text.trim());
        if role.is_none() {
            errors.push(FieldError::new(
                "role",
                "invalid_choice",
                "expected customer, referent, agent or admin",
            ));
        }
        role
    });
    let active = filter.active.as_deref().and_then(|text| {
        let active = text.trim().parse::<bool>().ok();
        if active.is_none() {
            errors.push(FieldError::new(
                "active",
                "invalid_type",
                "expected true or false",
            ));
        }
        active
    });
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(ApiError::Validation(errors));
    }

    let mut query = users::Entity::find().filter(users::Column::SystemKey.is_null());
    if !user.can(Permission::Admin) {
        query = query.filter(users::Column::Role.is_in([Role::Customer, Role::Referent]));
    }
    if let Some(company_id) = company_id {
        query = query.filter(users::Column::CompanyId.eq(company_id));
    }
    if let Some(role) = role {
        query = query.filter(users::Column::Role.eq(role));
    }
    if let Some(active) = active {
        query = query.filter(users::Column::Active.eq(active));
    }
    query = query.filter(words_in(filter.q.as_deref(), &[users::Column::SearchText]));
    let rows = by_name(query, users::Column::LastName, users::Column::Id, &request)
        .all(&state.db)
        .await?;
    let names = company_names(&state.db, rows.iter().filter_map(|row| row.company_id)).await?;
    let people = rows
        .into_iter()
        .map(|row| {
            let name = row.company_id.and_then(|id| names.get(&id).cloned());
            resource(row, name)
        })
        .collect();
    Ok(request.page(people, |person: &User| {
        (person.last_name.clone(), person.id.0)
    }))
}

pub async fn get(state: &AppState, user: &SessionUser, id: UserId) -> ApiResult<User> {
    user.require(Permission::TicketsWork)?;
    let person = find(&state.db, id).await?;
    allowed(user, person.role, PersonAct::Read)?;
    with_company(&state.db, person).await
}

/// Customers and referents belong to an existing company; the support team to none.
async fn check_company(
    db: &impl ConnectionTrait,
    role: Role,
    company_id: Option<CompanyId>,
) -> ApiResult<Option<String>> {
    let refused = |code: &str, message: &str| ApiError::field("company_id", code, message);
    match (role.is_staff(), company_id) {
        (true, None) => Ok(None),
        (true, Some(_)) => Err(refused(
            "not_allowed",
            "agents and administrators belong to no company: send null",
        )),
        (false, None) => Err(refused(
            "required",
            "customers and referents belong to a company",
        )),
        (false, Some(id)) => {
            let names = company_names(db, [id]).await?;
            match names.get(&id) {
                Some(name) => Ok(Some(name.clone())),
                None => Err(refused("not_found", "no company has this id")),
            }
        }
    }
}

/// Only administrators give another role than customer (see [`policy::may_give`]).
fn may_give(user: &SessionUser, role: Role) -> ApiResult<()> {
    if policy::may_give(user.role, role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only administrators give the referent, agent or admin role".to_owned(),
        ))
    }
}

/// Creates an account without a password, and mails its invitation unless told not to.
pub async fn create(state: &AppState, user: &SessionUser, input: NewUser) -> ApiResult<User> {
    user.require(Permission::TicketsWork)?;
    let role = input.role.unwrap_or(Role::Customer);
    may_give(user, role)?;
    let company_name = check_company(&state.db, role, input.company_id).await?;
    let text = |value: Option<String>| value.map(|v| v.trim().to_owned()).unwrap_or_default();
    let creation = Creation {
        account: NewAccount {
            prefix: text(input.prefix),
            title: text(input.title),
            office_phone: text(input.office_phone),
            mobile_phone: text(input.mobile_phone),
            active: input.active.unwrap_or(true),
            ..NewAccount::new(
                input.company_id,
                role,
                input.email.as_str(),
                &input.first_name,
                &input.last_name,
                input.locale.unwrap_or_default(),
            )
        },
        unusable_password: unusable_password(&state.passwords).await?,
        invite: input.send_invitation.unwrap_or(true),
        actor: Actor::from(user),
    };
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let person = accounts::create(&txn, &state.settings, &creation, now).await?;
    state.commit(txn).await?;
    Ok(resource(person, company_name))
}

/// The audit action of a change: the most specific one, whatever else changed with it.
fn action_of(before: &users::Model, after: &users::Model) -> &'static str {
    if before.active != after.active {
        if after.active {
            "user.reactivated"
        } else {
            "user.deactivated"
        }
    } else if before.role != after.role {
        "user.role_changed"
    } else if before.company_id != after.company_id {
        "user.company_changed"
    } else {
        "user.updated"
    }
}

/// Refuses what nobody does to themselves, and leaving no active administrator.
async fn check_change(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    before: &users::Model,
    after: &users::Model,
) -> ApiResult<()> {
    if before.id == user.id {
        if before.role != after.role {
            return Err(ApiError::Forbidden(
                "nobody changes their own role".to_owned(),
            ));
        }
        if before.active && !after.active {
            return Err(ApiError::Forbidden(
                "nobody deactivates themselves".to_owned(),
            ));
        }
    }
    let was_admin = before.role == Role::Admin && before.active;
    let stays_admin = after.role == Role::Admin && after.active;
    if was_admin && !stays_admin {
        let others = users::Entity::find()
            .filter(users::Column::Role.eq(Role::Admin))
            .filter(users::Column::Active.eq(true))
            .filter(users::Column::SystemKey.is_null())
            .filter(users::Column::Id.ne(before.id))
            .count(db)
            .await?;
        if others == 0 {
            return Err(ApiError::Conflict {
                code: "last_admin",
                detail: "this is the last active administrator: make another one first".to_owned(),
            });
        }
    }
    Ok(())
}

/// Changes the members given. Deactivating a person, or changing their role or company,
/// ends their sessions at once.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: UserId,
    input: UserUpdate,
) -> ApiResult<User> {
    user.require(Permission::TicketsWork)?;
    let admin_members = input.admin_members();
    if !admin_members.is_empty() && !user.can(Permission::Admin) {
        return Err(ApiError::Forbidden(format!(
            "only administrators change {}",
            admin_members.join(", ")
        )));
    }
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if !admin_members.is_empty() && txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({PEOPLE_LOCK})"))
            .await?;
    }
    let before = find(&txn, id).await?;
    allowed(user, before.role, PersonAct::Manage)?;

    let mut row: users::ActiveModel = before.clone().into();
    let texts = [
        (input.first_name, users::Column::FirstName),
        (input.last_name, users::Column::LastName),
        (input.prefix, users::Column::Prefix),
        (input.title, users::Column::Title),
        (input.office_phone, users::Column::OfficePhone),
        (input.mobile_phone, users::Column::MobilePhone),
    ];
    for (value, column) in texts {
        if let Some(value) = value {
            row.set(column, value.trim().to_owned().into());
        }
    }
    if let Some(email) = input.email {
        row.email = Set(email.into());
    }
    if let Some(company_id) = input.company_id {
        row.company_id = Set(company_id);
    }
    if let Some(role) = input.role {
        row.role = Set(role);
    }
    if let Some(locale) = input.locale {
        row.locale = Set(locale);
    }
    if let Some(active) = input.active {
        row.active = Set(active);
    }
    let after = row.clone().try_into_model()?;
    let changes = Changes::between(Audited::from(&before), Audited::from(&after));
    if changes.is_empty() {
        return with_company(&state.db, before).await;
    }
    check_change(&txn, user, &before, &after).await?;
    if !admin_members.is_empty() {
        // Read after the lock: an administrator demoted meanwhile acts no more.
        let acting = users::Entity::find_by_id(user.id).one(&txn).await?;
        if !acting.is_some_and(|acting| acting.active && acting.role.can(Permission::Admin)) {
            return Err(ApiError::Forbidden(
                "this needs the permission admin".to_owned(),
            ));
        }
    }
    let company_name = check_company(&txn, after.role, after.company_id).await?;

    row.search_text = Set(accounts::search_text(&after));
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await?;
    let ends_sessions = (before.active && !after.active)
        || before.role != after.role
        || before.company_id != after.company_id;
    if ends_sessions {
        revoke_sessions(&txn, sessions::Column::UserId.eq(after.id)).await?;
    }
    let action = action_of(&before, &after);
    audit::record(
        &txn,
        &Actor::from(user),
        action,
        Target::new("user", after.id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(resource(after, company_name))
}

/// An act on a person's account (invitation, reset link, lockout): who may, in one place.
async fn account_for_act(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    id: UserId,
) -> ApiResult<users::Model> {
    user.require(Permission::TicketsWork)?;
    let person = find(db, id).await?;
    allowed(user, person.role, PersonAct::Manage)?;
    Ok(person)
}

/// Mails a new invitation (a set-password link valid 7 days); the earlier ones stop working.
pub async fn send_invitation(state: &AppState, user: &SessionUser, id: UserId) -> ApiResult<()> {
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let person = account_for_act(&txn, user, id).await?;
    accounts::invite(&txn, &state.settings, &person, now).await?;
    let target = Target::new("user", person.id);
    audit::record(
        &txn,
        &Actor::from(user),
        "user.invitation_sent",
        target,
        &Changes::new(),
    )
    .await?;
    state.commit(txn).await?;
    Ok(())
}

/// Mails a password-reset link (valid 1 hour), as "mot de passe oublié" would.
pub async fn send_password_reset(
    state: &AppState,
    user: &SessionUser,
    id: UserId,
) -> ApiResult<()> {
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let person = account_for_act(&txn, user, id).await?;
    send_link(
        &txn,
        &state.settings,
        &person,
        AccountLink::PasswordReset,
        "",
        now,
    )
    .await?;
    let target = Target::new("user", person.id);
    let actor = Actor::from(user);
    audit::record(
        &txn,
        &actor,
        "user.password_reset_sent",
        target,
        &Changes::new(),
    )
    .await?;
    state.commit(txn).await?;
    Ok(())
}

/// Lifts the sign-in throttle of the account: its failed attempts are forgotten (those of
/// the client addresses are not).
pub async fn lift_lockout(state: &AppState, user: &SessionUser, id: UserId) -> ApiResult<()> {
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let person = account_for_act(&txn, user, id).await?;
    let forgotten = login_failures::Entity::delete_many()
        .filter(login_failures::Column::ThrottleKey.eq(throttle::account_key(&person.email)))
        .exec(&txn)
        .await?;
    let mut changes = Changes::new();
    changes.set("failed_sign_ins", forgotten.rows_affected, 0);
    let target = Target::new("user", person.id);
    audit::record(
        &txn,
        &Actor::from(user),
        "user.lockout_lifted",
        target,
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(())
}
