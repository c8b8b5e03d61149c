//! Service accounts: non-person accounts for integrations, made by admins, acting only
//! through their tokens. One is a row of `users` marked `service_account`, with a
//! `system_key` so that the people screens, the staff list and the last-administrator rule
//! leave it out; it has no usable password and an address nobody can receive mail at.
//!
//! Its rights are those of a role, cut down by each token's scopes: limited to a company, it
//! is that company's referent (its tickets, opening tickets under its contract); otherwise an
//! administrator.
use chrono::{SubsecRound, Utc};
use guichet_types::{
    CompanyId, CompanyRef, Locale, NewServiceAccount, Permission, Role, ServiceAccount,
    ServiceAccountPage, ServiceAccountPatch, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;

use crate::audit::{self, Changes, Target};
use crate::auth::SessionUser;
use crate::entities::{companies, users};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::people::accounts::unusable_password;
use crate::people::service::company_names;
use crate::state::AppState;

/// The prefix of a service account's `system_key`.
const KEY_PREFIX: &str = "service_account:";

/// The members of a service account the audit log records.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Audited {
    name: String,
    company_id: Option<CompanyId>,
    active: bool,
}

impl From<&users::Model> for Audited {
    fn from(row: &users::Model) -> Self {
        Audited {
            name: row.first_name.clone(),
            company_id: row.company_id,
            active: row.active,
        }
    }
}

fn to_resource(row: users::Model, company: Option<CompanyRef>) -> ServiceAccount {
    ServiceAccount {
        id: row.id,
        name: row.first_name,
        company,
        active: row.active,
        created_at: row.created_at,
    }
}

async fn company_ref(
    db: &impl ConnectionTrait,
    id: Option<CompanyId>,
) -> ApiResult<Option<CompanyRef>> {
    let Some(id) = id else { return Ok(None) };
    let name: Option<String> = companies::Entity::find_by_id(id)
        .select_only()
        .column(companies::Column::Name)
        .into_tuple()
        .one(db)
        .await?;
    Ok(name.map(|name| CompanyRef { id, name }))
}

/// The service account `id` (admins only), whatever its state; anything else is a 404.
pub async fn find(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    id: UserId,
) -> ApiResult<users::Model> {
    user.require(Permission::Admin)?;
    users::Entity::find_by_id(id)
        .filter(users::Column::ServiceAccount.eq(true))
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

pub async fn get(state: &AppState, user: &SessionUser, id: UserId) -> ApiResult<ServiceAccount> {
    let row = find(&state.db, user, id).await?;
    let company = company_ref(&state.db, row.company_id).await?;
    Ok(to_resource(row, company))
}

pub async fn create(
    state: &AppState,
    user: &SessionUser,
    input: NewServiceAccount,
) -> ApiResult<ServiceAccount> {
    user.require(Permission::Admin)?;
    let company = company_ref(&state.db, input.company_id).await?;
    if input.company_id.is_some() && company.is_none() {
        return Err(ApiError::field(
            "company_id",
            "not_found",
            "no such company",
        ));
    }
    let password_hash = unusable_password(&state.passwords).await?;
    let now = Utc::now().trunc_subsecs(6);
    let key = uuid::Uuid::new_v4().simple().to_string();
    let name = input.name.trim().to_owned();
    let row = users::ActiveModel {
        company_id: Set(input.company_id),
        role: Set(if input.company_id.is_some() {
            Role::Referent
        } else {
            Role::Admin
        }),
        email: Set(format!("service-account-{key}@guichet.invalid")),
        password_hash: Set(password_hash),
        must_change_password: Set(false),
        first_name: Set(name.clone()),
        locale: Set(Locale::default()),
        show_landing_page: Set(false),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        search_text: Set(guichet_types::fold(&name)),
        system_key: Set(Some(format!("{KEY_PREFIX}{key}"))),
        service_account: Set(true),
        ..Default::default()
    };
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let saved = row.insert(&txn).await?;
    audit::record(
        &txn,
        &user.into(),
        "service_account.created",
        Target::new("service_account", saved.id),
        &Changes::created(Audited::from(&saved)),
    )
    .await?;
    state.commit(txn).await?;
    Ok(to_resource(saved, company))
}

pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: UserId,
    patch: ServiceAccountPatch,
) -> ApiResult<ServiceAccount> {
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = find(&txn, user, id).await?;
    let mut row: users::ActiveModel = before.clone().into();
    if let Some(name) = patch.name {
        let name = name.trim().to_owned();
        row.search_text = Set(guichet_types::fold(&name));
        row.first_name = Set(name);
    }
    if let Some(active) = patch.active {
        row.active = Set(active);
    }
    row.updated_at = Set(Utc::now().trunc_subsecs(6));
    let after = row.update(&txn).await?;
    let changes = Changes::between(Audited::from(&before), Audited::from(&after));
    if !changes.is_empty() {
        audit::record(
            &txn,
            &user.into(),
            "service_account.updated",
            Target::new("service_account", id),
            &changes,
        )
        .await?;
    }
    state.commit(txn).await?;
    let company = company_ref(&state.db, after.company_id).await?;
    Ok(to_resource(after, company))
}

/// The service accounts, newest first.
pub async fn list(
    state: &AppState,
    user: &SessionUser,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<ServiceAccountPage> {
    user.require(Permission::Admin)?;
    let mut errors = Vec::new();
    let request = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let query = users::Entity::find().filter(users::Column::ServiceAccount.eq(true));
    let rows = newest_first(query, users::Column::Id, &request)
        .all(&state.db)
        .await?;
    let names = company_names(&state.db, rows.iter().filter_map(|row| row.company_id)).await?;
    let accounts = rows
        .into_iter()
        .map(|row| {
            let company = row.company_id.and_then(|id| {
                names.get(&id).map(|name| CompanyRef {
                    id,
                    name: name.clone(),
                })
            });
            to_resource(row, company)
        })
        .collect();
    Ok(request.page(accounts, |account| account.id.0))
}
