//! Contracts as plain functions: a company's list, creation and changes. Admins write; the
//! support team reads.
use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, SubsecRound, Utc};
use guichet_types::{
    CategoryId, CompanyId, Contract, ContractId, ContractLevel, ContractPage, ContractPeriod,
    ContractUpdate, FieldError, NewContract, Permission,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;

use super::coverage::{period, today};
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::companies::service::require_company;
use crate::entities::{categories, contract_categories, contracts};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, words_in, PageRequest};
use crate::state::AppState;

/// The members an admin writes, as the audit log records them.
#[derive(Debug, PartialEq, Serialize)]
struct Recorded<'a> {
    company_id: CompanyId,
    name: &'a str,
    level: ContractLevel,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    category_ids: &'a [CategoryId],
    phone_support: bool,
}

impl<'a> Recorded<'a> {
    fn of(row: &'a contracts::Model, category_ids: &'a [CategoryId]) -> Self {
        Recorded {
            company_id: row.company_id,
            name: &row.name,
            level: row.level,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            category_ids,
            phone_support: row.phone_support,
        }
    }
}

fn resource(row: contracts::Model, category_ids: Vec<CategoryId>, day: NaiveDate) -> Contract {
    Contract {
        valid_today: period(&row).is_valid_on(day),
        id: row.id,
        company_id: row.company_id,
        name: row.name,
        level: row.level,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        category_ids,
        phone_support: row.phone_support,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The categories each of these contracts lists, in one statement.
async fn listed(
    db: &impl ConnectionTrait,
    ids: Vec<ContractId>,
) -> ApiResult<HashMap<ContractId, Vec<CategoryId>>> {
    let mut listed: HashMap<ContractId, Vec<CategoryId>> = HashMap::new();
    if ids.is_empty() {
        return Ok(listed);
    }
    let rows = contract_categories::Entity::find()
        .filter(contract_categories::Column::ContractId.is_in(ids))
        .all(db)
        .await?;
    for row in rows {
        listed
            .entry(row.contract_id)
            .or_default()
            .push(row.category_id);
    }
    for ids in listed.values_mut() {
        ids.sort();
    }
    Ok(listed)
}

/// Support team: a page of the company's contracts, newest first; `q` finds words of the
/// name.
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    company_id: CompanyId,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<ContractPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    require_company(&state.db, company_id).await?;
    let query = contracts::Entity::find()
        .filter(contracts::Column::CompanyId.eq(company_id))
        .filter(words_in(q, &[contracts::Column::Name]));
    let rows = newest_first(query, contracts::Column::Id, &request)
        .all(&state.db)
        .await?;
    let mut listed = listed(&state.db, rows.iter().map(|row| row.id).collect()).await?;
    let day = today(&state.settings);
    let items = rows
        .into_iter()
        .map(|row| {
            let categories = listed.remove(&row.id).unwrap_or_default();
            resource(row, categories, day)
        })
        .collect();
    Ok(request.page(items, |contract: &Contract| contract.id.0))
}

/// Ok if `errors` is empty; else the 422 naming every bad member.
fn none_invalid(mut errors: Vec<FieldError>) -> ApiResult<()> {
    if errors.is_empty() {
        return Ok(());
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    Err(ApiError::Validation(errors))
}

/// The listed categories, each once and in order; each must exist (422 naming
/// `category_ids` otherwise).
async fn checked_categories(
    db: &impl ConnectionTrait,
    ids: &[CategoryId],
    errors: &mut Vec<FieldError>,
) -> ApiResult<Vec<CategoryId>> {
    let wanted: BTreeSet<CategoryId> = ids.iter().copied().collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: BTreeSet<CategoryId> = categories::Entity::find()
        .select_only()
        .column(categories::Column::Id)
        .filter(categories::Column::Id.is_in(wanted.iter().copied()))
        .into_tuple::<CategoryId>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let missing: Vec<String> = wanted.difference(&found).map(|id| id.to_string()).collect();
    if !missing.is_empty() {
        errors.push(FieldError::new(
            "category_ids",
            "not_found",
            format!("no category has the id {}", missing.join(", ")),
        ));
    }
    Ok(wanted.into_iter().collect())
}

async fn write_categories(
    db: &impl ConnectionTrait,
    contract: ContractId,
    ids: &[CategoryId],
) -> ApiResult<()> {
    contract_categories::Entity::delete_many()
        .filter(contract_categories::Column::ContractId.eq(contract))
        .exec(db)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    contract_categories::Entity::insert_many(ids.iter().map(|id| {
        contract_categories::ActiveModel {
            contract_id: Set(contract),
            category_id: Set(*id),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Admins: a new contract of the company.
pub async fn create(
    state: &AppState,
    user: &SessionUser,
    company_id: CompanyId,
    input: NewContract,
) -> ApiResult<Contract> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    require_company(&txn, company_id).await?;
    let mut errors: Vec<FieldError> = ContractPeriod {
        starts_on: input.starts_on,
        ends_on: input.ends_on,
    }
    .error()
    .into_iter()
    .collect();
    let listed = input.category_ids.unwrap_or_default();
    let category_ids = checked_categories(&txn, &listed, &mut errors).await?;
    none_invalid(errors)?;
    let row = contracts::ActiveModel {
        company_id: Set(company_id),
        name: Set(input.name.trim().to_owned()),
        level: Set(input.level),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        phone_support: Set(input.phone_support.unwrap_or(false)),
        ending_notice_sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    write_categories(&txn, row.id, &category_ids).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "contract.created",
        Target::new("contract", row.id),
        &Changes::created(Recorded::of(&row, &category_ids)),
    )
    .await?;
    state.commit(txn).await?;
    Ok(resource(row, category_ids, today(&state.settings)))
}

/// Admins: changes the members given. A new end date makes the ending notice due again.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: ContractId,
    input: ContractUpdate,
) -> ApiResult<Contract> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = contracts::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let before_categories = listed(&txn, vec![id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let mut after = before.clone();
    if let Some(name) = input.name {
        after.name = name.trim().to_owned();
    }
    if let Some(level) = input.level {
        after.level = level;
    }
    if let Some(starts_on) = input.starts_on {
        after.starts_on = starts_on;
    }
    if let Some(ends_on) = input.ends_on {
        after.ends_on = ends_on;
    }
    if let Some(phone_support) = input.phone_support {
        after.phone_support = phone_support;
    }
    let mut errors: Vec<FieldError> = period(&after).error().into_iter().collect();
    let after_categories = match &input.category_ids {
        Some(listed) => checked_categories(&txn, listed, &mut errors).await?,
        None => before_categories.clone(),
    };
    none_invalid(errors)?;
    let changes = Changes::between(
        Recorded::of(&before, &before_categories),
        Recorded::of(&after, &after_categories),
    );
    if changes.is_empty() {
        return Ok(resource(before, before_categories, today(&state.settings)));
    }
    let mut row: contracts::ActiveModel = before.clone().into();
    if after.ends_on != before.ends_on {
        row.ending_notice_sent_at = Set(None);
    }
    row.name = Set(after.name);
    row.level = Set(after.level);
    row.starts_on = Set(after.starts_on);
    row.ends_on = Set(after.ends_on);
    row.phone_support = Set(after.phone_support);
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    if after_categories != before_categories {
        write_categories(&txn, id, &after_categories).await?;
    }
    audit::record(
        &txn,
        &Actor::from(user),
        "contract.updated",
        Target::new("contract", id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(resource(saved, after_categories, today(&state.settings)))
}
