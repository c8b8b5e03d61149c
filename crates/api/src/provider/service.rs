//! The provider page as plain functions: read (with the caller's contract) and written by
//! admins, audited.
use chrono::{SubsecRound, Utc};
use guichet_types::{Locale, Permission, ProviderPage, ProviderPageInput};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::articles::render::render;
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::contracts::coverage;
use crate::entities::provider_pages;
use crate::error::ApiResult;
use crate::state::AppState;

/// The page in `locale` (the caller's language by default), with the contract of the
/// caller's company as `GET /me` shows it to customers.
pub async fn get(
    state: &AppState,
    user: &SessionUser,
    locale: Option<Locale>,
) -> ApiResult<ProviderPage> {
    let locale = locale.unwrap_or(user.locale);
    let row = provider_pages::Entity::find_by_id(locale)
        .one(&state.db)
        .await?;
    let contract = match user.company_id {
        Some(company) if !user.role.is_staff() => {
            coverage::profile_contract(&state.db, company, coverage::today(&state.settings)).await?
        }
        _ => None,
    };
    Ok(match row {
        Some(row) => ProviderPage {
            locale,
            body_markdown: row.body_markdown,
            body_html: row.body_html,
            updated_at: row.updated_at,
            contract,
        },
        None => ProviderPage {
            locale,
            body_markdown: String::new(),
            body_html: String::new(),
            updated_at: None,
            contract,
        },
    })
}

/// Admins: writes the page in `locale`.
pub async fn put(
    state: &AppState,
    user: &SessionUser,
    locale: Locale,
    input: ProviderPageInput,
) -> ApiResult<ProviderPage> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let rendered = render(&input.body_markdown);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = provider_pages::Entity::find_by_id(locale).one(&txn).await?;
    let previous = before
        .as_ref()
        .map(|row| row.body_markdown.clone())
        .unwrap_or_default();
    if before.is_some() && previous == input.body_markdown {
        drop(txn);
        return get(state, user, Some(locale)).await;
    }
    let row = provider_pages::ActiveModel {
        locale: Set(locale),
        body_markdown: Set(input.body_markdown.clone()),
        body_html: Set(rendered.html),
        updated_by: Set(Some(user.id)),
        updated_at: Set(Some(now)),
    };
    if before.is_some() {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    let mut changes = Changes::new();
    changes.set("body_markdown", previous, input.body_markdown);
    audit::record(
        &txn,
        &Actor::from(user),
        "provider_page.updated",
        Target::new("provider_page", locale),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    get(state, user, Some(locale)).await
}
