//! Reply by email: what the mail gateway is told, and the mails kept for the support team.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{InboundOutcome, RejectReason, TicketNumber};

/// What became of one received mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundResult {
    pub outcome: InboundOutcome,
    /// The ticket the mail was added to or opened; `null` when rejected.
    pub ticket: Option<TicketNumber>,
    /// Why it was rejected; `null` otherwise.
    pub reason: Option<RejectReason>,
}

/// A received mail that created nothing, kept whole for the support team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedMail {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub message_id: String,
    /// The `From` address, as received.
    pub sender: String,
    /// The `To`, `Cc` and `Delivered-To` addresses, comma separated.
    pub recipients: String,
    pub subject: String,
    pub reason: RejectReason,
}

/// One page of rejected mails, newest first.
pub type RejectedMailPage = crate::Page<RejectedMail>;
