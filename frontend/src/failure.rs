//! What a failed API call means to the interface.
use guichet_client::ClientError;
use guichet_types::{FieldError, Problem, TicketStatus};

use crate::i18n::{Message, Texts};

/// A failed call, kept small and `Clone` so resources and signals can hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The HTTP status of a problem answer; `None` when no answer came.
    pub status: Option<u16>,
    /// The problem's `code`, e.g. `validation_failed`.
    pub code: String,
    /// The invalid fields of a `validation_failed` answer.
    pub errors: Vec<FieldError>,
    /// The ticket's status, when an `invalid_transition` refused a change.
    pub current_status: Option<TicketStatus>,
    /// Seconds to wait before trying again, when there were too many attempts (429).
    pub retry_after: Option<u64>,
}

impl Failure {
    pub fn session_expired() -> Self {
        Self {
            status: Some(401),
            code: "unauthorized".to_owned(),
            errors: Vec::new(),
            current_status: None,
            retry_after: None,
        }
    }

    /// An answer with this status and nothing more to say (e.g. a raw download refused).
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(status),
            code: "http_status".to_owned(),
            errors: Vec::new(),
            current_status: None,
            retry_after: None,
        }
    }

    /// A failure that no answer explains (the request could not be made or read).
    pub fn unreachable() -> Self {
        Self {
            status: None,
            code: "unreachable".to_owned(),
            errors: Vec::new(),
            current_status: None,
            retry_after: None,
        }
    }

    /// A problem answer read outside the typed client (the upload with progress).
    pub fn from_problem(problem: Problem) -> Self {
        Self {
            status: Some(problem.status),
            code: problem.code,
            errors: problem.errors.unwrap_or_default(),
            current_status: problem.current_status,
            retry_after: problem.retry_after,
        }
    }

    pub fn is_status(&self, status: u16) -> bool {
        self.status == Some(status)
    }

    /// The sentence to show when the failure is not about one field.
    pub fn message(&self) -> Message {
        match self.status {
            None => |t: &Texts| t.network_error,
            Some(401) => |t: &Texts| t.session_expired,
            Some(429) => |t: &Texts| t.too_many_attempts,
            Some(_) => |t: &Texts| t.server_error,
        }
    }
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Api(problem) => Self::from_problem(*problem),
            ClientError::Transport(_) | ClientError::BaseUrl(_) => Self::unreachable(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttled_answer_keeps_how_long_to_wait() {
        let mut problem = Problem::new(429, "too_many_requests", "Too many attempts");
        problem.retry_after = Some(900);
        let failure = Failure::from_problem(problem);
        assert!(failure.is_status(429));
        assert_eq!(failure.retry_after, Some(900));
        assert_eq!(Failure::status(429).retry_after, None);
    }
}
