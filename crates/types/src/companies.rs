//! Client companies and their known contacts, as the provider manages them.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::recovery::{single_line, validate_phone, validate_service_code};
use crate::tickets::not_blank;
use crate::{CompanyId, ContactId, EmailAddress, Page, UserId, UserRef};

/// A client company, as the support team reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Company {
    pub id: CompanyId,
    pub name: String,
    /// Four digits, unique: what the company's people give to ask for an account.
    pub service_code: String,
    /// A deactivated company's people cannot sign in; its tickets are kept.
    pub active: bool,
    pub account_manager_id: Option<UserId>,
    /// The agent who looks after the company.
    pub account_manager: Option<UserRef>,
    /// The phone line of the company's support (told to customers under gold and above).
    pub phone: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

pub type CompanyPage = Page<Company>;

/// `POST /companies` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Acme Industrie", "service_code": "1234", "account_manager_id": 4,
    "phone": "03 89 00 00 00"
})))]
pub struct NewCompany {
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
    pub name: String,
    /// Exactly four digits, unique (409 `conflict` naming `service_code` otherwise).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}$"))]
    #[validate(custom(function = "validate_service_code"))]
    pub service_code: String,
    /// Default: true.
    pub active: Option<bool>,
    /// An active agent or admin, or `null`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub account_manager_id: Option<UserId>,
    /// Digits, spaces and `+ ( ) . - /`, at most 40 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    #[validate(length(max = 5000, message = "at most 5000 characters"))]
    pub notes: Option<String>,
}

/// `PATCH /companies/{id}` (admins): the members given change, the others do not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"active": false})))]
pub struct CompanyUpdate {
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
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}$"))]
    #[validate(custom(function = "validate_service_code"))]
    pub service_code: Option<String>,
    /// `false` ends the sessions of the company's people at once.
    pub active: Option<bool>,
    /// An active agent or admin, or `null` for none; left out, it does not change.
    // In Rust: `None` leaves it, `Some(None)` removes it.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub account_manager_id: Option<Option<UserId>>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    #[validate(length(max = 5000, message = "at most 5000 characters"))]
    pub notes: Option<String>,
}

/// The filters of `GET /companies`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyListQuery {
    /// Words found in the name or the service code.
    pub q: Option<String>,
    pub active: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl CompanyListQuery {
    /// The query string's pairs, for clients.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.q.clone()),
            ("active", self.active.map(|a| a.to_string())),
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

/// Where a list starts and how long its page is, with an optional search (`q`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl ListQuery {
    /// The query string's pairs, for clients.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("q", self.q.clone()),
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

/// A known contact of a company: an address without an account, used by access requests
/// and mail intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    pub company_id: CompanyId,
    pub email: String,
    pub full_name: String,
    pub phone: String,
}

pub type ContactPage = Page<Contact>;

/// `POST /companies/{id}/contacts` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "achats@acme.test", "full_name": "Service achats", "phone": "03 89 12 34 00"
})))]
pub struct NewContact {
    /// Once per company (409 `conflict` naming `email` otherwise).
    pub email: EmailAddress,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")
    )]
    #[validate(
        length(max = 200, message = "at most 200 characters"),
        custom(function = "single_line")
    )]
    pub full_name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub phone: Option<String>,
}

/// `PATCH /contacts/{id}` (admins): the members given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"full_name": "Agnès Martin"})))]
pub struct ContactUpdate {
    pub email: Option<EmailAddress>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")
    )]
    #[validate(
        length(max = 200, message = "at most 200 characters"),
        custom(function = "single_line")
    )]
    pub full_name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub phone: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_lenient;
    use serde_json::json;

    fn fields(errors: &[crate::FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn a_company_names_every_bad_member() {
        let errors = parse_lenient::<NewCompany>(json!({
            "name": " ", "service_code": "12a4", "phone": "call me", "colour": "red"
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                ("colour", "unknown_field"),
                ("name", "blank"),
                ("phone", "phone"),
                ("service_code", "service_code"),
            ]
        );
        let company: NewCompany =
            parse_lenient(json!({"name": "Acme", "service_code": "0042"})).expect("valid");
        assert_eq!(company.active, None);
    }

    #[test]
    fn an_update_tells_removing_the_manager_from_leaving_it() {
        let removed: CompanyUpdate =
            parse_lenient(json!({"account_manager_id": null})).expect("valid");
        assert_eq!(removed.account_manager_id, Some(None));
        let left: CompanyUpdate = parse_lenient(json!({"notes": "VIP"})).expect("valid");
        assert_eq!(left.account_manager_id, None);
        let set: CompanyUpdate = parse_lenient(json!({"account_manager_id": 4})).expect("valid");
        assert_eq!(set.account_manager_id, Some(Some(UserId(4))));
    }

    #[test]
    fn list_queries_leave_out_what_is_not_asked() {
        let query = CompanyListQuery {
            q: Some("acme".into()),
            active: Some(false),
            ..Default::default()
        };
        assert_eq!(
            query.to_pairs(),
            [("q", "acme".to_owned()), ("active", "false".to_owned())]
        );
        assert!(ListQuery::default().to_pairs().is_empty());
    }
}
