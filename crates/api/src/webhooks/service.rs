//! Webhook endpoints as admins manage them: the list, registration, changes, removal, secret
//! rotation, the deliveries with redelivery, and test events. Every write is audited (never
//! with a secret) and tells every instance's copy of the active endpoints.
use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use guichet_types::{
    normalized_event_names, CompanyId, CompanyRef, DeliveryState, DeliverySummary, FieldError,
    NewWebhook, Permission, TicketNumber, UserRef, Webhook, WebhookDelivery, WebhookDeliveryId,
    WebhookDeliveryPage, WebhookId, WebhookPage, WebhookUpdate, WebhookWithSecret, WEBHOOK_PING,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;

use super::cache::EndpointCache;
use super::enqueue::{self, DeliveryJob};
use super::secret;
use crate::audit::{self, Actor, Changes, Target};
use crate::auth::SessionUser;
use crate::companies::service::names_of;
use crate::entities::{companies, tickets, webhook_deliveries, webhooks};
use crate::error::{ApiError, ApiResult};
use crate::jobs::kind::JobKind;
use crate::jobs::queue;
use crate::paging::{newest_first, PageRequest};
use crate::state::AppState;

/// How long the secret before a rotation still signs.
pub const ROTATION_OVERLAP: chrono::Duration = chrono::Duration::hours(24);

/// The members an admin writes, as the audit log records them.
#[derive(Debug, PartialEq, Serialize)]
struct Recorded<'a> {
    url: &'a str,
    events: Vec<String>,
    company_id: Option<CompanyId>,
    include_internal: bool,
    active: bool,
}

impl<'a> Recorded<'a> {
    fn of(row: &'a webhooks::Model) -> Self {
        Recorded {
            url: &row.url,
            events: events_of(row),
            company_id: row.company_id,
            include_internal: row.include_internal,
            active: row.active,
        }
    }
}

fn events_of(row: &webhooks::Model) -> Vec<String> {
    serde_json::from_str(&row.events).unwrap_or_default()
}

