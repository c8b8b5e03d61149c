//! Accounts by email: the forgotten password and the access request by service code.
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::email::validate_email;
use crate::password::validate_password;
use crate::tickets::not_blank;

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "claire@acme.test"})))]
pub struct PasswordResetRequest {
    #[validate(custom(function = "validate_email"))]
    pub email: String,
}

/// Sets a new password with the token of a reset or set-password link.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"token": "q3N0x1d1b0mD8m0lqQ7hV0dN3GZ3v8kQ2a7cX9s1yZE", "new_password": "Un-Nouveau-Secret-42"})))]
pub struct PasswordResetConfirm {
    /// The `token` of the link's fragment (`#token=…`).
    #[validate(length(min = 1, max = 512, message = "the link's token is required"))]
    pub token: String,
    #[validate(custom(function = "validate_password"))]
    pub new_password: String,
}

/// A person whose address the support team already knows asks for an account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"full_name": "Agnès Martin", "email": "achats@acme.test", "service_code": "1234"})))]
pub struct AccessRequest {
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "not_blank")
    )]
    pub full_name: String,
    #[validate(custom(function = "validate_email"))]
    pub email: String,
    /// The 4-digit code of the company, given by the support provider.
    #[validate(custom(function = "validate_service_code"))]
    pub service_code: String,
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
    fn an_access_request_names_every_bad_field() {
        let request = AccessRequest {
            full_name: " ".to_owned(),
            email: "nope".to_owned(),
            service_code: "12".to_owned(),
        };
        let errors = request.validate().expect_err("invalid");
        let fields = errors.field_errors();
        assert!(fields.contains_key("full_name"));
        assert!(fields.contains_key("email"));
        assert!(fields.contains_key("service_code"));
    }
}
