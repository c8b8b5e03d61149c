//! The token form's rules, apart from the page so tests can call them.
use chrono::{DateTime, Utc};
use guichet_types::{FieldError, NewApiToken, Role, TokenScope};
use validator::Validate;

use crate::forms::FieldErrors;

/// The fields in the order the form shows them.
pub const ORDER: [&str; 3] = ["name", "scopes", "expires_at"];

/// The form as typed: the expiry as the browser read it (`None` if left empty, `Some(None)`
/// if unreadable).
pub struct Draft<'a> {
    pub name: &'a str,
    pub scopes: Vec<TokenScope>,
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// The request of `draft` for an owner of `role`, or every error the server would answer:
/// the same rules (`NewApiToken`'s), checked before sending.
pub fn request_of(
    draft: Draft,
    role: Role,
    now: DateTime<Utc>,
) -> Result<NewApiToken, FieldErrors> {
    let mut errors: Vec<FieldError> = Vec::new();
    let expires_at = match draft.expires_at {
        None => None,
        Some(Some(at)) => Some(at),
        Some(None) => {
            errors.push(FieldError::new("expires_at", "invalid_type", "not a date"));
            None
        }
    };
    let token = NewApiToken {
        name: draft.name.trim().to_owned(),
        scopes: draft.scopes,
        expires_at,
    };
    if let Err(found) = token.validate() {
        errors.extend(guichet_types::validation_errors(&found));
    }
    errors.extend(token.errors_for(role, now));
    if errors.is_empty() {
        Ok(token)
    } else {
        // Any refused scope is shown on the group of boxes.
        for error in &mut errors {
            if error.field.starts_with("scopes.") {
                error.field = "scopes".to_owned();
            }
        }
        let name_empty = draft.name.trim().is_empty();
        Err(FieldErrors::new(errors, |field| field == "name" && name_empty).sorted(&ORDER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_name_and_a_scope_are_needed_and_the_expiry_is_in_the_future() {
        let now = Utc::now();
        let refused = request_of(
            Draft {
                name: "  ",
                scopes: Vec::new(),
                expires_at: Some(Some(now - Duration::days(1))),
            },
            Role::Customer,
            now,
        )
        .expect_err("refused");
        assert_eq!(
            refused.listed(),
            [
                ("name", "required"),
                ("scopes", "length"),
                ("expires_at", "in_the_past")
            ]
        );
        let token = request_of(
            Draft {
                name: " Supervision ",
                scopes: vec![TokenScope::TicketsRead],
                expires_at: None,
            },
            Role::Customer,
            now,
        )
        .expect("accepted");
        assert_eq!(token.name, "Supervision");
    }

    #[test]
    fn a_scope_the_role_cannot_use_is_refused_on_the_group() {
        let refused = request_of(
            Draft {
                name: "x",
                scopes: vec![TokenScope::AdminWrite],
                expires_at: Some(None),
            },
            Role::Customer,
            Utc::now(),
        )
        .expect_err("refused");
        assert_eq!(
            refused.listed(),
            [("scopes", "not_allowed"), ("expires_at", "invalid_type")]
        );
    }
}
