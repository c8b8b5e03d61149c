//! What a company's contracts allow today: opening tickets at all, the categories offered
//! and accepted, and the contract `GET /me` shows. The rules are `guichet_types`'; this
//! reads the rows they apply to, a company's contracts with their categories in one
//! statement.
use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use guichet_types::{
    covered_categories, covered_tree, is_covered, AccountManagerContact, CategoryId, CategoryNode,
    CompanyId, ContractPeriod, Permission, ProfileContract,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::extractor::display_name;
use crate::auth::SessionUser;
use crate::config::Settings;
use crate::entities::{companies, contract_categories, contracts, users};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Today in the provider's time zone: the day contracts are valid on.
pub fn today(settings: &Settings) -> NaiveDate {
    Utc::now().with_timezone(&settings.time_zone).date_naive()
}

pub fn period(row: &contracts::Model) -> ContractPeriod {
    ContractPeriod {
        starts_on: row.starts_on,
        ends_on: row.ends_on,
    }
}

/// A company's contracts, each with the categories it lists.
pub struct CompanyContracts(Vec<(contracts::Model, Vec<CategoryId>)>);

impl CompanyContracts {
    pub async fn load(db: &impl ConnectionTrait, company: CompanyId) -> ApiResult<Self> {
        let rows = contracts::Entity::find()
            .filter(contracts::Column::CompanyId.eq(company))
            .find_with_related(contract_categories::Entity)
            .all(db)
            .await?;
        Ok(CompanyContracts(
            rows.into_iter()
                .map(|(contract, listed)| {
                    (
                        contract,
                        listed.into_iter().map(|c| c.category_id).collect(),
                    )
                })
                .collect(),
        ))
    }

    fn valid_on(
        &self,
        day: NaiveDate,
    ) -> impl Iterator<Item = &(contracts::Model, Vec<CategoryId>)> {
        self.0
            .iter()
            .filter(move |(contract, _)| period(contract).is_valid_on(day))
    }

    pub fn any_valid_on(&self, day: NaiveDate) -> bool {
        self.valid_on(day).next().is_some()
    }

    /// What the contracts valid on `day` cover together; `None` when none is valid.
    pub fn coverage_on(&self, day: NaiveDate) -> Option<Coverage> {
        let mut valid = self.valid_on(day).peekable();
        valid.peek()?;
        Some(Coverage(covered_categories(
            valid.map(|(_, listed)| listed.as_slice()),
        )))
    }

    /// The contract shown as the company's on `day`: the valid one of the highest level,
    /// of those the one that runs longest.
    pub fn current_on(&self, day: NaiveDate) -> Option<&contracts::Model> {
        self.valid_on(day)
            .map(|(contract, _)| contract)
            .max_by_key(|contract| {
                (
                    contract.level.rank(),
                    contract.ends_on.is_none(),
                    contract.ends_on,
                )
            })
    }
}

/// The categories the valid contracts cover: `None` for every one.
pub struct Coverage(Option<BTreeSet<CategoryId>>);

impl Coverage {
    /// Whether tickets may be opened in `category`, whose parent `parent_of` tells.
    pub fn admits(
        &self,
        category: CategoryId,
        parent_of: impl Fn(CategoryId) -> Option<CategoryId>,
    ) -> bool {
        // The tree is shallow; the bound only guards against a cycle written by hand.
        let lineage = std::iter::successors(Some(category), |id| parent_of(*id)).take(64);
        is_covered(self.0.as_ref(), lineage)
    }

    fn offered(&self, tree: Vec<CategoryNode>) -> Vec<CategoryNode> {
        match &self.0 {
            None => tree,
            Some(covered) => covered_tree(tree, covered),
        }
    }
}

/// The categories a customer opening a ticket may choose: those their company's valid
/// contracts cover. Without a valid contract the customer may not open any (403
/// `no_valid_contract`, telling how to reach the provider).
pub async fn required(state: &AppState, company: CompanyId) -> ApiResult<Coverage> {
    let contracts = CompanyContracts::load(&state.db, company).await?;
    match contracts.coverage_on(today(&state.settings)) {
        Some(coverage) => Ok(coverage),
        None => Err(refusal(&state.db, &state.settings, company).await?),
    }
}

/// The refusal of a ticket to a company without a valid contract, telling whom to call.
async fn refusal(
    db: &impl ConnectionTrait,
    settings: &Settings,
    company: CompanyId,
) -> ApiResult<ApiError> {
    let manager = account_manager(db, company).await?;
    let whom = match manager {
        Some(contact) if contact.phone.is_empty() => {
            format!("your account manager, {}", contact.name)
        }
        Some(contact) => format!(
            "your account manager, {}, at {}",
            contact.name, contact.phone
        ),
        None => format!("your support provider at {}", settings.support_email),
    };
    Ok(ApiError::NoValidContract(format!(
        "your company has no support contract valid today: you can follow your tickets but \
         not open new ones; to renew the contract, contact {whom}"
    )))
}

/// The company's account manager and the phone line to reach them: the company's, else
/// the manager's office phone.
pub async fn account_manager(
    db: &impl ConnectionTrait,
    company: CompanyId,
) -> ApiResult<Option<AccountManagerContact>> {
    let Some(company) = companies::Entity::find_by_id(company).one(db).await? else {
        return Ok(None);
    };
    let Some(manager_id) = company.account_manager_id else {
        return Ok(None);
    };
    let Some(manager) = users::Entity::find_by_id(manager_id).one(db).await? else {
        return Ok(None);
    };
    let phone = if company.phone.trim().is_empty() {
        manager.office_phone.trim().to_owned()
    } else {
        company.phone.clone()
    };
    Ok(Some(AccountManagerContact {
        name: display_name(&manager),
        phone,
    }))
}

/// `GET /categories`: the support team gets the whole tree; a customer only the categories
/// their company's valid contracts cover (with the parents leading to them), none without a
/// valid contract.
pub async fn offered_tree(
    state: &AppState,
    user: &SessionUser,
    tree: Vec<CategoryNode>,
) -> ApiResult<Vec<CategoryNode>> {
    let company = match user.company_id {
        Some(company) if !user.can(Permission::TicketsWork) => company,
        _ => return Ok(tree),
    };
    let contracts = CompanyContracts::load(&state.db, company).await?;
    Ok(match contracts.coverage_on(today(&state.settings)) {
        Some(coverage) => coverage.offered(tree),
        None => Vec::new(),
    })
}

/// The contract `GET /me` shows a customer or referent of `company`; the account manager
/// only under gold and above.
pub async fn profile_contract(
    db: &impl ConnectionTrait,
    company: CompanyId,
    day: NaiveDate,
) -> ApiResult<Option<ProfileContract>> {
    let contracts = CompanyContracts::load(db, company).await?;
    let Some(current) = contracts.current_on(day) else {
        return Ok(None);
    };
    let account_manager = if current.level.reaches_account_manager() {
        account_manager(db, company).await?
    } else {
        None
    };
    Ok(Some(ProfileContract {
        name: current.name.clone(),
        level: current.level,
        ends_on: current.ends_on,
        phone_support: current.phone_support,
        account_manager,
    }))
}
