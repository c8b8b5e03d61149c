//! Announcements of the support team, shown on the landing page ("Announcement: Bienvenue
//! sur le nouveau portail client", seed 004). Admins write them through the API.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{FieldError, Locale};

/// An announcement as readers get it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// Shown only to users of this language; `null`: to everyone.
    pub locale: Option<Locale>,
    pub starts_at: DateTime<Utc>,
    /// `null`: until it is deleted.
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// `POST /announcements` and `PUT /announcements/{id}` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "Bienvenue sur le nouveau portail client", "body": "Suivez vos tickets et répondez-nous ici.", "locale": "fr"})))]
pub struct AnnouncementInput {
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
        custom(function = "crate::tickets::not_blank")
    )]
    pub title: String,
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
    pub body: String,
    pub locale: Option<Locale>,
    /// Default: now.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

impl AnnouncementInput {
    /// The rule across members: an announcement ends after it starts.
    pub fn period_error(&self, now: DateTime<Utc>) -> Option<FieldError> {
        let starts = self.starts_at.unwrap_or(now);
        self.ends_at
            .filter(|ends| *ends <= starts)
            .map(|_| FieldError::new("ends_at", "before_start", "must be after the start"))
    }
}
