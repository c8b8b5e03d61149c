//! Known contacts of a company: addresses without an account, which access requests and
//! mail intake recognise. Admins write them; the support team reads them, by address.
use guichet_types::{
    CompanyId, Contact, ContactId, ContactPage, ContactUpdate, NewContact, Permission,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;

use super::service::require_company;
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::entities::company_contacts;
use crate::error::{ApiError, ApiResult};
use crate::paging::{by_name, words_in, PageRequest};
use crate::state::AppState;

/// The members of a contact, as the audit log records them.
#[derive(Debug, PartialEq, Serialize)]
struct Recorded<'a> {
    company_id: CompanyId,
    email: &'a str,
    full_name: &'a str,
    phone: &'a str,
}

impl<'a> Recorded<'a> {
    fn of(row: &'a company_contacts::Model) -> Self {
        Recorded {
            company_id: row.company_id,
            email: &row.email,
            full_name: &row.full_name,
            phone: &row.phone,
        }
    }
}

fn resource(row: company_contacts::Model) -> Contact {
    Contact {
        id: row.id,
        company_id: row.company_id,
        email: row.email,
        full_name: row.full_name,
        phone: row.phone,
    }
}

/// Support team: a page of the company's contacts, by address; `q` finds words of the
/// address or the name.
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    company_id: CompanyId,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<ContactPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<(String, i64)> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    require_company(&state.db, company_id).await?;
    let query = company_contacts::Entity::find()
        .filter(company_contacts::Column::CompanyId.eq(company_id))
        .filter(words_in(
            q,
            &[
                company_contacts::Column::Email,
                company_contacts::Column::FullName,
            ],
        ));
    let rows = by_name(
        query,
        company_contacts::Column::Email,
        company_contacts::Column::Id,
        &request,
    )
    .all(&state.db)
    .await?;
    let items = rows.into_iter().map(resource).collect();
    Ok(request.page(items, |contact: &Contact| {
        (contact.email.clone(), contact.id.0)
    }))
}

/// Admins: a new contact of the company.
pub async fn create(
    state: &AppState,
    user: &SessionUser,
    company_id: CompanyId,
    input: NewContact,
) -> ApiResult<Contact> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    require_company(&txn, company_id).await?;
    // An address the company already knows is refused by the unique index (409 `conflict`
    // naming `email`), concurrent creations included.
    let row = company_contacts::ActiveModel {
        company_id: Set(company_id),
        email: Set(input.email.into()),
        full_name: Set(input.full_name.unwrap_or_default().trim().to_owned()),
        phone: Set(input.phone.unwrap_or_default().trim().to_owned()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "contact.created",
        Target::new("contact", row.id),
        &Changes::created(Recorded::of(&row)),
    )
    .await?;
    state.commit(txn).await?;
    Ok(resource(row))
}

/// Admins: changes the members given.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: ContactId,
    input: ContactUpdate,
) -> ApiResult<Contact> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = company_contacts::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut after = before.clone();
    if let Some(email) = input.email {
        after.email = email.into();
    }
    if let Some(full_name) = input.full_name {
        after.full_name = full_name.trim().to_owned();
    }
    if let Some(phone) = input.phone {
        after.phone = phone.trim().to_owned();
    }
    let changes = Changes::between(Recorded::of(&before), Recorded::of(&after));
    if changes.is_empty() {
        return Ok(resource(before));
    }
    let mut row: company_contacts::ActiveModel = before.into();
    row.email = Set(after.email);
    row.full_name = Set(after.full_name);
    row.phone = Set(after.phone);
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "contact.updated",
        Target::new("contact", id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(resource(saved))
}

/// Admins: forgets a contact.
pub async fn delete(state: &AppState, user: &SessionUser, id: ContactId) -> ApiResult<()> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = company_contacts::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    company_contacts::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "contact.deleted",
        Target::new("contact", id),
        &Changes::removed(Recorded::of(&row)),
    )
    .await?;
    state.commit(txn).await
}
