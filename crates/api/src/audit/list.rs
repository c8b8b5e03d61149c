//! Reading the audit log back, newest first, with its filters.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use guichet_types::{
    AuditActor, AuditChange, AuditEvent, AuditEventPage, AuditTarget, FieldError, Permission,
    UserId,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::auth::{extractor::person_name, SessionUser};
use crate::entities::{audit_events, users};
use crate::error::{ApiError, ApiResult};
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;

/// The filters of `GET /audit-events`, as given.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<UserId>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub action: Option<String>,
    /// From this time (included).
    pub since: Option<String>,
    /// Up to this time (excluded).
    pub until: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

fn time(member: &str, text: Option<&str>, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let text = text?;
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => Some(at.with_timezone(&Utc)),
        Err(_) => {
            errors.push(FieldError::new(
                member,
                "invalid",
                "expected an RFC 3339 time",
            ));
            None
        }
    }
}

/// A page of the log matching `filter`, newest first (admins only).
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    filter: &AuditFilter,
) -> ApiResult<AuditEventPage> {
    user.require(Permission::Admin)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(
        filter.cursor.as_deref(),
        filter.limit.as_deref(),
        &mut errors,
    );
    let since = time("since", filter.since.as_deref(), &mut errors);
    let until = time("until", filter.until.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut query = audit_events::Entity::find();
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_events::Column::ActorId.eq(actor));
    }
    if let Some(kind) = &filter.target_type {
        query = query.filter(audit_events::Column::TargetType.eq(kind.as_str()));
    }
    if let Some(id) = &filter.target_id {
        query = query.filter(audit_events::Column::TargetId.eq(id.as_str()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::Column::Action.eq(action.as_str()));
    }
    if let Some(since) = since {
        query = query.filter(audit_events::Column::At.gte(since));
    }
    if let Some(until) = until {
        query = query.filter(audit_events::Column::At.lt(until));
    }
    let rows = newest_first(query, audit_events::Column::Id, &request)
        .all(&state.db)
        .await?;
    // The actors' names, in one query for the page.
    let actor_ids: Vec<UserId> = rows.iter().filter_map(|row| row.actor_id).collect();
    let names: HashMap<UserId, String> = if actor_ids.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .select_only()
            .columns([
                users::Column::Id,
                users::Column::FirstName,
                users::Column::LastName,
                users::Column::Email,
            ])
            .filter(users::Column::Id.is_in(actor_ids))
            .into_tuple::<(UserId, String, String, String)>()
            .all(&state.db)
            .await?
            .into_iter()
            .map(|(id, first, last, email)| (id, person_name(&first, &last, &email)))
            .collect()
    };
    let events = rows
        .into_iter()
        .map(|row| AuditEvent {
            id: row.id,
            at: row.at,
            actor: row.actor_id.map(|id| AuditActor {
                id,
                name: names.get(&id).cloned().unwrap_or_default(),
            }),
            actor_address: row.actor_address,
            action: row.action,
            target: AuditTarget {
                kind: row.target_type,
                id: row.target_id,
            },
            changes: serde_json::from_str::<BTreeMap<String, AuditChange>>(&row.changes)
                .unwrap_or_default(),
        })
        .collect();
    Ok(request.page(events, |event| event.id.0))
}
