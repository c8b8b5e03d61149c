//! Profile reads and updates, categories in the caller's language, company assets.

use chrono::Utc;
use guichet_types::{Actor, CompanyRef, Permission, Profile, ProfileUpdate, Role, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TryIntoModel,
};

use crate::auth::SessionUser;
use crate::config::Settings;
use crate::contracts::coverage;
use crate::entities::{companies, users};
use crate::error::{ApiError, ApiResult};

/// The profile of `user_id`, with the provider's set-up of the ticket form and, for
/// customers and referents, their company's current contract.
pub async fn profile(
    db: &impl ConnectionTrait,
    settings: &Settings,
    user_id: UserId,
) -> ApiResult<Profile> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let company = match user.company_id {
        Some(id) => companies::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| CompanyRef {
                id: c.id,
                name: c.name,
            }),
        None => None,
    };
    let role = user.role;
    let contract = match user.company_id {
        Some(company) if !role.is_staff() => {
            coverage::profile_contract(db, company, coverage::today(settings)).await?
        }
        _ => None,
    };
    Ok(Profile {
        id: user.id,
        role,
        company,
        permissions: role.permissions().to_vec(),
        prefix: user.prefix,
        first_name: user.first_name,
        last_name: user.last_name,
        suffix: user.suffix,
        title: user.title,
        office_phone: user.office_phone,
        extension: user.extension,
        mobile_phone: user.mobile_phone,
        fax: user.fax,
        email: user.email,
        locale: user.locale,
        show_landing_page: user.show_landing_page,
        must_change_password: user.must_change_password,
        ticket_form: settings.ticket_form(),
        contract,
    })
}

pub async fn update_profile(
    db: &impl ConnectionTrait,
    settings: &Settings,
    user: &SessionUser,
    update: ProfileUpdate,
) -> ApiResult<Profile> {
    let account = users::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut active: users::ActiveModel = account.into();
    let text_fields = [
        (update.prefix, users::Column::Prefix),
        (update.first_name, users::Column::FirstName),
        (update.last_name, users::Column::LastName),
        (update.suffix, users::Column::Suffix),
        (update.title, users::Column::Title),
        (update.office_phone, users::Column::OfficePhone),
        (update.extension, users::Column::Extension),
        (update.mobile_phone, users::Column::MobilePhone),
        (update.fax, users::Column::Fax),
    ];
    for (value, column) in text_fields {
        if let Some(value) = value {
            active.set(column, value.trim().to_owned().into());
        }
    }
    // An address another account uses is refused by the unique index, concurrent changes
    // included: `ApiError` names it (409 `conflict` on `email`).
    if let Some(email) = update.email {
        active.email = Set(email.into());
    }
    if let Some(locale) = update.locale {
        active.locale = Set(locale);
    }
    if let Some(show) = update.show_landing_page {
        active.show_landing_page = Set(show);
    }
    // The people search finds the person by what they just wrote.
    let after = active.clone().try_into_model()?;
    active.search_text = Set(crate::people::accounts::search_text(&after));
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    profile(db, settings, user.id).await
}

/// Support team: the agents and admins, by name (assignment and the assignee filter).
pub async fn staff(db: &impl ConnectionTrait, user: &SessionUser) -> ApiResult<Vec<Actor>> {
    user.require(Permission::TicketsWork)?;
    // Whoever may work tickets may be given one.
    let roles = Role::ALL
        .iter()
        .copied()
        .filter(|role| role.can(Permission::TicketsWork));
    let mut people: Vec<Actor> = users::Entity::find()
        .filter(users::Column::Role.is_in(roles))
        .filter(users::Column::ServiceAccount.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|u| Actor {
            id: u.id,
            name: crate::auth::extractor::display_name(&u),
            role: u.role,
            assisted_by: None,
        })
        .collect();
    people.sort_by_key(|a| a.name.to_lowercase());
    Ok(people)
}
