//! Whom a new ticket is for, and how it came in. Customers open their own tickets, on the
//! portal. Agents name an account (`requester_id`) or a caller (`requester`): a caller whose
//! address has an account is that account, if it is a customer or referent of the company
//! named; any other becomes a new customer account, written with the ticket. An agent's
//! ticket came by phone unless `channel` says otherwise.
use guichet_types::{Channel, CompanyId, FieldError, NewCaller, NewTicket, Permission, Role};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::SessionUser;
use crate::entities::{companies, users};
use crate::error::ApiResult;
use crate::people::accounts::NewAccount;

/// The requester a ticket's input names.
pub enum Chosen {
    Account(users::Model),
    /// A caller without an account, and whether to invite them.
    Caller {
        account: NewAccount,
        invite: bool,
    },
}

impl Chosen {
    pub fn company_id(&self) -> Option<CompanyId> {
        match self {
            Chosen::Account(user) => user.company_id,
            Chosen::Caller { account, .. } => account.company_id,
        }
    }

    pub fn email(&self) -> &str {
        match self {
            Chosen::Account(user) => &user.email,
            Chosen::Caller { account, .. } => &account.email,
        }
    }
}

fn not_allowed(member: &str, errors: &mut Vec<FieldError>) {
    errors.push(FieldError::new(
        member,
        "not_allowed",
        "only the support team opens tickets for someone else",
    ));
}

/// The requester of `input` opened by `user`; what is wrong is added to `errors`.
pub async fn choose(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    input: &NewTicket,
    errors: &mut Vec<FieldError>,
) -> ApiResult<Option<Chosen>> {
    if !user.can(Permission::TicketsCreateForCustomer) {
        let given = [
            ("channel", input.channel.is_some()),
            ("requester", input.requester.is_some()),
            ("requester_id", input.requester_id.is_some()),
        ];
        for (member, _) in given.iter().filter(|(_, given)| *given) {
            not_allowed(member, errors);
        }
        if given.iter().any(|(_, given)| *given) {
            return Ok(None);
        }
        let own = users::Entity::find_by_id(user.id).one(db).await?;
        return Ok(own.map(Chosen::Account));
    }
    match (input.requester_id, &input.requester) {
        (Some(_), Some(_)) => {
            errors.push(FieldError::new(
                "requester",
                "not_allowed",
                "name the customer with requester_id or requester, not both",
            ));
            Ok(None)
        }
        (None, None) => {
            errors.push(FieldError::new(
                "requester_id",
                "required",
                "name the customer this ticket is for",
            ));
            Ok(None)
        }
        (Some(id), None) => {
            let found = users::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|u| u.company_id.is_some());
            if found.is_none() {
                errors.push(FieldError::new(
                    "requester_id",
                    "not_found",
                    "no customer has this id",
                ));
            }
            Ok(found.map(Chosen::Account))
        }
        (None, Some(caller)) => caller_account(db, caller, errors).await,
    }
}

async fn caller_account(
    db: &impl ConnectionTrait,
    caller: &NewCaller,
    errors: &mut Vec<FieldError>,
) -> ApiResult<Option<Chosen>> {
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(caller.email.as_str()))
        .one(db)
        .await?;
    if let Some(account) = existing {
        let of_company = account.company_id == Some(caller.company_id)
            && matches!(account.role, Role::Customer | Role::Referent);
        if of_company {
            return Ok(Some(Chosen::Account(account)));
        }
        errors.push(FieldError::new(
            "requester.email",
            "other_company",
            "this address has an account that is not a customer of this company",
        ));
        return Ok(None);
    }
    let company = companies::Entity::find_by_id(caller.company_id)
        .one(db)
        .await?;
    if company.is_none() {
        errors.push(FieldError::new(
            "requester.company_id",
            "not_found",
            "no company has this id",
        ));
        return Ok(None);
    }
    let phone = caller.phone.as_deref().unwrap_or_default().trim();
    let account = NewAccount {
        office_phone: phone.to_owned(),
        ..NewAccount::new(
            Some(caller.company_id),
            Role::Customer,
            caller.email.as_str(),
            &caller.first_name,
            &caller.last_name,
            guichet_types::Locale::default(),
        )
    };
    Ok(Some(Chosen::Caller {
        account,
        invite: caller.send_invitation.unwrap_or(false),
    }))
}

/// How a ticket opened by `user` came in: `given` for the support team (`phone` when absent);
/// a customer's ticket is on the portal.
pub fn channel(user: &SessionUser, given: Option<Channel>) -> Channel {
    if user.can(Permission::TicketsCreateForCustomer) {
        given.unwrap_or(Channel::Phone)
    } else {
        Channel::Portal
    }
}
