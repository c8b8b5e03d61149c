//! The ticket's life after creation: follow-ups, agent changes, the solution, withdrawal,
//! reopening, sharing, satisfaction and attachments.
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{CategoryId, Level, TicketStatus, UserId};

/// The upload limit when `GUICHET_ATTACHMENT_MAX_BYTES` is not set (2 MB, as in the guides).
pub const ATTACHMENT_MAX_BYTES_DEFAULT: u64 = 2 * 1024 * 1024;
pub const MESSAGE_MAX_CHARS: u64 = 20_000;
pub const REASON_MAX_CHARS: u64 = 5_000;

/// `POST /tickets/{number}/followups`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "Le poste redémarre mais l'écran reste noir."})))]
pub struct NewFollowup {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 20000,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 20000, message = "must be 1 to 20000 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub body: String,
    /// Agents only: an internal note, never shown to customers.
    pub internal: Option<bool>,
}

/// `PATCH /tickets/{number}`, with `If-Match: <ETag>`; members given are changed, members
/// left out are not. Agents change `status`, `assignee_id`, `category_id` and `impact`; the
/// requester changes `notify` and `notify_email`, and only those.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "waiting", "impact": "high"})))]
pub struct TicketUpdate {
    /// Agents: `in_progress` or `waiting`; `resolved` goes through the solution, `closed`
    /// through approval or withdrawal. `in_progress` on an unassigned ticket assigns it to
    /// the agent who sets it.
    pub status: Option<TicketStatus>,
    /// Agents: the active agent or admin to assign, or `null` to unassign; left out, the
    /// assignee does not change.
    // In Rust: `None` leaves it, `Some(None)` unassigns, `Some(Some(id))` assigns.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub assignee_id: Option<Option<UserId>>,
    /// Agents.
    pub category_id: Option<CategoryId>,
    /// Agents.
    pub impact: Option<Level>,
    /// The requester: email me about this ticket.
    pub notify: Option<bool>,
    /// The requester: where those emails go (checked as at creation).
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    #[validate(custom(function = "crate::email::validate_email"))]
    pub notify_email: Option<String>,
}

impl TicketUpdate {
    /// The members only the support team may send, given in this update.
    pub fn agent_members(&self) -> Vec<&'static str> {
        [
            ("assignee_id", self.assignee_id.is_some()),
            ("category_id", self.category_id.is_some()),
            ("impact", self.impact.is_some()),
            ("status", self.status.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }

    /// The members only the requester may send, given in this update.
    pub fn requester_members(&self) -> Vec<&'static str> {
        [
            ("notify", self.notify.is_some()),
            ("notify_email", self.notify_email.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// A member that was given, as `null` or a value (a member left out stays `None` through
/// `#[serde(default)]`): tells "unassign" from "no change".
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A text that moves a ticket: a solution, a rejection reason, a withdrawal or reopening reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SolutionRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 20000,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 20000, message = "must be 1 to 20000 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub body: String,
}

/// `POST /tickets/{number}/solution/approve`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproveRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    #[validate(length(max = 5000, message = "at most 5000 characters"))]
    pub comment: Option<String>,
}

/// Rejecting a solution, withdrawing or reopening a ticket: the reason is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "Le problème est revenu ce matin."})))]
pub struct ReasonRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 5000,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 5000, message = "must be 1 to 5000 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub reason: String,
}

/// `POST /tickets/{number}/watchers`: share the ticket with an address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "remi@acme.test"})))]
pub struct ShareRequest {
    pub email: crate::EmailAddress,
}

/// The answer to `POST /tickets/{number}/watchers`: the address as stored and which of the two
/// it is. Another company's account and an unknown address get the same answer (SPEC.md,
/// "Sharing"), so it tells nothing about who has an account elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "remi@acme.test", "sees_ticket": true})))]
pub struct ShareOutcome {
    /// The address, normalized as it is stored among the ticket's watchers.
    pub email: String,
    /// True for an account of the ticket's company, which now sees the ticket; false for any
    /// other address, which only receives the ticket's notifications.
    pub sees_ticket: bool,
}

/// `POST /tickets/{number}/satisfaction`, once, after closing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"rating": 5, "comment": "Rapide et efficace, merci !"})))]
pub struct SatisfactionRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    #[validate(range(min = 1, max = 5, message = "from 1 to 5"))]
    pub rating: u8,
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    #[validate(length(max = 5000, message = "at most 5000 characters"))]
    pub comment: Option<String>,
}

/// A file attached to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: i64,
    /// The name it was uploaded with; served back as the download's name.
    pub file_name: String,
    pub size: u64,
    /// The type it is served with (a safe list, else `application/octet-stream`).
    pub content_type: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_lenient;
    use serde_json::json;

    #[test]
    fn an_assignee_left_out_null_or_given_are_three_things() {
        let parse = |body| parse_lenient::<TicketUpdate>(body).expect("valid");
        assert_eq!(parse(json!({"impact": "high"})).assignee_id, None);
        assert_eq!(parse(json!({"assignee_id": null})).assignee_id, Some(None));
        assert_eq!(
            parse(json!({"assignee_id": 4})).assignee_id,
            Some(Some(UserId(4)))
        );
        // And the same on the way out, for clients written with these types.
        let body = |assignee_id| {
            serde_json::to_value(TicketUpdate {
                assignee_id,
                ..Default::default()
            })
            .expect("serialises")
        };
        assert_eq!(body(None).get("assignee_id"), None);
        assert_eq!(body(Some(None))["assignee_id"], json!(null));
        assert_eq!(body(Some(Some(UserId(4))))["assignee_id"], json!(4));
    }

    #[test]
    fn bad_members_of_an_update_are_named() {
        let errors = parse_lenient::<TicketUpdate>(
            json!({"assignee_id": "me", "notify_email": "nope", "colour": 1}),
        )
        .expect_err("invalid");
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("assignee_id", "invalid_type"),
                ("colour", "unknown_field"),
                ("notify_email", "email")
            ]
        );
    }
}
