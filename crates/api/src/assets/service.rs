//! Reading and writing assets; each write in one transaction with its audit event.
use guichet_types::{
    Asset, AssetId, AssetImport, AssetUpdate, CompanyId, FieldError, NewAsset, Permission,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::entities::{assets, companies};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn resource(row: assets::Model) -> Asset {
    Asset {
        id: row.id,
        name: row.name,
        reference: row.reference,
        company_id: row.company_id,
        kind: row.kind,
        location: row.location,
        active: row.active,
    }
}

/// The assets of the caller's company, by name; the support team names the company with
/// `company_id`, and admins may ask for the retired ones too (`all`).
pub async fn list(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    company_id: Option<CompanyId>,
    all: bool,
) -> ApiResult<Vec<Asset>> {
    if all {
        user.require(Permission::Admin)?;
    }
    let company = match (user.can(Permission::TicketsViewAll), company_id) {
        (true, Some(id)) => Some(id),
        (false, Some(id)) if Some(id) != user.company_id => return Err(ApiError::NotFound),
        _ => user.company_id,
    };
    let Some(company) = company else {
        return Ok(Vec::new());
    };
    let mut query = assets::Entity::find().filter(assets::Column::CompanyId.eq(company));
    if !all {
        query = query.filter(assets::Column::Active.eq(true));
    }
    Ok(query
        .order_by_asc(assets::Column::Name)
        .order_by_asc(assets::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(resource)
        .collect())
}

async fn company_exists(db: &impl ConnectionTrait, id: CompanyId) -> ApiResult<bool> {
    Ok(companies::Entity::find_by_id(id).count(db).await? > 0)
}

fn no_company() -> FieldError {
    FieldError::new("company_id", "not_found", "no company has this id")
}

fn trimmed(text: &Option<String>) -> String {
    text.as_deref().unwrap_or_default().trim().to_owned()
}

fn row_of(company_id: CompanyId, input: &NewAsset) -> assets::ActiveModel {
    assets::ActiveModel {
        id: NotSet,
        company_id: Set(company_id),
        name: Set(input.name.trim().to_owned()),
        reference: Set(trimmed(&input.reference)),
        kind: Set(trimmed(&input.kind)),
        location: Set(trimmed(&input.location)),
        active: Set(input.active.unwrap_or(true)),
    }
}

pub async fn create(state: &AppState, user: &SessionUser, input: NewAsset) -> ApiResult<Asset> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    if !company_exists(&txn, input.company_id).await? {
        return Err(ApiError::Validation(vec![no_company()]));
    }
    let asset = resource(row_of(input.company_id, &input).insert(&txn).await?);
    audit::record(
        &txn,
        &Actor::from(user),
        "asset.created",
        Target::new("asset", asset.id),
        &Changes::created(&asset),
    )
    .await?;
    state.commit(txn).await?;
    Ok(asset)
}

pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: AssetId,
    input: AssetUpdate,
) -> ApiResult<Asset> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = assets::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(company) = input.company_id {
        if !company_exists(&txn, company).await? {
            return Err(ApiError::Validation(vec![no_company()]));
        }
    }
    let before = resource(row.clone());
    let mut after = before.clone();
    if let Some(company) = input.company_id {
        after.company_id = company;
    }
    for (given, member) in [
        (&input.name, &mut after.name),
        (&input.reference, &mut after.reference),
        (&input.kind, &mut after.kind),
        (&input.location, &mut after.location),
    ] {
        if let Some(value) = given {
            *member = value.trim().to_owned();
        }
    }
    if let Some(flag) = input.active {
        after.active = flag;
    }
    let changes = Changes::between(&before, &after);
    if changes.is_empty() {
        return Ok(before);
    }
    let mut model: assets::ActiveModel = row.into();
    model.company_id = Set(after.company_id);
    model.name = Set(after.name.clone());
    model.reference = Set(after.reference.clone());
    model.kind = Set(after.kind.clone());
    model.location = Set(after.location.clone());
    model.active = Set(after.active);
    model.update(&txn).await?;
    let action = match (before.active, after.active) {
        (true, false) => "asset.retired",
        (false, true) => "asset.reactivated",
        _ => "asset.updated",
    };
    audit::record(
        &txn,
        &Actor::from(user),
        action,
        Target::new("asset", id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(after)
}

/// Adds every asset of a CSV file to `company_id`, or (422 naming every bad line and
/// column) none.
pub async fn import(
    state: &AppState,
    user: &SessionUser,
    company_id: CompanyId,
    file: &[u8],
) -> ApiResult<AssetImport> {
    user.require(Permission::Admin)?;
    if !company_exists(&state.db, company_id).await? {
        return Err(ApiError::NotFound);
    }
    let rows = super::import::parse(file).map_err(ApiError::Validation)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut items = Vec::with_capacity(rows.len());
    // Inserted one by one to get each id back on both databases; an import is a rare act.
    for row in &rows {
        items.push(resource(row_of(company_id, row).insert(&txn).await?));
    }
    let created = u32::try_from(items.len()).unwrap_or(u32::MAX);
    let mut changes = Changes::new();
    changes.set("created", 0, created);
    audit::record(
        &txn,
        &Actor::from(user),
        "assets.imported",
        Target::new("company", company_id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(AssetImport { created, items })
}
