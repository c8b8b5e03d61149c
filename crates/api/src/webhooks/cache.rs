//! The active webhook endpoints, kept in memory: every ticket change asks which endpoints
//! want its events, and must not pay a query per event for it.
//!
//! As the category tree (`categories::cache`): every endpoint write calls
//! [`EndpointCache::changed`] in its transaction, which bumps the `webhooks` row of
//! `cache_versions`; each use first reads that counter (one primary-key read) and reads the
//! endpoints again when it moved, so an endpoint registered or switched off on any instance
//! is seen by the next change committed anywhere. That is one small statement per ticket
//! change, none per event.
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use guichet_types::{CompanyId, TicketEvent, WebhookId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{cache_versions, webhooks};
use crate::error::{ApiError, ApiResult};

/// How long a loaded copy is used before it is read again, whatever the counter says.
const MAX_AGE: Duration = Duration::from_secs(300);
/// The endpoints' row in `cache_versions`.
const COUNTER: &str = "webhooks";

/// What the enqueueing needs of an active endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: WebhookId,
    pub events: Vec<String>,
    pub company_id: Option<CompanyId>,
    pub include_internal: bool,
}

impl Endpoint {
    /// Whether this endpoint wants `event` of a ticket of `company`.
    pub fn wants(&self, event: &TicketEvent, company: CompanyId) -> bool {
        self.events.iter().any(|name| name == event.name())
            && self.company_id.is_none_or(|only| only == company)
            && (self.include_internal || !event.is_internal())
    }
}

#[derive(Default)]
pub struct EndpointCache {
    loaded: RwLock<Option<Loaded>>,
}

#[derive(Clone)]
struct Loaded {
    at: Instant,
    version: i64,
    endpoints: Arc<Vec<Endpoint>>,
}

impl EndpointCache {
    /// The active endpoints, read again when a write moved the counter since the copy was
    /// read, or the copy is older than [`MAX_AGE`].
    pub async fn get(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Vec<Endpoint>>> {
        let version = counter(db).await?;
        let current = self.loaded.read().ok().and_then(|loaded| {
            loaded
                .as_ref()
                .filter(|l| l.version == version && l.at.elapsed() < MAX_AGE)
                .map(|l| l.endpoints.clone())
        });
        if let Some(endpoints) = current {
            return Ok(endpoints);
        }
        let rows = webhooks::Entity::find()
            .filter(webhooks::Column::Active.eq(true))
            .filter(webhooks::Column::DisabledAt.is_null())
            .all(db)
            .await?;
        let endpoints: Arc<Vec<Endpoint>> = Arc::new(
            rows.into_iter()
                .map(|row| Endpoint {
                    id: row.id,
                    events: serde_json::from_str(&row.events).unwrap_or_default(),
                    company_id: row.company_id,
                    include_internal: row.include_internal,
                })
                .collect(),
        );
        // Of two reloads racing, the older may land last: its counter is older too, so the
        // next use reads the endpoints again.
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = Some(Loaded {
                at: Instant::now(),
                version,
                endpoints: endpoints.clone(),
            });
        }
        Ok(endpoints)
    }

    /// To be called in the transaction of every write that changes which endpoints are
    /// active or what they want.
    pub async fn changed(txn: &impl ConnectionTrait) -> ApiResult<()> {
        cache_versions::Entity::update_many()
            .col_expr(
                cache_versions::Column::Version,
                Expr::col(cache_versions::Column::Version).add(1),
            )
            .filter(cache_versions::Column::Name.eq(COUNTER))
            .exec(txn)
            .await?;
        Ok(())
    }
}

async fn counter(db: &impl ConnectionTrait) -> ApiResult<i64> {
    cache_versions::Entity::find()
        .select_only()
        .column(cache_versions::Column::Version)
        .filter(cache_versions::Column::Name.eq(COUNTER))
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("no webhooks row in cache_versions"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_wants_its_events_of_its_company_and_internal_notes_only_if_asked() {
        let endpoint = Endpoint {
            id: WebhookId(1),
            events: vec!["followup".into(), "internal_note".into()],
            company_id: Some(CompanyId(7)),
            include_internal: false,
        };
        let followup = TicketEvent::Followup { body: "x".into() };
        let note = TicketEvent::InternalNote { body: "x".into() };
        assert!(endpoint.wants(&followup, CompanyId(7)));
        assert!(!endpoint.wants(&followup, CompanyId(8)));
        assert!(!endpoint.wants(&note, CompanyId(7)));
        assert!(!endpoint.wants(
            &TicketEvent::Shared {
                email: "a@b.c".into()
            },
            CompanyId(7)
        ));
        let all = Endpoint {
            company_id: None,
            include_internal: true,
            ..endpoint
        };
        assert!(all.wants(&note, CompanyId(8)));
    }
}
