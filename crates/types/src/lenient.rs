//! Reading a JSON body so that one answer names every bad member at once.
//!
//! serde stops at the first error, which would make a user fix a form one field at a time.
//! [`parse_lenient`] instead checks each member of the body on its own against the request
//! type, then runs the type's `validator` rules on the members that parsed, and reports
//! missing, mistyped, unknown and invalid members together.
//!
//! A request type takes part by deriving `Default` (its default value lists its members;
//! optional members are `Option`s serialised as `null`), `Serialize`, `Deserialize` and
//! `Validate`. Each member's default must read back (a checked type such as `EmailAddress`
//! defaults to a valid stand-in): the members are checked one by one beside the others'.
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::email::{InvalidEmail, EMAIL_ERROR_CODE};
use crate::FieldError;

/// Parses and validates `body` as a `T`, or lists every invalid field.
pub fn parse_lenient<T>(body: Value) -> Result<T, Vec<FieldError>>
where
    T: DeserializeOwned + Serialize + Validate + Default,
{
    let Value::Object(given) = with_integral_numbers(body) else {
        return Err(vec![FieldError::new(
            "",
            "invalid_type",
            "the body must be a JSON object",
        )]);
    };
    let Ok(Value::Object(template)) = serde_json::to_value(T::default()) else {
        return Err(vec![FieldError::new(
            "",
            "invalid_type",
            "this request takes no JSON object",
        )]);
    };

    let mut errors = Vec::new();
    let mut merged: Map<String, Value> = template.clone();
    for (name, value) in given
        .iter()
        .filter(|(name, _)| !template.contains_key(*name))
    {
        // A member the default leaves out (one that tells `null` from absent) is known when
        // it comes back out of the parsed request; any other is unknown.
        let mut candidate = template.clone();
        candidate.insert(name.clone(), value.clone());
        match serde_json::from_value::<T>(Value::Object(candidate)) {
            Err(error) => errors.push(type_error(name, &error)),
            Ok(parsed) => match serde_json::to_value(parsed) {
                Ok(Value::Object(round_trip)) if round_trip.contains_key(name) => {
                    merged.insert(name.clone(), value.clone());
                }
                _ => errors.push(FieldError::new(
                    name.as_str(),
                    "unknown_field",
                    "this member is not part of the request",
                )),
            },
        }
    }

    // Members whose default is not null are required.
    for (name, default) in &template {
        match given.get(name) {
            None if !default.is_null() => {
                errors.push(FieldError::new(
                    name.as_str(),
                    "required",
                    "this member is required",
                ));
            }
            None => {}
            Some(value) => {
                let mut candidate = template.clone();
                candidate.insert(name.clone(), value.clone());
                match serde_json::from_value::<T>(Value::Object(candidate)) {
                    Ok(_) => {
                        merged.insert(name.clone(), value.clone());
                    }
                    Err(error) => errors.push(type_error(name, &error)),
                }
            }
        }
    }

    let parsed: T = serde_json::from_value(Value::Object(merged))
        .map_err(|error| vec![FieldError::new("", "invalid_type", error.to_string())])?;
    if let Err(invalid) = parsed.validate() {
        let already_reported: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
        errors.extend(
            validation_errors(&invalid)
                .into_iter()
                .filter(|e| !already_reported.contains(&e.field)),
        );
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        Err(errors)
    }
}

fn type_error(name: &str, error: &serde_json::Error) -> FieldError {
    let message = error.to_string();
    // serde_json appends " at line 1 column 2"-style positions that mean nothing here.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_owned();
    let code = if message.starts_with("unknown variant") {
        "invalid_choice"
    } else if InvalidEmail::is_message(&message) {
        // An `EmailAddress` member: the code it had as a validated string.
        EMAIL_ERROR_CODE
    } else {
        "invalid_type"
    };
    FieldError::new(name, code, message)
}

/// Flattens `validator`'s errors into field errors with dotted JSON paths.
pub fn validation_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let message = error
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| error.code.to_string());
                    out.push(FieldError::new(
                        path.clone(),
                        error.code.to_string(),
                        message,
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}.{index}"), out);
                }
            }
        }
    }
}

/// JSON (and the OpenAPI document's `integer`) counts `2.0` as the integer 2; serde would
/// refuse it for an integer member.
fn with_integral_numbers(value: Value) -> Value {
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(float)
                if number.is_f64()
                    && float.fract() == 0.0
                    && float.abs() < 9_007_199_254_740_992.0 =>
            {
                // Exact: integral and within f64's 53-bit mantissa.
                #[expect(clippy::cast_possible_truncation, reason = "integral and in range")]
                Value::from(float as i64)
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(with_integral_numbers).collect()),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(name, member)| (name, with_integral_numbers(member)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Level, NewTicket};
    use serde_json::json;

    fn fields(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn names_every_bad_member_at_once() {
        let errors = parse_lenient::<NewTicket>(json!({
            "kind": "incident", "urgency": "urgentissime", "title": "", "description": "", "colour": 3
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec![
                ("category_id", "required"),
                ("colour", "unknown_field"),
                ("description", "length"),
                ("title", "length"),
                ("urgency", "invalid_choice"),
            ]
        );
    }

    #[test]
    fn wrong_types_are_named() {
        let errors = parse_lenient::<NewTicket>(json!({
            "kind": "incident", "category_id": "three", "urgency": "low", "title": 5, "description": "d", "notify": "yes"
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec![
                ("category_id", "invalid_type"),
                ("notify", "invalid_type"),
                ("title", "invalid_type")
            ]
        );
    }

    #[test]
    fn a_good_body_parses() {
        let ticket: NewTicket = parse_lenient(json!({
            "kind": "request", "category_id": 3, "urgency": "high", "title": "Écran noir", "description": "Depuis ce matin"
        }))
        .expect("valid");
        assert_eq!(ticket.urgency, Some(Level::High));
        assert_eq!(ticket.asset_id, None);
    }

    #[test]
    fn a_non_object_is_refused() {
        assert!(parse_lenient::<NewTicket>(json!([1, 2])).is_err());
    }

    /// Found by the conformance run: `{"rating": 5.0}` is valid by the document.
    #[test]
    fn integral_floats_are_integers() {
        let parsed = parse_lenient::<crate::SatisfactionRequest>(json!({"rating": 5.0}))
            .expect("5.0 is the integer 5");
        assert_eq!(parsed.rating, 5);
        let errors = parse_lenient::<crate::SatisfactionRequest>(json!({"rating": 4.5}))
            .expect_err("4.5 is not an integer");
        assert_eq!(fields(&errors), [("rating", "invalid_type")]);
    }
}
