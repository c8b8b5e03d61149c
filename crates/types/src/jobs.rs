//! The background work an administrator watches: jobs given up after their last attempt
//! (`dead`): mails that could not be sent, account mails, webhook deliveries.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Page;

crate::enums::wire_enum!(
    /// What a job does: `deliver_mail` (a notification mail), `account_mail` (a password
    /// reset link or an access request's answer), `deliver_webhook` (one event to one
    /// webhook endpoint).
    JobKindName { DeliverMail = "deliver_mail", AccountMail = "account_mail", DeliverWebhook = "deliver_webhook" }
);

/// A job given up: its kind, what it was about, how often it was tried and its last error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadJob {
    pub id: i64,
    pub kind: JobKindName,
    /// Whom or where it was for: a mail's recipient, a webhook endpoint's URL.
    pub recipient: Option<String>,
    /// What it was: a mail's subject, an account mail's purpose, a webhook event's name.
    pub subject: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub type DeadJobPage = Page<DeadJob>;
