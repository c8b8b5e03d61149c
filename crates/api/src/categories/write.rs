//! The admins' category writes: each in one transaction with its audit event and the bump
//! of the tree's counter, so every instance shows the change at its next request.
use std::collections::HashMap;

use guichet_types::{
    makes_a_loop, Category, CategoryId, CategoryUpdate, FieldError, NewCategory, Permission,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, NotSet, Set};

use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::entities::categories;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn resource(row: &categories::Model) -> Category {
    Category {
        id: row.id,
        name_fr: row.name_fr.clone(),
        name_en: row.name_en.clone(),
        parent_id: row.parent_id,
        kind: row.kind,
        position: row.position,
        active: row.active,
    }
}

/// Every category, read in the writing transaction (the table is small).
async fn all(txn: &impl ConnectionTrait) -> ApiResult<HashMap<CategoryId, categories::Model>> {
    Ok(categories::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect())
}

fn next_position(rows: &HashMap<CategoryId, categories::Model>, parent: Option<CategoryId>) -> i32 {
    rows.values()
        .filter(|row| row.parent_id == parent)
        .map(|row| row.position + 1)
        .max()
        .unwrap_or(0)
}

pub async fn create(
    state: &AppState,
    user: &SessionUser,
    input: NewCategory,
) -> ApiResult<Category> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let rows = all(&txn).await?;
    if let Some(parent) = input.parent_id {
        if !rows.contains_key(&parent) {
            return Err(ApiError::field(
                "parent_id",
                "not_found",
                "no category has this id",
            ));
        }
    }
    let row = categories::ActiveModel {
        id: NotSet,
        parent_id: Set(input.parent_id),
        kind: Set(input.kind),
        name_fr: Set(input.name_fr.trim().to_owned()),
        name_en: Set(input.name_en.trim().to_owned()),
        position: Set(input
            .position
            .unwrap_or_else(|| next_position(&rows, input.parent_id))),
        system_key: Set(None),
        active: Set(input.active.unwrap_or(true)),
    }
    .insert(&txn)
    .await?;
    let category = resource(&row);
    audit::record(
        &txn,
        &Actor::from(user),
        "category.created",
        Target::new("category", row.id),
        &Changes::created(&category),
    )
    .await?;
    state.categories.changed(&txn).await?;
    state.commit(txn).await?;
    Ok(category)
}

pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: CategoryId,
    input: CategoryUpdate,
) -> ApiResult<Category> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let rows = all(&txn).await?;
    let row = rows.get(&id).cloned().ok_or(ApiError::NotFound)?;
    let mut errors = Vec::new();
    if let Some(Some(parent)) = input.parent_id {
        if !rows.contains_key(&parent) {
            errors.push(FieldError::new(
                "parent_id",
                "not_found",
                "no category has this id",
            ));
        } else if makes_a_loop(id, parent, |c| rows.get(&c).and_then(|r| r.parent_id)) {
            errors.push(FieldError::new(
                "parent_id",
                "loop",
                "a category cannot go under itself or a category under it",
            ));
        }
    }
    // The server's own categories (the lost-account intake) stay where they are, in use.
    if row.system_key.is_some() {
        let moved = input
            .parent_id
            .is_some_and(|parent| parent != row.parent_id);
        if moved {
            errors.push(FieldError::new(
                "parent_id",
                "system_category",
                "this category is the server's own and stays at its place",
            ));
        }
        if input.active == Some(false) {
            errors.push(FieldError::new(
                "active",
                "system_category",
                "this category is the server's own and cannot be retired",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let before = resource(&row);
    let mut after = before.clone();
    if let Some(name) = &input.name_fr {
        after.name_fr = name.trim().to_owned();
    }
    if let Some(name) = &input.name_en {
        after.name_en = name.trim().to_owned();
    }
    if let Some(parent) = input.parent_id {
        after.parent_id = parent;
    }
    if let Some(kind) = input.kind {
        after.kind = kind;
    }
    if let Some(position) = input.position {
        after.position = position;
    }
    if let Some(flag) = input.active {
        after.active = flag;
    }
    let changes = Changes::between(&before, &after);
    if changes.is_empty() {
        return Ok(before);
    }
    let mut model: categories::ActiveModel = row.into();
    model.name_fr = Set(after.name_fr.clone());
    model.name_en = Set(after.name_en.clone());
    model.parent_id = Set(after.parent_id);
    model.kind = Set(after.kind);
    model.position = Set(after.position);
    model.active = Set(after.active);
    model.update(&txn).await?;
    let action = match (before.active, after.active) {
        (true, false) => "category.retired",
        (false, true) => "category.reactivated",
        _ => "category.updated",
    };
    audit::record(
        &txn,
        &Actor::from(user),
        action,
        Target::new("category", id),
        &changes,
    )
    .await?;
    state.categories.changed(&txn).await?;
    state.commit(txn).await?;
    Ok(after)
}
