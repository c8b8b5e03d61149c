//! Client companies as plain functions: the list, creation, reading and changes. Admins
//! write; the support team reads.
use std::collections::HashMap;

use chrono::{SubsecRound, Utc};
use guichet_types::{
    company_search_text, Company, CompanyId, CompanyPage, CompanyUpdate, NewCompany, Permission,
    UserId, UserRef,
};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;

use crate::audit::{self, Actor, Changes, Target};
use crate::auth::extractor::person_name;
use crate::auth::service::revoke_sessions;
use crate::auth::SessionUser;
use crate::entities::{companies, sessions, users};
use crate::error::{ApiError, ApiResult};
use crate::paging::{by_name, words_in, PageRequest};
use crate::state::AppState;

/// The filters of `GET /companies`, as given.
#[derive(Debug, Default, Clone)]
pub struct CompanyFilter {
    pub q: Option<String>,
    pub active: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// The members an admin writes, as the audit log records them.
#[derive(Debug, PartialEq, Serialize)]
struct Recorded<'a> {
    name: &'a str,
    service_code: &'a str,
    active: bool,
    account_manager_id: Option<UserId>,
    phone: &'a str,
    notes: &'a str,
}

impl<'a> Recorded<'a> {
    fn of(row: &'a companies::Model) -> Self {
        Recorded {
            name: &row.name,
            service_code: &row.service_code,
            active: row.active,
            account_manager_id: row.account_manager_id,
            phone: &row.phone,
            notes: &row.notes,
        }
    }
}

/// The names of these people, by id, in one statement.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = UserId>,
) -> ApiResult<HashMap<UserId, String>> {
    let ids: Vec<UserId> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(users::Entity::find()
        .select_only()
        .columns([
            users::Column::Id,
            users::Column::FirstName,
            users::Column::LastName,
            users::Column::Email,
        ])
        .filter(users::Column::Id.is_in(ids))
        .into_tuple::<(UserId, String, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, first, last, email)| (id, person_name(&first, &last, &email)))
        .collect())
}

/// The resources of `rows`, their account managers named in one statement.
async fn resources(
    db: &impl ConnectionTrait,
    rows: Vec<companies::Model>,
) -> ApiResult<Vec<Company>> {
    let names = names_of(db, rows.iter().filter_map(|row| row.account_manager_id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| Company {
            account_manager: row.account_manager_id.map(|id| UserRef {
                id,
                name: names.get(&id).cloned().unwrap_or_default(),
            }),
            id: row.id,
            name: row.name,
            service_code: row.service_code,
            active: row.active,
            account_manager_id: row.account_manager_id,
            phone: row.phone,
            notes: row.notes,
            created_at: row.created_at,
        })
        .collect())
}

async fn resource(db: &impl ConnectionTrait, row: companies::Model) -> ApiResult<Company> {
    resources(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a company vanished"))
}

/// Support team: a page of companies by name, filtered.
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    filter: &CompanyFilter,
) -> ApiResult<CompanyPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<(String, i64)> = PageRequest::parse(
        filter.cursor.as_deref(),
        filter.limit.as_deref(),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut query = companies::Entity::find().filter(words_in(
        filter.q.as_deref(),
        &[companies::Column::SearchText],
    ));
    if let Some(active) = filter.active {
        query = query.filter(companies::Column::Active.eq(active));
    }
    let rows = by_name(
        query,
        companies::Column::Name,
        companies::Column::Id,
        &request,
    )
    .all(&state.db)
    .await?;
    let items = resources(&state.db, rows).await?;
    Ok(request.page(items, |company| (company.name.clone(), company.id.0)))
}

/// Support team: one company.
pub async fn get(state: &AppState, user: &SessionUser, id: CompanyId) -> ApiResult<Company> {
    user.require(Permission::TicketsWork)?;
    let row = companies::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ApiError::NotFound)?;
    resource(&state.db, row).await
}

