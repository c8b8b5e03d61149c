//! The audit log: who did which administrative act, when, from where, and what it changed.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AuditEventId, Page, UserId};

/// Who acted: `null` for nobody signed in (a failed sign-in) or the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditActor {
    pub id: UserId,
    pub name: String,
}

/// What was acted on: `{"type": "company", "id": "12"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditTarget {
    /// `company`, `user`, `contact`, `category`, `asset`, `contract`, `access_request`…
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// A member's value before and after; `null` where it had none (creation, removal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditChange {
    pub from: serde_json::Value,
    pub to: serde_json::Value,
}

/// One entry of the audit log. Never a password, token or hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: DateTime<Utc>,
    pub actor: Option<AuditActor>,
    /// The client address of the request; empty for the command line.
    pub actor_address: String,
    /// `company.created`, `user.role_changed`, `auth.login_failed`…
    pub action: String,
    pub target: AuditTarget,
    /// The members the act changed.
    pub changes: BTreeMap<String, AuditChange>,
}

pub type AuditEventPage = Page<AuditEvent>;

/// Filters of `GET /audit-events`; `None` leaves a filter out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    pub actor_id: Option<UserId>,
    /// `company`, `user`, `access_request`…
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// `user.created`, `auth.login_failed`…
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl AuditQuery {
    /// The query string members, in the names of the API.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("actor_id", self.actor_id.map(|a| a.to_string())),
            ("target_type", self.target_type.clone()),
            ("target_id", self.target_id.clone()),
            ("action", self.action.clone()),
            ("since", self.since.map(|at| at.to_rfc3339())),
            ("until", self.until.map(|at| at.to_rfc3339())),
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}
