//! API tokens and service accounts (issue 15): credentials made for machines. A token is
//! sent as `Authorization: Bearer gch_…`; its secret is shown once, in the answer that
//! creates it.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{CompanyId, CompanyRef, FieldError, Page, Role, TokenScope, UserId};

/// The prefix of every token's secret, so that secret scanners recognise a leaked one.
pub const TOKEN_PREFIX: &str = "gch_";

/// `POST /me/tokens` and `POST /service-accounts/{id}/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Supervision", "scopes": ["tickets:read"], "expires_at": "2027-06-30T00:00:00Z"})))]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// What the token is for, to recognise it in the list.
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
        custom(function = "crate::tickets::not_blank")
    )]
    pub name: String,
    /// At least one; only scopes the owner's role can use.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    #[validate(length(min = 1, message = "must name at least one scope"))]
    pub scopes: Vec<TokenScope>,
    /// `null`: until revoked. In the future.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiToken {
    /// The rules across members, for an owner of `role` at `now`: every scope usable by the
    /// role, and an expiry in the future.
    pub fn errors_for(&self, role: Role, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = self
            .scopes
            .iter()
            .enumerate()
            .filter(|(_, scope)| !scope.usable_by(role))
            .map(|(index, scope)| {
                FieldError::new(
                    format!("scopes.{index}"),
                    "not_allowed",
                    format!("the account cannot use {scope}"),
                )
            })
            .collect();
        if self.expires_at.is_some_and(|at| at <= now) {
            errors.push(FieldError::new(
                "expires_at",
                "in_the_past",
                "must be in the future",
            ));
        }
        errors
    }
}

/// A token as its owner lists it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    /// The start of the secret and its last 4 characters (`gch_…a1b2`), to tell tokens apart.
    pub hint: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute) and from which client address.
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_address: Option<String>,
}

/// The answer to a token's creation: the token and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// `gch_…`: send it as `Authorization: Bearer <secret>`. It is not shown again.
    pub secret: String,
}

pub type ApiTokenPage = Page<ApiToken>;

/// An account for an integration: no password, no mail, only tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceAccount {
    pub id: UserId,
    pub name: String,
    /// Limited to this company's tickets (as its referent); `null`: the whole portal, with
    /// an administrator's rights, as its tokens' scopes allow.
    pub company: Option<CompanyRef>,
    /// A deactivated service account's tokens stop working.
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

pub type ServiceAccountPage = Page<ServiceAccount>;

/// `POST /service-accounts` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Supervision Zabbix", "company_id": null})))]
#[serde(deny_unknown_fields)]
pub struct NewServiceAccount {
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
        custom(function = "crate::tickets::not_blank")
    )]
    pub name: String,
    #[serde(default)]
    pub company_id: Option<CompanyId>,
}

/// `PATCH /service-accounts/{id}` (admins): absent members are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountPatch {
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
        custom(function = "crate::tickets::not_blank")
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_customer_cannot_ask_for_scopes_it_cannot_use_nor_a_past_expiry() {
        let now = Utc::now();
        let token = NewApiToken {
            name: "x".to_owned(),
            scopes: vec![TokenScope::TicketsRead, TokenScope::AdminWrite],
            expires_at: Some(now - Duration::days(1)),
        };
        let fields: Vec<String> = token
            .errors_for(Role::Customer, now)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["scopes.1", "expires_at"]);
        assert!(token
            .errors_for(Role::Admin, now - Duration::days(2))
            .is_empty());
    }
}
