//! Reading tickets: one ticket (with its ETag), and the lists with their filters, scopes,
//! full-text search and keyset pagination.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guichet_types::{
    page_limit, CompanyId, FieldError, Level, Permission, Scope, TicketKind, TicketListQuery,
    TicketNumber, TicketPage, TicketSort, TicketStatus, UserId, LIST_LIMIT_DEFAULT,
};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait, ConnectionTrait};

use super::change::Versioned;
use super::cursor::Cursor;
use super::queries::{self, ListFilter};
use super::search;
use super::visibility::{visible, Reach};
use crate::auth::SessionUser;
use crate::entities::tickets;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub async fn get(
    state: &AppState,
    user: &SessionUser,
    number: &TicketNumber,
) -> ApiResult<Versioned> {
    let row = queries::row(
        &state.db,
        visible(user, number.into(), state.db.get_database_backend()),
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    let version = row.version;
    let ticket = queries::to_resources(&state.db, &state.categories, vec![row], user.locale)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(Versioned { ticket, version })
}

/// The query string of `GET /tickets`, parsed leniently so that every bad member is named.
pub fn parse_list_query(
    pairs: &HashMap<String, String>,
) -> Result<TicketListQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut query = TicketListQuery::default();
    fn invalid(errors: &mut Vec<FieldError>, field: &str, allowed: &str) {
        errors.push(FieldError::new(
            field,
            "invalid_choice",
            format!("expected {allowed}"),
        ));
    }
    fn choices<T: std::fmt::Display>(all: &[T]) -> String {
        all.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
    for (name, value) in pairs {
        let value = value.trim();
        match name.as_str() {
            "status" => {
                for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    match TicketStatus::parse(part) {
                        Some(status) => query.status.push(status),
                        None => invalid(&mut errors, "status", &choices(TicketStatus::ALL)),
                    }
                }
            }
            "kind" => match TicketKind::parse(value) {
                Some(kind) => query.kind = Some(kind),
                None => invalid(&mut errors, "kind", &choices(TicketKind::ALL)),
            },
            "scope" => match Scope::parse(value) {
                Some(scope) => query.scope = Some(scope),
                None => invalid(&mut errors, "scope", &choices(Scope::ALL)),
            },
            "sort" => match TicketSort::parse(value) {
                Some(sort) => query.sort = Some(sort),
                None => invalid(&mut errors, "sort", &choices(TicketSort::ALL)),
            },
            "urgency" => match Level::parse(value) {
                Some(level) => query.urgency = Some(level),
                None => invalid(&mut errors, "urgency", &choices(Level::ALL)),
            },
            "q" => query.q = Some(value.to_owned()).filter(|q| !q.is_empty()),
            "cursor" => query.cursor = Some(value.to_owned()).filter(|c| !c.is_empty()),
            "company_id" => match value.parse() {
                Ok(id) => query.company_id = Some(CompanyId(id)),
                Err(_) => errors.push(FieldError::new(
                    "company_id",
                    "invalid_type",
                    "expected a company id",
                )),
            },
            "assignee_id" => match value.parse() {
                Ok(id) => query.assignee_id = Some(UserId(id)),
                Err(_) => errors.push(FieldError::new(
                    "assignee_id",
                    "invalid_type",
                    "expected a user id",
                )),
            },
            "requester_id" => match value.parse() {
                Ok(id) => query.requester_id = Some(UserId(id)),
                Err(_) => errors.push(FieldError::new(
                    "requester_id",
                    "invalid_type",
                    "expected a user id",
                )),
            },
            "priority" => match value.parse::<u8>() {
                Ok(p @ 1..=5) => query.priority = Some(p),
                _ => errors.push(FieldError::new(
                    "priority",
                    "invalid_choice",
                    "expected 1 to 5",
                )),
            },
            "limit" => match page_limit(Some(value)) {
                Ok(limit) => query.limit = Some(limit),
                Err(error) => errors.push(error),
            },
            "updated_since" => match DateTime::parse_from_rfc3339(value) {
                Ok(time) => query.updated_since = Some(time.with_timezone(&Utc)),
                Err(_) => errors.push(FieldError::new(
                    "updated_since",
                    "invalid",
                    "expected an RFC 3339 time such as 2026-11-21T09:30:00Z",
                )),
            },
            other => errors.push(FieldError::new(
                other,
                "unknown_field",
                "this parameter is not known",
            )),
        }
    }
    if errors.is_empty() {
        Ok(query)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(errors)
    }
}

