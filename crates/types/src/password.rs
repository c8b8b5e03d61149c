//! The password policy of SPEC.md, shared so the SPA can show a live checklist.
use serde::{Deserialize, Serialize};

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// One rule of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    MinLength,
    MaxLength,
    Uppercase,
    Lowercase,
    Digit,
    Special,
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 6] = [
        PasswordRule::MinLength,
        PasswordRule::MaxLength,
        PasswordRule::Uppercase,
        PasswordRule::Lowercase,
        PasswordRule::Digit,
        PasswordRule::Special,
    ];

    pub fn is_met_by(self, password: &str) -> bool {
        match self {
            PasswordRule::MinLength => password.chars().count() >= PASSWORD_MIN_CHARS,
            PasswordRule::MaxLength => password.chars().count() <= PASSWORD_MAX_CHARS,
            PasswordRule::Uppercase => password.chars().any(char::is_uppercase),
            PasswordRule::Lowercase => password.chars().any(char::is_lowercase),
            PasswordRule::Digit => password.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::Special => password
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
        }
    }

    /// English description, used in problem answers.
    pub fn describe(self) -> String {
        match self {
            PasswordRule::MinLength => format!("at least {PASSWORD_MIN_CHARS} characters"),
            PasswordRule::MaxLength => format!("at most {PASSWORD_MAX_CHARS} characters"),
            PasswordRule::Uppercase => "an upper-case letter".to_owned(),
            PasswordRule::Lowercase => "a lower-case letter".to_owned(),
            PasswordRule::Digit => "a digit".to_owned(),
            PasswordRule::Special => "a special character".to_owned(),
        }
    }
}

/// The rules `password` breaks; empty when it is acceptable.
pub fn broken_rules(password: &str) -> Vec<PasswordRule> {
    PasswordRule::ALL
        .into_iter()
        .filter(|rule| !rule.is_met_by(password))
        .collect()
}

/// `validator` hook for password members.
pub fn validate_password(password: &str) -> Result<(), validator::ValidationError> {
    let broken = broken_rules(password);
    if broken.is_empty() {
        return Ok(());
    }
    let needs: Vec<String> = broken.iter().map(|rule| rule.describe()).collect();
    let mut error = validator::ValidationError::new("password_policy");
    error.message = Some(format!("the password needs {}", needs.join(", ")).into());
    Err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_password_meets_the_policy() {
        assert!(broken_rules("Demo-Guichet-2026!").is_empty());
    }

    #[test]
    fn each_rule_is_checked() {
        assert_eq!(
            broken_rules("short"),
            vec![
                PasswordRule::MinLength,
                PasswordRule::Uppercase,
                PasswordRule::Digit,
                PasswordRule::Special
            ]
        );
        assert_eq!(
            broken_rules("ALLUPPERCASE123!"),
            vec![PasswordRule::Lowercase]
        );
        assert!(
            broken_rules(&format!("Aa1!{}", "x".repeat(130))).contains(&PasswordRule::MaxLength)
        );
    }
}
