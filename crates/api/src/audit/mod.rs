//! The audit log: every administrative act, sign-in, password reset and invitation, written
//! by [`record`] in the transaction of the act itself, so the log never misses an act that
//! happened nor holds one that was rolled back. Callers list the members an act changed with
//! [`Changes`]; secrets (passwords, tokens, hashes) are never given to it.
//!
//! `GET /audit-events` (admins) reads it back: [`routes`], [`list`].
pub mod list;
pub mod routes;

use std::collections::BTreeMap;

use chrono::Utc;
use guichet_types::{AuditChange, UserId};
use sea_orm::{ActiveModelTrait, ConnectionTrait, NotSet, Set};
use serde::Serialize;
use serde_json::Value;

use crate::auth::SessionUser;
use crate::entities::audit_events;
use crate::error::{ApiError, ApiResult};

/// Who acts, and from which client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<UserId>,
    pub address: String,
}

impl Actor {
    /// Nobody signed in, from `address` (a failed sign-in, a password-reset request).
    pub fn anonymous(address: &str) -> Self {
        Actor {
            id: None,
            address: address.to_owned(),
        }
    }

    /// The command line on the server (`guichet admin create`).
    pub fn command_line() -> Self {
        Actor {
            id: None,
            address: String::new(),
        }
    }
}

impl From<&SessionUser> for Actor {
    /// The person who acts: in an assisted session, the agent (the customer is its target).
    fn from(user: &SessionUser) -> Self {
        Actor {
            id: Some(user.assisted.as_ref().map_or(user.id, |a| a.agent.id)),
            address: user.address.clone(),
        }
    }
}

/// The members an act changed, each with its value before and after.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes(BTreeMap<String, AuditChange>);

impl Changes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes `member` going from `from` to `to`, if they differ.
    pub fn set(&mut self, member: &str, from: impl Serialize, to: impl Serialize) -> &mut Self {
        let from = serde_json::to_value(from).unwrap_or(Value::Null);
        let to = serde_json::to_value(to).unwrap_or(Value::Null);
        if from != to {
            self.0.insert(member.to_owned(), AuditChange { from, to });
        }
        self
    }

    /// Every member of a created thing, from nothing.
    pub fn created(resource: impl Serialize) -> Self {
        Self::from_object(resource, true)
    }

    /// Every member of a removed thing, to nothing.
    pub fn removed(resource: impl Serialize) -> Self {
        Self::from_object(resource, false)
    }

    /// The members of `after` that differ from `before` (two states of one resource).
    pub fn between(before: impl Serialize, after: impl Serialize) -> Self {
        let mut changes = Changes::new();
        if let (Ok(Value::Object(before)), Ok(Value::Object(after))) =
            (serde_json::to_value(before), serde_json::to_value(after))
        {
            for (member, to) in after {
                let from = before.get(&member).cloned().unwrap_or(Value::Null);
                changes.set(&member, from, to);
            }
        }
        changes
    }

    fn from_object(resource: impl Serialize, created: bool) -> Self {
        let mut changes = Changes::new();
        if let Ok(Value::Object(members)) = serde_json::to_value(resource) {
            for (member, value) in members {
                if created {
                    changes.set(&member, Value::Null, value);
                } else {
                    changes.set(&member, value, Value::Null);
                }
            }
        }
        changes
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// What an act was done to: a type and an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
}

impl Target {
    pub fn new(kind: &'static str, id: impl ToString) -> Self {
        Target {
            kind,
            id: id.to_string(),
        }
    }
}

/// Writes one entry of the log, in `txn`: the act's own transaction.
pub async fn record(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: Target,
    changes: &Changes,
) -> ApiResult<()> {
    let changes = serde_json::to_string(&changes.0).map_err(ApiError::internal)?;
    audit_events::ActiveModel {
        id: NotSet,
        at: Set(Utc::now()),
        actor_id: Set(actor.id),
        actor_address: Set(actor.address.clone()),
        action: Set(action.to_owned()),
        target_type: Set(target.kind.to_owned()),
        target_id: Set(target.id),
        changes: Set(changes),
    }
    .insert(txn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_members_that_changed_are_kept() {
        let changes = Changes::between(
            json!({"name": "Acme", "active": true, "phone": ""}),
            json!({"name": "Acme Industrie", "active": true, "phone": "03"}),
        );
        assert_eq!(changes.members().collect::<Vec<_>>(), ["name", "phone"]);
        let created = Changes::created(json!({"name": "Acme", "notes": null}));
        assert_eq!(created.members().collect::<Vec<_>>(), ["name"]);
        let mut set = Changes::new();
        set.set("role", "customer", "customer")
            .set("active", true, false);
        assert_eq!(set.members().collect::<Vec<_>>(), ["active"]);
    }
}
