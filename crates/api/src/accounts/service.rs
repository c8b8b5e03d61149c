//! Profile reads and updates, categories in the caller's language, company assets.
use std::collections::HashMap;

use chrono::Utc;
use guichet_types::{
    Actor, Asset, AssetId, CategoryId, CategoryNode, CompanyId, CompanyRef, Locale, Profile,
    ProfileUpdate, Role, TicketForm, TicketKind, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::auth::SessionUser;
use crate::entities::{assets, categories, companies, users};
use crate::error::{ApiError, ApiResult};

/// What each role may do; the SPA shows or hides actions by these names.
pub fn permissions(role: Role) -> Vec<String> {
    let names: &[&str] = match role {
        Role::Customer => &["tickets.create", "tickets.view_own"],
        Role::Referent => &["tickets.create", "tickets.view_own", "tickets.view_company"],
        Role::Agent => &[
            "tickets.view_all",
            "tickets.create_for_customer",
            "tickets.work",
        ],
        Role::Admin => &[
            "tickets.view_all",
            "tickets.create_for_customer",
            "tickets.work",
            "admin",
        ],
    };
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// The profile of `user_id`, with the provider's `ticket_form` set-up.
pub async fn profile(
    db: &impl ConnectionTrait,
    ticket_form: TicketForm,
    user_id: i64,
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
                id: CompanyId(c.id),
                name: c.name,
            }),
        None => None,
    };
    let role = Role::parse(&user.role).ok_or_else(|| ApiError::internal("unknown role"))?;
    Ok(Profile {
        id: UserId(user.id),
        role,
        company,
        permissions: permissions(role),
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
        locale: Locale::parse(&user.locale).unwrap_or_default(),
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
    // included: `ApiError` names it (`email`, `taken`).
    if let Some(email) = update.email {
        active.email = Set(email.into());
    }
    if let Some(locale) = update.locale {
        active.locale = Set(locale.as_str().to_owned());
    }
    if let Some(show) = update.show_landing_page {
        active.show_landing_page = Set(show);
    }
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
    let mut children: HashMap<Option<i64>, Vec<&categories::Model>> = HashMap::new();
    for row in &rows {
        children.entry(row.parent_id).or_default().push(row);
    }
    fn build(
        parent: Option<i64>,
        children: &HashMap<Option<i64>, Vec<&categories::Model>>,
        locale: Locale,
    ) -> Vec<CategoryNode> {
        children
            .get(&parent)
            .map(|rows| {
                rows.iter()
                    .map(|row| CategoryNode {
                        id: CategoryId(row.id),
                        name: match locale {
                            Locale::Fr => row.name_fr.clone(),
                            Locale::En => row.name_en.clone(),
                        },
                        kind: row.kind.as_deref().and_then(TicketKind::parse),
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
    company_id: Option<i64>,
) -> ApiResult<Vec<Asset>> {
    let company = match (user.is_staff(), company_id) {
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
            id: AssetId(a.id),
            name: a.name,
            reference: a.reference,
        })
        .collect())
}

fn staff_only(user: &SessionUser) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("support team only".into()))
    }
}

/// Support team: every client company, by name (the queue's company filter).
pub async fn companies(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> ApiResult<Vec<CompanyRef>> {
    staff_only(user)?;
    Ok(companies::Entity::find()
        .order_by_asc(companies::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CompanyRef {
            id: CompanyId(c.id),
            name: c.name,
        })
        .collect())
}

/// Support team: the agents and admins, by name (assignment and the assignee filter).
pub async fn staff(db: &impl ConnectionTrait, user: &SessionUser) -> ApiResult<Vec<Actor>> {
    staff_only(user)?;
    let roles = [Role::Agent.as_str(), Role::Admin.as_str()];
    let mut people: Vec<Actor> = users::Entity::find()
        .filter(users::Column::Role.is_in(roles))
        .all(db)
        .await?
        .into_iter()
        .map(|u| Actor {
            id: UserId(u.id),
            name: crate::auth::extractor::display_name(&u),
            role: Role::parse(&u.role).unwrap_or_default(),
        })
        .collect();
    people.sort_by_key(|a| a.name.to_lowercase());
    Ok(people)
}
