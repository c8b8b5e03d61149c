//! Accounts by email: the forgotten password, the access request by service code, and the
//! lost account (a ticket for the support team, opened without signing in).
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::email::EmailAddress;
use crate::password::validate_password;
use crate::tickets::not_blank;

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "claire@acme.test"})))]
pub struct PasswordResetRequest {
    pub email: EmailAddress,
}

/// Sets a new password with the token of a reset or set-password link.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "q3N0x1d1b0mD8m0lqQ7hV0dN3GZ3v8kQ2a7cX9s1yZE", "new_password": "Un-Nouveau-Secret-42"})))]
pub struct PasswordResetConfirm {
    /// The `token` of the link's fragment (`#token=…`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = 512, message = "the link's token is required"))]
    pub token: String,
    #[validate(custom(function = "validate_password"))]
    pub new_password: String,
}

/// `POST /auth/password-reset/inspect`: the token of a reset or set-password link, to learn
/// which account it is for without using it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "q3N0x1d1b0mD8m0lqQ7hV0dN3GZ3v8kQ2a7cX9s1yZE"})))]
pub struct PasswordLinkToken {
    /// The `token` of the link's fragment (`#token=…`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = 512, message = "the link's token is required"))]
    pub token: String,
}

/// The account a valid reset or set-password link is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "claire@acme.test"})))]
pub struct PasswordLinkAccount {
    /// The account's sign-in address.
    pub email: String,
}

/// A person whose address the support team already knows asks for an account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"full_name": "Agnès Martin", "email": "achats@acme.test", "service_code": "1234"})))]
pub struct AccessRequest {
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
        custom(function = "not_blank")
    )]
    pub full_name: String,
    pub email: EmailAddress,
    /// The 4-digit code of the company, given by the support provider.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}$"))]
    #[validate(custom(function = "validate_service_code"))]
    pub service_code: String,
}

pub const PHONE_MAX_CHARS: usize = 40;
pub const RECOVERY_MESSAGE_MAX_CHARS: u64 = 5000;

/// Someone who lost their support account (sign-in address and all) asks the support team
/// for help, without signing in: the support team gets a ticket and contacts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "full_name": "Agnès Martin", "company_name": "Acme Industrie", "email": "agnes.martin@example.com",
    "phone": "+33 1 23 45 67 89",
    "message": "Je n'ai plus accès à l'adresse de mon compte support, ni à nos fiches d'information."
})))]
pub struct AccountRecoveryRequest {
    /// One line, 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\u0000-\\u001f\\u007f-\\u009f\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "not_blank"),
        custom(function = "single_line")
    )]
    pub full_name: String,
    /// The company under a support contract; one line, 1 to 200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\u0000-\\u001f\\u007f-\\u009f\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "not_blank"),
        custom(function = "single_line")
    )]
    pub company_name: String,
    /// Where the support team may answer.
    pub email: EmailAddress,
    /// Optional: digits, spaces and `+ ( ) . - /`, at most 40 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub phone: Option<String>,
    /// What happened; 1 to 5000 characters, several lines allowed.
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
        custom(function = "not_blank")
    )]
    pub message: String,
}

/// `validator` hook: no line breaks or other control characters; the error code is
/// `single_line`.
pub fn single_line(value: &str) -> Result<(), validator::ValidationError> {
    if !value.chars().any(char::is_control) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new("single_line");
    error.message = Some("must be one line, without line breaks".into());
    Err(error)
}

/// A phone number as people type it: digits, spaces and `+ ( ) . - /`, with at least one
/// digit. Blank counts as no number.
pub fn is_valid_phone(phone: &str) -> bool {
    let phone = phone.trim();
    phone.is_empty()
        || (phone.chars().count() <= PHONE_MAX_CHARS
            && phone.chars().any(|c| c.is_ascii_digit())
            && phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +().-/".contains(c)))
}

/// `validator` hook for phone members; the error code is `phone`.
pub fn validate_phone(phone: &str) -> Result<(), validator::ValidationError> {
    if is_valid_phone(phone) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new("phone");
    error.message =
        Some(format!("at most {PHONE_MAX_CHARS} digits, spaces and + ( ) . - / characters").into());
    Err(error)
}

pub fn is_valid_service_code(code: &str) -> bool {
    code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit())
}

/// `validator` hook: exactly four ASCII digits; the error code is `service_code`.
pub fn validate_service_code(code: &str) -> Result<(), validator::ValidationError> {
    if is_valid_service_code(code) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new("service_code");
    error.message = Some("must be exactly 4 digits".into());
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_codes_are_four_digits() {
        assert!(is_valid_service_code("1234"));
        assert!(is_valid_service_code("0000"));
        for bad in ["", "123", "12345", "12a4", "١٢٣٤", " 123"] {
            assert!(!is_valid_service_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn phone_numbers_take_the_usual_signs() {
        for good in [
            "",
            "  ",
            "+33 1 23 45 67 89",
            "(514) 555-0199",
            "01.23.45.67.89",
            "0800/123",
        ] {
            assert!(is_valid_phone(good), "{good:?}");
        }
        for bad in ["abc", "+", "01 23\r\n45", "1 poste 12", &"1".repeat(41)] {
            assert!(!is_valid_phone(bad), "{bad:?}");
        }
    }

    /// Through the lenient reader, as the server reads a body: the address keeps the code
    /// and message it had as a validated string.
    fn codes<T>(body: serde_json::Value) -> Vec<(String, String, String)>
    where
        T: serde::de::DeserializeOwned + Serialize + Validate + Default,
    {
        crate::parse_lenient::<T>(body)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code, e.message))
            .collect()
    }

    #[test]
    fn a_lost_account_request_names_every_bad_field() {
        let bad = serde_json::json!({
            "full_name": "Agnès\r\nBcc: x@y.test",
            "company_name": "   ",
            "email": "agnes@",
            "phone": "call me",
            "message": "",
        });
        let found = codes::<AccountRecoveryRequest>(bad);
        let fields: Vec<(&str, &str)> = found
            .iter()
            .map(|(field, code, _)| (field.as_str(), code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("company_name", "blank"),
                ("email", "email"),
                ("full_name", "single_line"),
                ("message", "length"),
                ("phone", "phone"),
            ]
        );
        assert_eq!(found[1].2, "not a valid email address");

        let good: AccountRecoveryRequest = crate::parse_lenient(serde_json::json!({
            "full_name": "Agnès Martin",
            "company_name": "Acme Industrie",
            "email": "Agnes@Example.com",
            "message": "Plus d'accès.\nMerci.",
        }))
        .expect("valid");
        assert_eq!(good.email.as_str(), "agnes@example.com");
        assert_eq!(good.phone, None);
    }

    #[test]
    fn an_access_request_names_every_bad_field() {
        let found = codes::<AccessRequest>(serde_json::json!({
            "full_name": " ", "email": "nope", "service_code": "12"
        }));
        let fields: Vec<&str> = found.iter().map(|(field, _, _)| field.as_str()).collect();
        assert_eq!(fields, ["email", "full_name", "service_code"]);
        let missing = codes::<AccessRequest>(serde_json::json!({
            "full_name": "Agnès Martin", "service_code": "1234"
        }));
        assert_eq!(missing[0].0, "email");
        assert_eq!(missing[0].1, "required");
    }
}
