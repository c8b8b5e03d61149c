//! Profile reads and updates, categories in the caller's language, company assets.
use std::collections::HashMap;

use chrono::Utc;
use guichet_types::{
    Actor, Asset, CategoryId, CategoryNode, CompanyId, CompanyRef, Locale, Permission, Profile,
    ProfileUpdate, Role, TicketForm, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TryIntoModel,
};

use crate::auth::SessionUser;
use crate::entities::{assets, categories, companies, users};
use crate::error::{ApiError, ApiResult};

/// The profile of `user_id`, with the provider's `ticket_form` set-up.
pub async fn profile(
    db: &impl ConnectionTrait,
    ticket_form: TicketForm,
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
        ticket_form,
    })
}

pub async fn update_profile(
    db: &impl ConnectionTrait,
    ticket_form: TicketForm,
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
    profile(db, ticket_form, user.id).await
}

/// The whole category tree, named in `locale`, children in their configured order.
pub async fn category_tree(
    db: &impl ConnectionTrait,
    locale: Locale,
) -> ApiResult<Vec<CategoryNode>> {
    let rows = categories::Entity::find()
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await?;
    let mut children: HashMap<Option<CategoryId>, Vec<&categories::Model>> = HashMap::new();
    for row in &rows {
        children.entry(row.parent_id).or_default().push(row);
    }
    fn build(
        parent: Option<CategoryId>,
        children: &HashMap<Option<CategoryId>, Vec<&categories::Model>>,
        locale: Locale,
    ) -> Vec<CategoryNode> {
        children
            .get(&parent)
            .map(|rows| {
                rows.iter()
                    .map(|row| CategoryNode {
                        id: row.id,
                        name: match locale {
                            Locale::Fr => row.name_fr.clone(),
                            Locale::En => row.name_en.clone(),
                        },
                        kind: row.kind,
                        children: build(Some(row.id), children, locale),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    Ok(build(None, &children, locale))
}

/// Assets of the caller's company; agents name the company with `company_id`.
pub async fn company_assets(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    company_id: Option<CompanyId>,
) -> ApiResult<Vec<Asset>> {
    let company = match (user.can(Permission::TicketsViewAll), company_id) {
        (true, Some(id)) => Some(id),
        (false, Some(id)) if Some(id) != user.company_id => return Err(ApiError::NotFound),
        _ => user.company_id,
    };
    let Some(company) = company else {
        return Ok(Vec::new());
    };
    let rows = assets::Entity::find()
        .filter(assets::Column::CompanyId.eq(company))
        .order_by_asc(assets::Column::Name)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| Asset {
            id: a.id,
            name: a.name,
            reference: a.reference,
        })
        .collect())
}

/// Support team: every client company, by name (the queue's company filter).
pub async fn companies(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> ApiResult<Vec<CompanyRef>> {
    user.require(Permission::TicketsWork)?;
    Ok(companies::Entity::find()
        .order_by_asc(companies::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CompanyRef {
            id: c.id,
            name: c.name,
        })
        .collect())
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
        .all(db)
        .await?
        .into_iter()
        .map(|u| Actor {
            id: u.id,
            name: crate::auth::extractor::display_name(&u),
            role: u.role,
        })
        .collect();
    people.sort_by_key(|a| a.name.to_lowercase());
    Ok(people)
}
