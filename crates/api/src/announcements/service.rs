//! Announcement rules as plain functions.
use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::{Announcement, AnnouncementInput, Permission};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::auth::SessionUser;
use crate::entities::announcements;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn to_resource(row: announcements::Model) -> Announcement {
    Announcement {
        id: row.id,
        title: row.title,
        body: row.body,
        locale: row.locale,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        created_at: row.created_at,
    }
}

/// The announcements `user` sees now, newest first; with `all`, admins get every one,
/// past and future.
pub async fn list(state: &AppState, user: &SessionUser, all: bool) -> ApiResult<Vec<Announcement>> {
    let mut query = announcements::Entity::find()
        .order_by_desc(announcements::Column::StartsAt)
        .order_by_desc(announcements::Column::Id);
    if all {
        user.require(Permission::Admin)?;
    } else {
        let now = Utc::now();
        query = query
            .filter(announcements::Column::StartsAt.lte(now))
            .filter(
                Condition::any()
                    .add(announcements::Column::EndsAt.is_null())
                    .add(announcements::Column::EndsAt.gt(now)),
            )
            .filter(
                Condition::any()
                    .add(announcements::Column::Locale.is_null())
                    .add(announcements::Column::Locale.eq(user.locale.as_str())),
            );
    }
    Ok(query
        .all(&state.db)
        .await?
        .into_iter()
        .map(to_resource)
        .collect())
}

fn checked(input: &AnnouncementInput, now: DateTime<Utc>) -> ApiResult<()> {
    match input.period_error(now) {
        Some(error) => Err(ApiError::Validation(vec![error])),
        None => Ok(()),
    }
}

fn fields(row: &mut announcements::ActiveModel, input: AnnouncementInput, now: DateTime<Utc>) {
    row.title = Set(input.title.trim().to_owned());
    row.body = Set(input.body.trim().to_owned());
    row.locale = Set(input.locale);
    row.starts_at = Set(input.starts_at.unwrap_or(now).trunc_subsecs(6));
    row.ends_at = Set(input.ends_at.map(|at| at.trunc_subsecs(6)));
}

pub async fn create(
    state: &AppState,
    user: &SessionUser,
    input: AnnouncementInput,
) -> ApiResult<Announcement> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    checked(&input, now)?;
    let mut row = announcements::ActiveModel {
        created_at: Set(now),
        ..Default::default()
    };
    fields(&mut row, input, now);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let saved = row.insert(&txn).await?;
    state.commit(txn).await?;
    Ok(to_resource(saved))
}

pub async fn replace(
    state: &AppState,
    user: &SessionUser,
    id: i64,
    input: AnnouncementInput,
) -> ApiResult<Announcement> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    checked(&input, now)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let found = announcements::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut row: announcements::ActiveModel = found.into();
    fields(&mut row, input, now);
    let saved = row.update(&txn).await?;
    state.commit(txn).await?;
    Ok(to_resource(saved))
}

pub async fn delete(state: &AppState, user: &SessionUser, id: i64) -> ApiResult<()> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let deleted = announcements::Entity::delete_by_id(id).exec(&txn).await?;
    state.commit(txn).await?;
    if deleted.rows_affected == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}
