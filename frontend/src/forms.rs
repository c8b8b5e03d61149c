//! Field errors of a form, whether found in the browser or answered by the server: both use
//! the API's field names and error codes, so they land under the same inputs. And the state
//! of the forms that are sent once, before signing in.
use std::future::Future;

use guichet_client::{Client, ClientError};
use guichet_types::{validation_errors, FieldError};
use leptos::{prelude::*, task::spawn_local};
use validator::Validate;

use crate::{
    dom,
    failure::Failure,
    i18n::{Message, Texts},
    session::anonymous_client,
};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// `is_empty(field)` tells which fields were left empty: for those any error (too short,
    /// not an email address, ...) reads better as "required".
    pub fn new(mut errors: Vec<FieldError>, is_empty: impl Fn(&str) -> bool) -> Self {
        for error in &mut errors {
            if is_empty(&error.field) {
                error.code = "required".to_owned();
            }
        }
        // One message per field: the first is the one to fix first.
        let mut seen = Vec::new();
        errors.retain(|e| {
            let first = !seen.contains(&e.field);
            seen.push(e.field.clone());
            first
        });
        Self(errors)
    }

    /// (field, code) of each error, for tests.
    #[cfg(test)]
    pub fn listed(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    /// Lists the errors in the order the form shows its fields (unknown fields last).
    pub fn sorted(mut self, order: &[&str]) -> Self {
        self.0.sort_by_key(|e| {
            order
                .iter()
                .position(|field| *field == e.field)
                .unwrap_or(order.len())
        });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn code(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code.clone())
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// The first invalid field in the order the form shows them.
    pub fn first_of<'a>(&self, order: &[&'a str]) -> Option<&'a str> {
        order.iter().copied().find(|field| self.has(field))
    }
}

/// A form sent once, after which the page says so (`#sent`) instead of showing the form:
/// the forgotten password, the access request, the lost account.
#[derive(Clone, Copy)]
pub struct SendOnce {
    pub errors: RwSignal<FieldErrors>,
    /// A failure that is not about one field.
    pub general: RwSignal<Option<Message>>,
    pub pending: RwSignal<bool>,
    pub sent: RwSignal<bool>,
    /// The fields in the order the form shows them.
    order: &'static [&'static str],
    /// What the page says when the server answers 429.
    throttled: Message,
}

impl SendOnce {
    pub fn new(order: &'static [&'static str]) -> Self {
        Self {
            errors: RwSignal::new(FieldErrors::default()),
            general: RwSignal::new(None),
            pending: RwSignal::new(false),
            sent: RwSignal::new(false),
            order,
            throttled: |t: &Texts| t.too_many_attempts,
        }
    }

    pub fn when_throttled(self, message: Message) -> Self {
        Self {
            throttled: message,
            ..self
        }
    }

    /// Lists `found` under their fields and moves the focus to the first one to fix.
    pub fn show_errors(self, found: FieldErrors) {
        let found = found.sorted(self.order);
        let first = found.first_of(self.order);
        self.errors.set(found);
        if let Some(first) = first {
            dom::focus_soon(first);
        }
    }

    /// Checks `request` with the rules the server applies; `unread` is the error of a field
    /// that could not be read into it (an address that is not one: `request` then holds a
    /// stand-in, and is not sent); `is_empty` as for [`FieldErrors::new`]. False, with the
    /// errors shown, when something is wrong.
    pub fn check(
        self,
        request: &impl Validate,
        unread: Option<FieldError>,
        is_empty: impl Fn(&str) -> bool,
    ) -> bool {
        self.general.set(None);
        let mut found = request
            .validate()
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default();
        found.extend(unread);
        let found = FieldErrors::new(found, is_empty);
        let valid = found.is_empty();
        self.show_errors(found);
        valid
    }

    /// Sends with `call` on a client that is not signed in, unless a send is under way, then
    /// says it is sent or shows why not.
    pub fn send<F>(self, call: impl FnOnce(Client) -> F + 'static)
    where
        F: Future<Output = Result<(), ClientError>> + 'static,
    {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        spawn_local(async move {
            let result = match anonymous_client() {
                Ok(client) => call(client).await.map_err(Failure::from),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(()) => {
                    self.sent.set(true);
                    dom::focus_soon("sent");
                }
                Err(failure) if !failure.errors.is_empty() => {
                    self.show_errors(FieldErrors::new(failure.errors, |_| false));
                }
                Err(failure) if failure.is_status(429) => self.general.set(Some(self.throttled)),
                Err(failure) => self.general.set(Some(failure.message())),
            }
            self.pending.set(false);
        });
    }
}

/// The `aria-describedby` of an input: its hint, then its error when it has one.
pub fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_field_is_required_rather_than_too_short() {
        let errors = FieldErrors::new(
            vec![
                FieldError::new("description", "length", "must be 1 to 20000 characters"),
                FieldError::new("title", "length", "must be 1 to 200 characters"),
                FieldError::new("title", "blank", "must not be only spaces"),
                FieldError::new("email", "email", "not a valid email address"),
            ],
            |field| field == "description" || field == "email",
        )
        .sorted(&["title", "description", "email"]);
        assert_eq!(
            errors.listed(),
            vec![
                ("title", "length"),
                ("description", "required"),
                ("email", "required")
            ]
        );
        assert_eq!(
            errors.first_of(&["kind", "description", "title"]),
            Some("description")
        );
    }

    #[test]
    fn describedby_lists_hint_then_error() {
        assert_eq!(
            described_by("title", true, true).as_deref(),
            Some("title-hint title-error")
        );
        assert_eq!(described_by("email", false, false), None);
    }
}
