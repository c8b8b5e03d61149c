//! Email addresses: [`EmailAddress`], the one form the API takes them in, and the syntax
//! rule, checked by hand: validator's `email` rule brings a regex engine into the WASM build
//! (about 270 KB gzipped) for a check this small.
use serde::{Deserialize, Serialize};

use crate::FieldError;

pub const EMAIL_MAX_CHARS: usize = 254;
/// The error code of a member that is not an address (`FieldError::code`).
pub const EMAIL_ERROR_CODE: &str = "email";
const EMAIL_ERROR_MESSAGE: &str = "not a valid email address";

/// An email address: at most 254 characters without spaces or control characters, one `@`,
/// a local part of at most 64 characters and a domain of dot-separated labels (letters,
/// digits, inner hyphens). Kept in lower case.
//
// The one form the server stores, compares and sends to, built only by `parse` (reading
// JSON goes through it): whoever holds one holds a checked, normalised address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, format = Email, example = "claire@acme.test")
)]
#[serde(try_from = "String")]
pub struct EmailAddress(String);

/// Why a text is not an [`EmailAddress`]; its message is the API's for such a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidEmail;

impl EmailAddress {
    /// The address `text` names, if [`is_valid_email`] takes it as it is (surrounding spaces
    /// included: a form trims before it sends).
    pub fn parse(text: &str) -> Result<Self, InvalidEmail> {
        if is_valid_email(text) {
            Ok(Self(normalize_email(text)))
        } else {
            Err(InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The one normalisation of addresses: surrounding spaces dropped, lower case. Every
/// [`EmailAddress`] went through it; sign-in applies it to whatever was typed.
pub fn normalize_email(text: &str) -> String {
    text.trim().to_lowercase()
}

impl InvalidEmail {
    /// The 422 entry naming `field`.
    pub fn field_error(self, field: &str) -> FieldError {
        FieldError::new(field, EMAIL_ERROR_CODE, EMAIL_ERROR_MESSAGE)
    }

    /// Whether a serde error is this one (the lenient reader gives it its own code).
    pub(crate) fn is_message(message: &str) -> bool {
        message == EMAIL_ERROR_MESSAGE
    }
}

impl std::fmt::Display for InvalidEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(EMAIL_ERROR_MESSAGE)
    }
}

impl std::error::Error for InvalidEmail {}

impl TryFrom<String> for EmailAddress {
    type Error = InvalidEmail;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl std::str::FromStr for EmailAddress {
    type Err = InvalidEmail;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// An address reads as its text wherever a `&str` is taken.
impl std::ops::Deref for EmailAddress {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<EmailAddress> for String {
    fn from(address: EmailAddress) -> Self {
        address.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stand-in that is never delivered (`.invalid`). Request types derive `Default` so that
/// [`crate::parse_lenient`] learns their members from it; it answers `required` for a missing
/// address, so this one never reaches a handler.
impl Default for EmailAddress {
    fn default() -> Self {
        Self("address@example.invalid".to_owned())
    }
}

/// Whether `address` looks like `local@domain.tld`: no spaces or control characters (so no
/// header injection), one `@`, a local part of at most 64 characters, and a domain of
/// dot-separated labels of letters, digits and inner hyphens.
pub fn is_valid_email(address: &str) -> bool {
    if address.chars().count() > EMAIL_MAX_CHARS
        || address.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.contains('@')
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.contains(['"', '(', ')', ',', ':', ';', '<', '>', '[', '\\', ']']);
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// `validator` hook for email members; the error code is `email`.
pub fn validate_email(address: &str) -> Result<(), validator::ValidationError> {
    if is_valid_email(address) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new(EMAIL_ERROR_CODE);
    error.message = Some(EMAIL_ERROR_MESSAGE.into());
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for good in [
            "claire@acme.test",
            "first.last+tag@sub.example.fr",
            "rémi@boréal.test",
            "a@b.co",
        ] {
            assert!(is_valid_email(good), "{good}");
        }
    }

    #[test]
    fn refuses_malformed_and_injected_addresses() {
        for bad in [
            "",
            "claire",
            "claire@",
            "@acme.test",
            "claire@acme",
            "claire@@acme.test",
            "cla ire@acme.test",
            "claire@acme.test\r\nBcc: x@y.test",
            ".claire@acme.test",
            "cl..aire@acme.test",
            "claire@-acme.test",
            "claire@acme..test",
            "<claire>@acme.test",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
        assert!(!is_valid_email(&format!("{}@acme.test", "a".repeat(65))));
    }

    #[test]
    fn an_address_is_kept_in_lower_case() {
        let address = EmailAddress::parse("Claire.Martin@ACME.test").expect("valid");
        assert_eq!(address.as_str(), "claire.martin@acme.test");
        assert_eq!(
            EmailAddress::parse("Rémi@Boréal.TEST").map(String::from),
            Ok("rémi@boréal.test".to_owned())
        );
    }

    #[test]
    fn an_address_is_taken_only_as_given() {
        // As before the type: spaces around an address are refused, not trimmed.
        for bad in ["", " claire@acme.test", "claire@acme.test\n", "claire@acme"] {
            assert_eq!(EmailAddress::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
        assert_eq!(normalize_email("  Claire@ACME.test "), "claire@acme.test");
    }

    #[test]
    fn json_reads_and_writes_a_plain_string() {
        let address: EmailAddress =
            serde_json::from_value(serde_json::json!("Remi@Acme.TEST")).expect("valid");
        assert_eq!(
            serde_json::to_value(&address).expect("serialises"),
            serde_json::json!("remi@acme.test")
        );
        let refused = serde_json::from_value::<EmailAddress>(serde_json::json!("remi@"))
            .expect_err("invalid");
        assert!(InvalidEmail::is_message(&refused.to_string()), "{refused}");
        assert!(serde_json::from_value::<EmailAddress>(serde_json::json!(5)).is_err());
    }

    #[test]
    fn the_stand_in_is_an_undeliverable_address() {
        let stand_in = EmailAddress::default();
        assert_eq!(EmailAddress::parse(&stand_in), Ok(stand_in.clone()));
        assert!(stand_in.ends_with(".invalid"));
    }
}