pub async fn list(
    state: &AppState,
    user: &SessionUser,
    query: TicketListQuery,
) -> ApiResult<TicketPage> {
    let default_scope = if user.can(Permission::TicketsViewAll) {
        Scope::All
    } else {
        Scope::Mine
    };
    let filter = list_filter(state, user, query, default_scope)?;
    let (rows, next) = queries::list(&state.db, filter).await?;
    Ok(TicketPage {
        items: queries::to_resources(&state.db, &state.categories, rows, user.locale).await?,
        next_cursor: next.map(|c| c.encode()),
    })
}

/// The list `query` asks for, as `user` may see it; `default_scope` when it names none.
/// The ticket list and the CSV export share it.
pub fn list_filter(
    state: &AppState,
    user: &SessionUser,
    query: TicketListQuery,
    default_scope: Scope,
) -> ApiResult<ListFilter> {
    let staff = user.can(Permission::TicketsViewAll);
    let agent_only = [
        ("company_id", query.company_id.is_some()),
        ("assignee_id", query.assignee_id.is_some()),
        ("urgency", query.urgency.is_some()),
        ("priority", query.priority.is_some()),
    ];
    let refused: Vec<FieldError> = agent_only
        .iter()
        .filter(|(_, given)| *given && !staff)
        .map(|(field, _)| {
            FieldError::new(
                *field,
                "not_allowed",
                "only the support team filters by this",
            )
        })
        .collect();
    if !refused.is_empty() {
        return Err(ApiError::Validation(refused));
    }

    let scope = query.scope.unwrap_or(default_scope);
    // What the scope shows, within what the user may see.
    let reach = match (scope, user.company_id) {
        (Scope::Mine, _) if user.can(Permission::TicketsWork) => Reach::AssignedTo(user.id),
        (Scope::Mine, _) => Reach::RequestedOrShared(user.id),
        (Scope::Company, Some(company)) if user.can(Permission::TicketsViewCompany) => {
            Reach::Company(company)
        }
        (Scope::All, _) if user.can(Permission::TicketsViewAll) => Reach::Everything,
        _ => {
            return Err(ApiError::Forbidden(format!(
                "the scope {scope} is not open to you"
            )))
        }
    };

    let mut conditions: Vec<SimpleExpr> = Vec::new();
    if !query.status.is_empty() {
        conditions.push(tickets::Column::Status.is_in(query.status.iter().copied()));
    }
    if let Some(kind) = query.kind {
        conditions.push(tickets::Column::Kind.eq(kind));
    }
    if let Some(company) = query.company_id {
        conditions.push(tickets::Column::CompanyId.eq(company));
    }
    if let Some(assignee) = query.assignee_id {
        conditions.push(tickets::Column::AssigneeId.eq(assignee));
    }
    // Within the scope's reach: another company's requester finds nothing.
    if let Some(requester) = query.requester_id {
        conditions.push(tickets::Column::RequesterId.eq(requester));
    }
    if let Some(urgency) = query.urgency {
        conditions.push(tickets::Column::Urgency.eq(urgency));
    }
    if let Some(priority) = query.priority {
        conditions.push(tickets::Column::Priority.eq(i16::from(priority)));
    }
    // Served by the indexes on (…, updated_at, id) that every list is read through.
    if let Some(since) = query.updated_since {
        conditions.push(tickets::Column::UpdatedAt.gte(since));
    }
    // A ticket number (pasted from a mail's subject) finds that ticket, not words like it.
    let number = query.q.as_deref().and_then(TicketNumber::in_query);
    let words = match &number {
        Some(number) => {
            conditions.push(tickets::Column::Number.eq(number.as_str()));
            None
        }
        None => query.q.as_deref().and_then(search::query_words),
    };
    let sort = query.sort.unwrap_or_default();
    let after = match query.cursor.as_deref() {
        None => None,
        Some(text) => Some(Cursor::decode(text, sort).ok_or_else(|| {
            ApiError::field(
                "cursor",
                "invalid",
                "this cursor is not valid for this list",
            )
        })?),
    };
    Ok(ListFilter {
        reach,
        conditions,
        sort,
        after,
        limit: query.limit.unwrap_or(LIST_LIMIT_DEFAULT),
        search: words,
        search_walk: state.settings.search_walk,
    })
}
