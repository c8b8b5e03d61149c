//! The refused access requests (a service code no company has, or an address its company does
//! not know; `auth::recovery` marks them), listed for the support team, who may make the
//! account the person asked for. Requests refused by the throttle are not listed: they repeat
//! one that was acted upon.
use std::collections::HashMap;

use chrono::Utc;
use guichet_types::{
    AccessRequestAccount, AccessRequestId, CompanyRef, FieldError, Permission, PersonRef,
    RefusedAccessRequest, RefusedAccessRequestPage, Role, User,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::accounts::{self, created_changes, unusable_password, Creation, NewAccount};
use crate::audit::{self, Actor, Target};
use crate::auth::extractor::display_name;
use crate::auth::recovery::PURPOSE_ACCESS;
use crate::auth::SessionUser;
use crate::entities::{account_mail_requests, companies, users};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;

fn refused_requests() -> sea_orm::Select<account_mail_requests::Entity> {
    account_mail_requests::Entity::find()
        .filter(account_mail_requests::Column::Purpose.eq(PURPOSE_ACCESS))
        .filter(account_mail_requests::Column::Refused.eq(true))
}

/// A page of refused access requests, newest first, each with the company of its code and
/// the account its address has now, if any (three statements whatever the page).
pub async fn list(
    state: &AppState,
    user: &SessionUser,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<RefusedAccessRequestPage> {
    user.require(Permission::TicketsWork)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let rows = newest_first(
        refused_requests(),
        account_mail_requests::Column::Id,
        &request,
    )
    .all(&state.db)
    .await?;
    let codes: Vec<&str> = rows.iter().map(|row| row.service_code.as_str()).collect();
    let companies: HashMap<String, CompanyRef> = if codes.is_empty() {
        HashMap::new()
    } else {
        companies::Entity::find()
            .filter(companies::Column::ServiceCode.is_in(codes))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|c| {
                let company = CompanyRef {
                    id: c.id,
                    name: c.name,
                };
                (c.service_code, company)
            })
            .collect()
    };
    let emails: Vec<&str> = rows.iter().map(|row| row.email.as_str()).collect();
    let accounts: HashMap<String, PersonRef> = if emails.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Email.is_in(emails))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|u| {
                let person = PersonRef {
                    id: u.id,
                    name: display_name(&u),
                    email: u.email.clone(),
                };
                (u.email, person)
            })
            .collect()
    };
    let items = rows
        .into_iter()
        .map(|row| RefusedAccessRequest {
            id: AccessRequestId(row.id),
            at: row.at,
            company: companies.get(&row.service_code).cloned(),
            account: accounts.get(&row.email).cloned(),
            email: row.email,
            full_name: row.full_name,
            service_code: row.service_code,
            locale: row.locale,
            handled_at: row.handled_at,
        })
        .collect();
    Ok(request.page(items, |item: &RefusedAccessRequest| item.id.0))
}

/// Makes the account a refused request asked for, at its address and in its language, as
/// `POST /users` would, and marks the request handled. A request handled already is a 409
/// `already_handled`; an address that has an account meanwhile, a 409 `conflict` (`email`).
pub async fn make_account(
    state: &AppState,
    user: &SessionUser,
    id: AccessRequestId,
    input: AccessRequestAccount,
) -> ApiResult<User> {
    user.require(Permission::TicketsWork)?;
    let role = input.role.unwrap_or(Role::Customer);
    match role {
        Role::Customer => {}
        Role::Referent if user.can(Permission::Admin) => {}
        Role::Referent => {
            return Err(ApiError::Forbidden(
                "only administrators give the referent role".to_owned(),
            ))
        }
        Role::Agent | Role::Admin => {
            return Err(ApiError::field(
                "role",
                "invalid_choice",
                "an access request becomes a customer or a referent",
            ))
        }
    }
    let company = companies::Entity::find_by_id(input.company_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "company_id",
                "not_found",
                "no company has this id",
            )])
        })?;
    let unusable_password = unusable_password(&state.passwords).await?;
    let now = Utc::now();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let request = refused_requests()
        .filter(account_mail_requests::Column::Id.eq(id.0))
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Marking it is the first write, so that two agents at once cannot both handle it.
    let marked = account_mail_requests::Entity::update_many()
        .col_expr(account_mail_requests::Column::HandledAt, Expr::value(now))
        .filter(account_mail_requests::Column::Id.eq(request.id))
        .filter(account_mail_requests::Column::HandledAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        return Err(ApiError::Conflict {
            code: "already_handled",
            detail: "an account was made from this request already".to_owned(),
        });
    }
    let creation = Creation {
        account: NewAccount::new(
            Some(company.id),
            role,
            &request.email,
            &input.first_name,
            &input.last_name,
            request.locale,
        ),
        unusable_password,
        invite: input.send_invitation.unwrap_or(true),
        actor: Actor::from(user),
    };
    let person = accounts::write(&txn, &state.settings, &creation, now).await?;
    account_mail_requests::Entity::update_many()
        .col_expr(
            account_mail_requests::Column::AccountId,
            Expr::value(person.id.0),
        )
        .filter(account_mail_requests::Column::Id.eq(request.id))
        .exec(&txn)
        .await?;
    let changes = created_changes(&person, creation.invite);
    audit::record(
        &txn,
        &creation.actor,
        "access_request.account_created",
        Target::new("access_request", request.id),
        &changes,
    )
    .await?;
    state.commit(txn).await?;
    Ok(super::service::resource(person, Some(company.name)))
}
