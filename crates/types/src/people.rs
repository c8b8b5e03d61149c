//! People with an account as the administration manages them (`/users`), and the refused
//! access requests the support team turns into accounts (`/access-requests`).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::recovery::validate_phone;
use crate::tickets::not_blank;
use crate::{
    AccessRequestId, CompanyId, CompanyRef, EmailAddress, Locale, Page, PersonRef, Role, UserId,
};

/// A person with an account. Never a password or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    /// The sign-in address.
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub prefix: String,
    pub title: String,
    pub office_phone: String,
    pub mobile_phone: String,
    /// `null` for the support team.
    pub company_id: Option<CompanyId>,
    /// The company's name; `null` for the support team.
    pub company_name: Option<String>,
    pub role: Role,
    pub locale: Locale,
    /// A deactivated person cannot sign in.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub type UserPage = Page<User>;

/// `POST /users`: a new account, without a password; the invitation mails a link to set one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "julie@acme.test", "first_name": "Julie", "last_name": "Bernard",
    "company_id": 1, "role": "customer", "office_phone": "03 89 00 00 01"
})))]
pub struct NewUser {
    pub email: EmailAddress,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    #[validate(length(max = 20, message = "at most 20 characters"))]
    pub prefix: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub title: Option<String>,
    /// Digits, spaces and `+ ( ) . - /`, at most 40 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub office_phone: Option<String>,
    /// Digits, spaces and `+ ( ) . - /`, at most 40 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub mobile_phone: Option<String>,
    /// Required for customers and referents; `null` (or absent) for the support team.
    pub company_id: Option<CompanyId>,
    /// `customer` when absent. Agents create customers only.
    pub role: Option<Role>,
    /// `fr` when absent: the language of the invitation and of every mail.
    pub locale: Option<Locale>,
    /// `true` when absent.
    pub active: Option<bool>,
    /// Mail a set-password link valid 7 days (`true` when absent).
    pub send_invitation: Option<bool>,
}

/// `PATCH /users/{id}`: the members given change, the others stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"role": "referent", "mobile_phone": "06 12 34 56 78"})))]
pub struct UserUpdate {
    pub email: Option<EmailAddress>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub first_name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub last_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    #[validate(length(max = 20, message = "at most 20 characters"))]
    pub prefix: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub title: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub office_phone: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, pattern = "^$|^[0-9 +().\\-/]*[0-9][0-9 +().\\-/]*$")
    )]
    #[validate(custom(function = "validate_phone"))]
    pub mobile_phone: Option<String>,
    /// Admins: the company, or `null` for a member of the support team; left out, it stays.
    // In Rust: `None` leaves it, `Some(None)` removes it, `Some(Some(id))` sets it.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub company_id: Option<Option<CompanyId>>,
    /// Admins. Nobody changes their own role.
    pub role: Option<Role>,
    pub locale: Option<Locale>,
    /// Admins. Nobody deactivates themselves.
    pub active: Option<bool>,
}

impl UserUpdate {
    /// The members only administrators may send, given in this update.
    pub fn admin_members(&self) -> Vec<&'static str> {
        [
            ("active", self.active.is_some()),
            ("company_id", self.company_id.is_some()),
            ("role", self.role.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// Filters of `GET /users`; `None` leaves a filter out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserListQuery {
    pub company_id: Option<CompanyId>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Words found in the names, the address or the phone numbers (digits alone match).
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl UserListQuery {
    /// The query string members, in the names of the API.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("company_id", self.company_id.map(|c| c.to_string())),
            ("role", self.role.map(|r| r.as_str().to_owned())),
            ("active", self.active.map(|a| a.to_string())),
            ("q", self.q.clone()),
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

/// An access request by service code that found no account to grant (a code no company
/// has, or an address its company does not know), kept for the support team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedAccessRequest {
    pub id: AccessRequestId,
    pub at: DateTime<Utc>,
    pub email: String,
    pub full_name: String,
    pub service_code: String,
    /// The language of the request's page.
    pub locale: Locale,
    /// The company of the service code; `null` when no company has it.
    pub company: Option<CompanyRef>,
    /// The account this address has now, if any: made from this request, or since.
    pub account: Option<PersonRef>,
    /// When the support team made an account from this request.
    pub handled_at: Option<DateTime<Utc>>,
}

pub type RefusedAccessRequestPage = Page<RefusedAccessRequest>;

/// `POST /access-requests/{id}/account`: the account to make for the request's address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "company_id": 1, "first_name": "Agnès", "last_name": "Martin"
})))]
pub struct AccessRequestAccount {
    pub company_id: CompanyId,
    /// `customer` (when absent) or `referent` (admins only).
    pub role: Option<Role>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub first_name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
        )
    )]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "not_blank")
    )]
    pub last_name: String,
    /// Mail a set-password link valid 7 days (`true` when absent).
    pub send_invitation: Option<bool>,
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
    fn a_new_user_needs_an_address_and_names_and_checks_phones() {
        let errors = parse_lenient::<NewUser>(json!({
            "first_name": " ", "office_phone": "appelez-moi", "role": "boss", "password": "x"
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                ("email", "required"),
                ("first_name", "blank"),
                ("last_name", "required"),
                ("office_phone", "phone"),
                ("password", "unknown_field"),
                ("role", "invalid_choice"),
            ]
        );
    }

    #[test]
    fn an_update_tells_a_removed_company_from_an_absent_one() {
        let removed: UserUpdate =
            parse_lenient(json!({"company_id": null, "role": "agent"})).expect("valid");
        assert_eq!(removed.company_id, Some(None));
        assert_eq!(removed.admin_members(), ["company_id", "role"]);
        let absent: UserUpdate = parse_lenient(json!({"first_name": "Rémi"})).expect("valid");
        assert_eq!(absent.company_id, None);
        assert!(absent.admin_members().is_empty());
    }

    #[test]
    fn list_filters_keep_their_names() {
        let query = UserListQuery {
            company_id: Some(CompanyId(2)),
            role: Some(Role::Referent),
            active: Some(false),
            q: Some("dupont".to_owned()),
            ..Default::default()
        };
        assert_eq!(
            query.to_pairs(),
            [
                ("company_id", "2".to_owned()),
                ("role", "referent".to_owned()),
                ("active", "false".to_owned()),
                ("q", "dupont".to_owned()),
            ]
        );
    }
}