/// The resources of `rows`: their companies, creators and last deliveries read in one
/// statement each.
async fn resources(
    db: &impl ConnectionTrait,
    rows: Vec<webhooks::Model>,
) -> ApiResult<Vec<Webhook>> {
    let company_ids: Vec<CompanyId> = rows.iter().filter_map(|r| r.company_id).collect();
    let companies: HashMap<CompanyId, String> = if company_ids.is_empty() {
        HashMap::new()
    } else {
        companies::Entity::find()
            .select_only()
            .columns([companies::Column::Id, companies::Column::Name])
            .filter(companies::Column::Id.is_in(company_ids))
            .into_tuple::<(CompanyId, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let creators = names_of(db, rows.iter().filter_map(|r| r.created_by)).await?;
    let last = last_deliveries(db, rows.iter().map(|r| r.id)).await?;
    Ok(rows
        .into_iter()
        .map(|row| Webhook {
            events: events_of(&row),
            company: row.company_id.map(|id| CompanyRef {
                id,
                name: companies.get(&id).cloned().unwrap_or_default(),
            }),
            created_by: row.created_by.map(|id| UserRef {
                id,
                name: creators.get(&id).cloned().unwrap_or_default(),
            }),
            last_delivery: last.get(&row.id).cloned(),
            previous_secret_expires_at: row
                .previous_secret_until
                .filter(|until| *until > Utc::now()),
            id: row.id,
            url: row.url,
            company_id: row.company_id,
            include_internal: row.include_internal,
            active: row.active,
            created_at: row.created_at,
            updated_at: row.updated_at,
            failing_since: row.failing_since,
            disabled_at: row.disabled_at,
            disabled_reason: row.disabled_reason,
        })
        .collect())
}

async fn resource(db: &impl ConnectionTrait, row: webhooks::Model) -> ApiResult<Webhook> {
    resources(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a webhook vanished"))
}

/// The newest delivery of each endpoint, in one statement.
async fn last_deliveries(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = WebhookId>,
) -> ApiResult<HashMap<WebhookId, DeliverySummary>> {
    let ids: Vec<WebhookId> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let newest = Query::select()
        .expr(Expr::col(webhook_deliveries::Column::Id).max())
        .from(webhook_deliveries::Entity)
        .and_where(webhook_deliveries::Column::WebhookId.is_in(ids))
        .group_by_col(webhook_deliveries::Column::WebhookId)
        .to_owned();
    Ok(webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::Id.in_subquery(newest))
        .all(db)
        .await?
        .into_iter()
        .map(|d| {
            (
                d.webhook_id,
                DeliverySummary {
                    id: d.id,
                    state: d.state,
                    status_code: d.status_code.and_then(|s| u16::try_from(s).ok()),
                    created_at: d.created_at,
                },
            )
        })
        .collect())
}

/// Admins: the endpoints, newest first.
pub async fn page(
    state: &AppState,
    user: &SessionUser,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<WebhookPage> {
    user.require(Permission::Admin)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let rows = newest_first(webhooks::Entity::find(), webhooks::Column::Id, &request)
        .all(&state.db)
        .await?;
    let items = resources(&state.db, rows).await?;
    Ok(request.page(items, |webhook| webhook.id.0))
}

async fn find(db: &impl ConnectionTrait, id: WebhookId) -> ApiResult<webhooks::Model> {
    webhooks::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Admins: one endpoint.
pub async fn get(state: &AppState, user: &SessionUser, id: WebhookId) -> ApiResult<Webhook> {
    user.require(Permission::Admin)?;
    resource(&state.db, find(&state.db, id).await?).await
}

/// The server's checks of what the types cannot tell: the URL's scheme and addresses (now
/// resolved), the company's existence. Every failure is named.
async fn checked(
    state: &AppState,
    db: &impl ConnectionTrait,
    url: Option<&str>,
    company: Option<CompanyId>,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    if let Some(url) = url {
        if let Err(reason) = state.webhooks.policy.check(url).await {
            errors.push(FieldError::new("url", "refused", reason));
        }
    }
    if let Some(company) = company {
        if companies::Entity::find_by_id(company)
            .one(db)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "company_id",
                "not_found",
                "no company has this id",
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Admins: registers an endpoint; the answer alone carries its secret.
pub async fn create(
    state: &AppState,
    user: &SessionUser,
    input: NewWebhook,
) -> ApiResult<WebhookWithSecret> {
    user.require(Permission::Admin)?;
    let url = input.url.trim().to_owned();
    // Resolving the host is done before the transaction, which it would hold up.
    checked(state, &state.db, Some(&url), input.company_id).await?;
    let now = Utc::now().trunc_subsecs(6);
    let secret = secret::generate();
    let events = serde_json::to_string(&normalized_event_names(&input.events))
        .map_err(ApiError::internal)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = webhooks::ActiveModel {
        url: Set(url),
        events: Set(events),
        company_id: Set(input.company_id),
        include_internal: Set(input.include_internal.unwrap_or(false)),
        active: Set(input.active.unwrap_or(true)),
        secret: Set(state.webhooks.secrets.seal(&secret)?),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        created_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        failing_since: Set(None),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "webhook.created",
        Target::new("webhook", row.id),
        &Changes::created(Recorded::of(&row)),
    )
    .await?;
    EndpointCache::changed(&txn).await?;
    let webhook = resource(&txn, row).await?;
    state.commit(txn).await?;
    Ok(WebhookWithSecret { webhook, secret })
}

/// Admins: changes the members given. `active: true` also enables an endpoint the server
/// disabled; a new URL starts with a clean health.
pub async fn update(
    state: &AppState,
    user: &SessionUser,
    id: WebhookId,
    input: WebhookUpdate,
) -> ApiResult<Webhook> {
    user.require(Permission::Admin)?;
    let url = input.url.as_deref().map(str::trim);
    checked(state, &state.db, url, input.company_id.flatten()).await?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = find(&txn, id).await?;
    let mut after = before.clone();
    if let Some(url) = url {
        after.url = url.to_owned();
    }
    if let Some(events) = &input.events {
        after.events =
            serde_json::to_string(&normalized_event_names(events)).map_err(ApiError::internal)?;
    }
    if let Some(company) = input.company_id {
        after.company_id = company;
    }
    if let Some(include) = input.include_internal {
        after.include_internal = include;
    }
    if let Some(active) = input.active {
        after.active = active;
    }
    let mut changes = Changes::between(Recorded::of(&before), Recorded::of(&after));
    let enabled = input.active == Some(true) && before.disabled_at.is_some();
    if enabled {
        changes.set(
            "disabled_at",
            before.disabled_at,
            Option::<DateTime<Utc>>::None,
        );
    }
    if changes.is_empty() {
        return resource(&txn, before).await;
    }
    let mut row: webhooks::ActiveModel = before.clone().into();
    if enabled || after.url != before.url {
        row.failing_since = Set(None);
        row.disabled_at = Set(None);
        row.disabled_reason = Set(None);
    }
    row.url = Set(after.url);
    row.events = Set(after.events);
    row.company_id = Set(after.company_id);
    row.include_internal = Set(after.include_internal);
    row.active = Set(after.active);
    row.updated_at = Set(Utc::now().trunc_subsecs(6));
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "webhook.updated",
        Target::new("webhook", id),
        &changes,
    )
    .await?;
    EndpointCache::changed(&txn).await?;
    let webhook = resource(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(webhook)
}

/// Admins: removes an endpoint and its deliveries.
pub async fn delete(state: &AppState, user: &SessionUser, id: WebhookId) -> ApiResult<()> {
    user.require(Permission::Admin)?;
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = find(&txn, id).await?;
    webhook_deliveries::Entity::delete_many()
        .filter(webhook_deliveries::Column::WebhookId.eq(id))
        .exec(&txn)
        .await?;
    webhooks::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "webhook.deleted",
        Target::new("webhook", id),
        &Changes::removed(Recorded::of(&row)),
    )
    .await?;
    EndpointCache::changed(&txn).await?;
    state.commit(txn).await?;
    Ok(())
}

/// Admins: a new secret, shown in the answer; the one it replaces signs too for
/// [`ROTATION_OVERLAP`] (both signatures in `webhook-signature`).
pub async fn rotate(
    state: &AppState,
    user: &SessionUser,
    id: WebhookId,
) -> ApiResult<WebhookWithSecret> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let until = now + ROTATION_OVERLAP;
    let secret = secret::generate();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let before = find(&txn, id).await?;
    let mut row: webhooks::ActiveModel = before.clone().into();
    row.previous_secret = Set(Some(before.secret.clone()));
    row.previous_secret_until = Set(Some(until));
    row.secret = Set(state.webhooks.secrets.seal(&secret)?);
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    let mut changes = Changes::new();
    changes.set(
        "previous_secret_expires_at",
        before.previous_secret_until,
        Some(until),
    );
    audit::record(
        &txn,
        &Actor::from(user),
        "webhook.secret_rotated",
        Target::new("webhook", id),
        &changes,
    )
    .await?;
    let webhook = resource(&txn, saved).await?;
    state.commit(txn).await?;
    Ok(WebhookWithSecret { webhook, secret })
}

/// The resources of `rows`, their tickets' numbers read in one statement.
async fn delivery_resources(
    db: &impl ConnectionTrait,
    rows: Vec<webhook_deliveries::Model>,
) -> ApiResult<Vec<WebhookDelivery>> {
    let ticket_ids: Vec<i64> = rows.iter().filter_map(|d| d.ticket_id).collect();
    let numbers: HashMap<i64, String> = if ticket_ids.is_empty() {
        HashMap::new()
    } else {
        tickets::Entity::find()
            .select_only()
            .columns([tickets::Column::Id, tickets::Column::Number])
            .filter(tickets::Column::Id.is_in(ticket_ids))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|d| WebhookDelivery {
            ticket_number: d
                .ticket_id
                .and_then(|id| numbers.get(&id))
                .and_then(|n| TicketNumber::try_from(n.clone()).ok()),
            payload: serde_json::from_str(&d.payload)
                .unwrap_or(serde_json::Value::String(d.payload)),
            id: d.id,
            webhook_id: d.webhook_id,
            message_id: d.message_id,
            event: d.event,
            event_id: d.event_id,
            state: d.state,
            attempts: u32::try_from(d.attempts).unwrap_or_default(),
            next_attempt_at: d
                .next_attempt_at
                .filter(|_| d.state == DeliveryState::Pending),
            requested_at: d.requested_at,
            status_code: d.status_code.and_then(|s| u16::try_from(s).ok()),
            error: d.error,
            response_excerpt: d.response_excerpt,
            duration_ms: d.duration_ms.and_then(|ms| u32::try_from(ms).ok()),
            created_at: d.created_at,
        })
        .collect())
}

/// Admins: an endpoint's deliveries of the last 14 days, newest first.
pub async fn deliveries(
    state: &AppState,
    user: &SessionUser,
    id: WebhookId,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> ApiResult<WebhookDeliveryPage> {
    user.require(Permission::Admin)?;
    let mut errors = Vec::new();
    let request: PageRequest<i64> = PageRequest::parse(cursor, limit, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let exists = webhooks::Entity::find_by_id(id)
        .select_only()
        .column(webhooks::Column::Id)
        .into_tuple::<WebhookId>()
        .one(&state.db)
        .await?;
    if exists.is_none() {
        return Err(ApiError::NotFound);
    }
    let rows = newest_first(
        webhook_deliveries::Entity::find().filter(webhook_deliveries::Column::WebhookId.eq(id)),
        webhook_deliveries::Column::Id,
        &request,
    )
    .all(&state.db)
    .await?;
    let items = delivery_resources(&state.db, rows).await?;
    Ok(request.page(items, |delivery| delivery.id.0))
}

async fn one_delivery(
    db: &impl ConnectionTrait,
    id: WebhookDeliveryId,
) -> ApiResult<WebhookDelivery> {
    let row = webhook_deliveries::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    delivery_resources(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("a delivery vanished"))
}

/// Admins: sends a delivery again, with its body and `webhook-id`, now.
pub async fn redeliver(
    state: &AppState,
    user: &SessionUser,
    id: WebhookId,
    delivery: WebhookDeliveryId,
) -> ApiResult<WebhookDelivery> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    let row = webhook_deliveries::Entity::find_by_id(delivery)
        .filter(webhook_deliveries::Column::WebhookId.eq(id))
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.state == DeliveryState::Pending {
        return Err(ApiError::Conflict {
            code: "delivery_pending",
            detail: "this delivery is still being tried".to_owned(),
        });
    }
    webhook_deliveries::Entity::update_many()
        .col_expr(
            webhook_deliveries::Column::State,
            Expr::value(DeliveryState::Pending),
        )
        .col_expr(webhook_deliveries::Column::NextAttemptAt, Expr::value(now))
        .filter(webhook_deliveries::Column::Id.eq(delivery))
        .exec(&txn)
        .await?;
    let job = serde_json::to_string(&DeliveryJob {
        message_id: row.message_id,
    })
    .map_err(ApiError::internal)?;
    queue::enqueue(&txn, JobKind::DeliverWebhook, [job], now).await?;
    let answer = one_delivery(&txn, delivery).await?;
    state.commit(txn).await?;
    Ok(answer)
}

/// Admins: sends a test event (`ping`) to the endpoint, active or not.
pub async fn test(
    state: &AppState,
    user: &SessionUser,
    id: WebhookId,
) -> ApiResult<WebhookDelivery> {
    user.require(Permission::Admin)?;
    let now = Utc::now().trunc_subsecs(6);
    let payload = serde_json::json!({
        "type": WEBHOOK_PING,
        "timestamp": now,
        "data": {"webhook_id": id},
    })
    .to_string();
    let (txn, _turn) = state.writes.begin(&state.db).await?;
    find(&txn, id).await?;
    let row = enqueue::pending(id, None, None, WEBHOOK_PING, payload, now);
    let message_id = match &row.message_id {
        sea_orm::ActiveValue::Set(message_id) => message_id.clone(),
        _ => return Err(ApiError::internal("a delivery without its webhook-id")),
    };
    enqueue::insert(&txn, vec![row], now).await?;
    let saved = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::MessageId.eq(message_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::internal("the test delivery vanished"))?;
    let answer = delivery_resources(&txn, vec![saved])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("the test delivery vanished"))?;
    state.commit(txn).await?;
    Ok(answer)
}
