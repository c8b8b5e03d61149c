//! RFC 9457 problem details, the body of every error answer.
use serde::{Deserialize, Serialize};

use crate::TicketStatus;

/// An error answer: `type` is `/problems/{code}`, `code` a stable snake_case word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "/problems/validation_failed", "title": "Invalid request", "status": 422,
    "detail": "2 fields are invalid", "code": "validation_failed",
    "errors": [{"field": "title", "code": "length", "message": "must be 1 to 200 characters"},
               {"field": "urgency", "code": "invalid_choice", "message": "unknown variant `urgentissime`"}]
})))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: String,
    /// Every invalid field, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// The ticket's status, for `invalid_transition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<TicketStatus>,
    /// Seconds to wait before trying again, for `too_many_requests` (also in `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: u16, code: &str, title: &str) -> Self {
        Self {
            type_: format!("/problems/{code}"),
            title: title.to_owned(),
            status,
            detail: None,
            code: code.to_owned(),
            errors: None,
            current_status: None,
            retry_after: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The 422 answer listing every invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.len() {
            1 => "1 field is invalid".to_owned(),
            n => format!("{n} fields are invalid"),
        };
        Self {
            errors: Some(errors),
            ..Self::new(422, "validation_failed", "Invalid request").with_detail(detail)
        }
    }

    /// The error of one field, if the problem names it.
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        self.errors.as_ref()?.iter().find(|e| e.field == field)
    }

    /// The members the problem names, in its order.
    pub fn fields(&self) -> Vec<&str> {
        self.errors
            .iter()
            .flatten()
            .map(|e| e.field.as_str())
            .collect()
    }
}

/// One invalid member of a request, named by its JSON name (`a.b` when nested).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    /// `required`, `invalid_type`, `invalid_choice`, `unknown_field`, `length`, `email`,
    /// `password_policy`, `not_allowed`, `not_found`, `taken`, ...
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}
