//! Profiles, companies, categories and assets.
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{CompanyId, EmailAddress, Locale, Permission, Role, TicketForm, UserId};

/// A company as shown beside a user or a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompanyRef {
    pub id: CompanyId,
    pub name: String,
}

/// The signed-in user's own profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub id: UserId,
    pub role: Role,
    /// The user's company; `null` for the support team.
    pub company: Option<CompanyRef>,
    /// What this account may do, e.g. `tickets.create`, `tickets.view_company`.
    pub permissions: Vec<Permission>,
    pub prefix: String,
    pub first_name: String,
    pub last_name: String,
    pub suffix: String,
    pub title: String,
    pub office_phone: String,
    pub extension: String,
    pub mobile_phone: String,
    pub fax: String,
    pub email: String,
    pub locale: Locale,
    pub show_landing_page: bool,
    pub must_change_password: bool,
    /// The provider's set-up of the new-ticket form (read-only).
    pub ticket_form: TicketForm,
    /// Customers and referents: their company's current contract; `null` when none is
    /// valid today (no new tickets then), and for the support team.
    #[serde(default)]
    pub contract: Option<crate::ProfileContract>,
}

/// `PATCH /me`: every member is optional; the ones given are changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"first_name": "Claire", "office_phone": "03 89 00 00 00", "locale": "en"})))]
pub struct ProfileUpdate {
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    #[validate(length(max = 20, message = "at most 20 characters"))]
    pub prefix: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub first_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[validate(length(min = 1, max = 100, message = "must be 1 to 100 characters"))]
    pub last_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    #[validate(length(max = 20, message = "at most 20 characters"))]
    pub suffix: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[validate(length(max = 100, message = "at most 100 characters"))]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    #[validate(length(max = 40, message = "at most 40 characters"))]
    pub office_phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 10))]
    #[validate(length(max = 10, message = "at most 10 characters"))]
    pub extension: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    #[validate(length(max = 40, message = "at most 40 characters"))]
    pub mobile_phone: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    #[validate(length(max = 40, message = "at most 40 characters"))]
    pub fax: Option<String>,
    pub email: Option<EmailAddress>,
    pub locale: Option<Locale>,
    pub show_landing_page: Option<bool>,
}