/// Checks that `id` names an active agent or admin, who may manage a company.
async fn check_manager(db: &impl ConnectionTrait, id: UserId) -> ApiResult<()> {
    let manager = users::Entity::find_by_id(id).one(db).await?;
    if manager.is_some_and(|m| m.active && m.role.is_staff()) {
        Ok(())
    } else {
        Err(ApiError::field(
            "account_manager_id",
            "not_found",
            "no active agent or admin has this id",
        ))
    }
}

/// Admins: a new company.
pub async fn create(state: &AppState, user: &SessionUser, input: NewCompany) -> ApiResult<Company> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if let Some(manager) = input.account_manager_id {
        check_manager(&txn, manager).await?;
    }
    let name = input.name.trim().to_owned();
    // A code another company has is refused by the unique index, concurrent creations
    // included: `ApiError` names it (409 `conflict` on `service_code`).
    let row = companies::ActiveModel {
        search_text: Set(company_search_text(&name, &input.service_code)),
        name: Set(name),
        service_code: Set(input.service_code),
        created_at: Set(now),
        active: Set(input.active.unwrap_or(true)),
        account_manager_id: Set(input.account_manager_id),
        phone: Set(input.phone.unwrap_or_default().trim().to_owned()),
        notes: Set(input.notes.unwrap_or_default().trim().to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "company.created",
        Target::new("company", row.id),
        &Changes::created(Recorded::of(&row)),
    )
    .await?;
    let company = resource(&txn, row).await?;
    state.commit(txn).await?;
    Ok(company)
}

/// Admins: changes the members given. Deactivating the company ends its people's sessions
/// at once (they cannot sign in again until it is reactivated); its tickets stay.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: CompanyId,
    input: CompanyUpdate,
) -> ApiResult<Company> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = companies::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut after = before.clone();
    if let Some(Some(manager)) = input.account_manager_id {
        if before.account_manager_id != Some(manager) {
            check_manager(&txn, manager).await?;
        }
    }
    if let Some(name) = input.name {
        after.name = name.trim().to_owned();
    }
    if let Some(code) = input.service_code {
        after.service_code = code;
    }
    if let Some(active) = input.active {
        after.active = active;
    }
    if let Some(manager) = input.account_manager_id {
        after.account_manager_id = manager;
    }
    if let Some(phone) = input.phone {
        after.phone = phone.trim().to_owned();
    }
    if let Some(notes) = input.notes {
        after.notes = notes.trim().to_owned();
    }
    let changes = Changes::between(Recorded::of(&before), Recorded::of(&after));
    if changes.is_empty() {
        // Nothing to write, nor to log.
        return resource(&txn, before).await;
    }
    let mut row: companies::ActiveModel = before.clone().into();
    row.search_text = Set(company_search_text(&after.name, &after.service_code));
    row.name = Set(after.name);
    row.service_code = Set(after.service_code);
    row.active = Set(after.active);
    row.account_manager_id = Set(after.account_manager_id);
    row.phone = Set(after.phone);
    row.notes = Set(after.notes);
    let saved = row.update(&txn).await?;
    let action = match (before.active, saved.active) {
        (true, false) => "company.deactivated",
        (false, true) => "company.reactivated",
        _ => "company.updated",
    };
    if !saved.active && before.active {
        let people = Query::select()
            .column(users::Column::Id)
            .from(users::Entity)
            .and_where(users::Column::CompanyId.eq(id))
            .to_owned();
        revoke_sessions(&txn, sessions::Column::UserId.in_subquery(people)).await?;
    }
    audit::record(
        &txn,
        &Actor::from(user),
        action,
        Target::new("company", id),
        &changes,
    )
    .await?;
    let company = resource(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(company)
}

/// 404 unless the company exists: the lists and writes under a company name it by its id.
pub async fn require_company(db: &impl ConnectionTrait, id: CompanyId) -> ApiResult<()> {
    let found = companies::Entity::find_by_id(id)
        .select_only()
        .column(companies::Column::Id)
        .into_tuple::<CompanyId>()
        .one(db)
        .await?;
    found.map(|_| ()).ok_or(ApiError::NotFound)
}
