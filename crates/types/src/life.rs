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
    #[validate(
        length(min = 1, max = 20000, message = "must be 1 to 20000 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub body: String,
    /// Agents only: an internal note, never shown to customers.
    pub internal: Option<bool>,
}

/// `PATCH /tickets/{number}` (agents), with `If-Match: <ETag>`; members given are changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "waiting", "impact": "high"})))]
pub struct TicketUpdate {
    /// `in_progress` or `waiting`; `resolved` goes through the solution, `closed` through
    /// approval or withdrawal.
    pub status: Option<TicketStatus>,
    /// An agent or admin to assign.
    pub assignee_id: Option<UserId>,
    pub category_id: Option<CategoryId>,
    pub impact: Option<Level>,
}

/// A text that moves a ticket: a solution, a rejection reason, a withdrawal or reopening reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SolutionRequest {
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
    #[validate(length(max = 5000, message = "at most 5000 characters"))]
    pub comment: Option<String>,
}

/// Rejecting a solution, withdrawing or reopening a ticket: the reason is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "Le problème est revenu ce matin."})))]
pub struct ReasonRequest {
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
    #[validate(custom(function = "crate::email::validate_email"))]
    pub email: String,
}

/// `POST /tickets/{number}/satisfaction`, once, after closing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"rating": 5, "comment": "Rapide et efficace, merci !"})))]
pub struct SatisfactionRequest {
    #[validate(range(min = 1, max = 5, message = "from 1 to 5"))]
    pub rating: u8,
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
