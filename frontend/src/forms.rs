//! Field errors of a form, whether found in the browser or answered by the server: both use
//! the API's field names and error codes, so they land under the same inputs.
use guichet_types::FieldError;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// `is_empty(field)` tells which fields were left empty: for those a `length` error
    /// (at least one character) reads better as "required".
    pub fn new(mut errors: Vec<FieldError>, is_empty: impl Fn(&str) -> bool) -> Self {
        for error in &mut errors {
            if error.code == "length" && is_empty(&error.field) {
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
            ],
            |field| field == "description",
        )
        .sorted(&["title", "description"]);
        let listed: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            listed,
            vec![("title", "length"), ("description", "required")]
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
