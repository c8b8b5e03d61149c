//! Email address syntax, checked by hand: validator's `email` rule brings a regex engine
//! into the WASM build (about 270 KB gzipped) for a check this small.

pub const EMAIL_MAX_CHARS: usize = 254;

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
    let mut error = validator::ValidationError::new("email");
    error.message = Some("not a valid email address".into());
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
}
