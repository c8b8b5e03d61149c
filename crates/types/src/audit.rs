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

/// The filters of `GET /audit-events`, as a client sends them; absent ones are left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// RFC 3339, included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339, excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}
