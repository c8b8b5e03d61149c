//! Tickets: creation, the ticket resource, lists and the timeline.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::recovery::validate_phone;
use crate::{
    AssetId, CategoryId, Channel, CompanyId, CompanyRef, EmailAddress, EventId, Level, Role, Scope,
    TicketEvent, TicketKind, TicketNumber, TicketSort, TicketStatus, UrgencyFor, UserId,
};

pub const TITLE_MAX_CHARS: u64 = 200;
pub const DESCRIPTION_MAX_CHARS: u64 = 20_000;

/// `POST /tickets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "incident", "category_id": 2, "urgency": "high",
    "title": "Un de nos ordinateurs ne démarre plus",
    "description": "Depuis ce matin, le poste de l'accueil reste sur un écran noir."
})))]
pub struct NewTicket {
    pub kind: TicketKind,
    pub category_id: CategoryId,
    /// Required, except for a request when the provider asks an urgency of incidents only
    /// (`ticket_form.urgency_for` of `GET /me` is `incidents`): a request then gets `medium`,
    /// whatever is sent.
    pub urgency: Option<Level>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "not_blank")
    )]
    pub title: String,
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
        custom(function = "not_blank")
    )]
    pub description: String,
    pub asset_id: Option<AssetId>,
    /// Email me about this ticket (default yes).
    pub notify: Option<bool>,
    /// Where to send those emails (default: the requester's address).
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    #[validate(custom(function = "crate::email::validate_email"))]
    pub notify_email: Option<String>,
    /// Agents only: the customer this ticket is opened for.
    pub requester_id: Option<UserId>,
    /// Agents only, instead of `requester_id`: the caller this ticket is opened for. An
    /// address with an account names that account (a customer or referent of `company_id`);
    /// any other gets a customer account without a password, in the ticket's transaction.
    #[validate(nested)]
    pub requester: Option<NewCaller>,
    /// Agents only: how the request came in; `phone` when absent. A customer's ticket is
    /// `portal`.
    pub channel: Option<Channel>,
}

/// A caller who may have no account yet, for whom an agent opens a ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCaller {
    pub email: EmailAddress,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub last_name: String,
    pub company_id: CompanyId,
    /// Digits, spaces and `+ ( ) . - /`, at most 40 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A new account gets a set-password link (valid 7 days) only when this is `true`; it can
    /// always set one later through the forgotten-password page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_invitation: Option<bool>,
}

/// How the new-ticket form is set up by the provider (`GET /me`, `ticket_form`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketForm {
    /// Which tickets ask the customer for an urgency (`GUICHET_URGENCY_FOR`).
    pub urgency_for: UrgencyFor,
}

/// Refuses a text of spaces only.
pub fn not_blank(value: &str) -> Result<(), validator::ValidationError> {
    if value.trim().is_empty() && !value.is_empty() {
        let mut error = validator::ValidationError::new("blank");
        error.message = Some("must not be only spaces".into());
        return Err(error);
    }
    Ok(())
}

/// A person as shown on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

/// A named reference (category, asset, assignee).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// The requester's rating of a closed ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    pub rating: u8,
    pub comment: Option<String>,
}

/// The ticket resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub number: TicketNumber,
    pub kind: TicketKind,
    pub status: TicketStatus,
    pub urgency: Level,
    pub impact: Level,
    /// 1 to 5, from urgency and impact.
    pub priority: u8,
    pub title: String,
    pub description: String,
    pub category: NamedRef,
    pub asset: Option<NamedRef>,
    pub requester: PersonRef,
    pub company: CompanyRef,
    pub assignee: Option<NamedRef>,
    /// Addresses the ticket is shared with.
    pub watchers: Vec<String>,
    pub notify: bool,
    pub notify_email: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
}

/// One page of tickets.
pub type TicketPage = crate::Page<Ticket>;

/// Filters of `GET /tickets`; `None` leaves a filter out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketListQuery {
    pub status: Vec<TicketStatus>,
    pub kind: Option<TicketKind>,
    pub scope: Option<Scope>,
    pub q: Option<String>,
    pub sort: Option<TicketSort>,
    pub company_id: Option<crate::CompanyId>,
    pub assignee_id: Option<UserId>,
    /// The tickets this person requested, among those the scope shows.
    pub requester_id: Option<UserId>,
    pub urgency: Option<Level>,
    pub priority: Option<u8>,
    /// The tickets changed at or after this time (a full re-sync of an integration).
    pub updated_since: Option<DateTime<Utc>>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl TicketListQuery {
    /// The query string members, in the names of the API.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.status.is_empty() {
            let list: Vec<&str> = self.status.iter().map(|s| s.as_str()).collect();
            pairs.push(("status", list.join(",")));
        }
        let optional = [
            ("kind", self.kind.map(|k| k.as_str().to_owned())),
            ("scope", self.scope.map(|s| s.as_str().to_owned())),
            ("q", self.q.clone()),
            ("sort", self.sort.map(|s| s.as_str().to_owned())),
            ("company_id", self.company_id.map(|c| c.to_string())),
            ("assignee_id", self.assignee_id.map(|a| a.to_string())),
            ("requester_id", self.requester_id.map(|r| r.to_string())),
            ("urgency", self.urgency.map(|u| u.as_str().to_owned())),
            ("priority", self.priority.map(|p| p.to_string())),
            (
                "updated_since",
                self.updated_since
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            ),
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        pairs
    }
}

/// Who did something on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    /// In an assisted session (support access), the agent who acted as this customer: the
    /// change is "Agnès Support pour Claire Martin" ([`crate::assisted_name`]). Absent
    /// otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assisted_by: Option<crate::UserRef>,
}

/// One entry of a ticket's history: which, when, by whom (`null` for the system), and the
/// event with its members (`event` names it; see [`TicketEvent`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub actor: Option<Actor>,
    #[serde(flatten)]
    pub event: TicketEvent,
}
