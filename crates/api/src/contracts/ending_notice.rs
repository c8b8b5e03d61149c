//! The notice of a contract ending: the active referents of an active company are mailed
//! once, [`NOTICE_DAYS`] days (or less) before the contract's last day, unless another
//! contract of the company takes over the next day. `contracts.ending_notice_sent_at`
//! marks a contract told; a new end date makes it due again.
//!
//! A periodic task of every instance, as auto-close is: the due contracts are claimed
//! with `FOR UPDATE SKIP LOCKED` on PostgreSQL and marked conditionally, so each notice is
//! sent once; the mails are written to the outbox in the same transaction.
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{SubsecRound, Utc};
use guichet_types::{CompanyId, Role};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::coverage::{account_manager, period, today};
use crate::auth::extractor::display_name;
use crate::entities::{companies, contracts, users};
use crate::error::ApiResult;
use crate::notifications::contract_mail::{ending_notice, EndingNotice};
use crate::notifications::outbox::{self, OutgoingMail};
use crate::state::AppState;

/// How many days before its last day a contract's end is told.
pub const NOTICE_DAYS: i64 = 30;
/// How often each instance looks for contracts to tell about.
pub const CHECK_EVERY: Duration = Duration::from_secs(3600);
/// Contracts told per run at most; the next run takes the rest.
const BATCH: u64 = 100;

/// Mails the notices due; returns how many contracts were told about.
pub async fn send_due(state: &AppState) -> ApiResult<usize> {
    let day = today(&state.settings);
    let horizon = day + chrono::Duration::days(NOTICE_DAYS);
    let now = Utc::now().trunc_subsecs(6);
    // Only companies someone can be told about: active, with an active referent. A
    // contract of a company without one stays due until it ends or gets one.
    let with_referents = Query::select()
        .column(users::Column::CompanyId)
        .from(users::Entity)
        .and_where(users::Column::Role.eq(Role::Referent))
        .and_where(users::Column::Active.eq(true))
        .and_where(users::Column::ServiceAccount.eq(false))
        .to_owned();
    let active = Query::select()
        .column(companies::Column::Id)
        .from(companies::Entity)
        .and_where(companies::Column::Active.eq(true))
        .to_owned();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let mut due = contracts::Entity::find()
        .filter(contracts::Column::EndingNoticeSentAt.is_null())
        .filter(contracts::Column::EndsOn.gte(day))
        .filter(contracts::Column::EndsOn.lte(horizon))
        .filter(contracts::Column::CompanyId.in_subquery(with_referents))
        .filter(contracts::Column::CompanyId.in_subquery(active))
        .order_by_asc(contracts::Column::EndsOn)
        .limit(BATCH);
    if txn.get_database_backend() == DbBackend::Postgres {
        // Contracts another instance is telling about right now are skipped.
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due = due.all(&txn).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let company_ids: BTreeSet<CompanyId> = due.iter().map(|c| c.company_id).collect();
    let others = contracts::Entity::find()
        .filter(contracts::Column::CompanyId.is_in(company_ids.iter().copied()))
        .all(&txn)
        .await?;
    let names: HashMap<CompanyId, String> = companies::Entity::find()
        .filter(companies::Column::Id.is_in(company_ids.iter().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut referents: HashMap<CompanyId, Vec<users::Model>> = HashMap::new();
    for person in users::Entity::find()
        .filter(users::Column::CompanyId.is_in(company_ids.iter().copied()))
        .filter(users::Column::Role.eq(Role::Referent))
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::ServiceAccount.eq(false))
        .all(&txn)
        .await?
    {
        if let Some(company) = person.company_id {
            referents.entry(company).or_default().push(person);
        }
    }

    let link = format!("{}/", state.settings.public_url.trim_end_matches('/'));
    let mut mails = Vec::new();
    let mut told = 0;
    for contract in due {
        let Some(ends_on) = contract.ends_on else {
            continue;
        };
        // Renewed: another contract runs the day after this one ends.
        let next_day = ends_on + chrono::Duration::days(1);
        let renewed = others.iter().any(|other| {
            other.id != contract.id
                && other.company_id == contract.company_id
                && period(other).is_valid_on(next_day)
        });
        if renewed {
            continue;
        }
        let marked = contracts::Entity::update_many()
            .col_expr(contracts::Column::EndingNoticeSentAt, Expr::value(now))
            .filter(contracts::Column::Id.eq(contract.id))
            .filter(contracts::Column::EndingNoticeSentAt.is_null())
            .exec(&txn)
            .await?;
        if marked.rows_affected != 1 {
            continue;
        }
        told += 1;
        let manager = account_manager(&txn, contract.company_id).await?;
        let notice = EndingNotice {
            contract: &contract.name,
            company: names.get(&contract.company_id).map_or("", String::as_str),
            ends_on,
            days_left: (ends_on - day).num_days(),
            account_manager: manager.as_ref(),
            support_email: &state.settings.support_email,
            link: &link,
        };
        for referent in referents.get(&contract.company_id).into_iter().flatten() {
            let mail = ending_notice(referent.locale, &display_name(referent), &notice);
            mails.push(OutgoingMail {
                to: referent.email.clone(),
                subject: mail.subject,
                text: mail.text,
                html: mail.html,
                thread_id: None,
                reply_to: None,
            });
        }
    }
    outbox::enqueue_all(&txn, &state.settings.public_url, mails, now).await?;
    state.commit(txn).await?;
    Ok(told)
}
