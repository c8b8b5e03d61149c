//! What the people screens decide without the browser: the request a filled form makes (or
//! what is wrong with it), and which controls a reader gets for a person, by the policy the
//! server applies (`guichet_types::policy`).
use guichet_types::{
    policy::{may_act_on, may_change_standing, PersonAct},
    validation_errors, CompanyId, EmailAddress, FieldError, Locale, NewUser, Role, User, UserId,
    UserUpdate,
};
use validator::Validate;

use crate::forms::FieldErrors;

/// The fields of the person form, in its order, by their API names (also their ids).
pub const ORDER: [&str; 9] = [
    "first_name",
    "last_name",
    "email",
    "office_phone",
    "mobile_phone",
    "company_id",
    "role",
    "locale",
    "active",
];

/// What the form holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub office_phone: String,
    pub mobile_phone: String,
    /// A company id, or empty.
    pub company: String,
    pub role: Role,
    pub locale: Locale,
    pub active: bool,
}

impl Draft {
    /// An empty form for a new person, who reads mails in `locale`.
    pub fn empty(locale: Locale) -> Self {
        Self {
            locale,
            active: true,
            ..Default::default()
        }
    }

    /// The form showing `person` as they are.
    pub fn of(person: &User) -> Self {
        Self {
            first_name: person.first_name.clone(),
            last_name: person.last_name.clone(),
            email: person.email.clone(),
            office_phone: person.office_phone.clone(),
            mobile_phone: person.mobile_phone.clone(),
            company: person.company_id.map(|c| c.to_string()).unwrap_or_default(),
            role: person.role,
            locale: person.locale,
            active: person.active,
        }
    }

    /// The company sent: none for the support team.
    fn company_id(&self) -> Option<CompanyId> {
        if self.role.is_staff() {
            None
        } else {
            self.company.parse().ok().map(CompanyId)
        }
    }

    /// Customers and referents belong to a company.
    fn company_error(&self) -> Option<FieldError> {
        (!self.role.is_staff() && self.company_id().is_none())
            .then(|| FieldError::new("company_id", "required", "choose a company"))
    }

    fn errors(&self, found: Vec<FieldError>) -> FieldErrors {
        FieldErrors::new(found, |field| match field {
            "first_name" => self.first_name.trim().is_empty(),
            "last_name" => self.last_name.trim().is_empty(),
            "email" => self.email.trim().is_empty(),
            _ => false,
        })
        .sorted(&ORDER)
    }
}

fn trimmed(text: &str) -> String {
    text.trim().to_owned()
}

/// `POST /users` for `draft` (the invitation is mailed), or every field the server would refuse.
pub fn new_user(draft: &Draft) -> Result<NewUser, FieldErrors> {
    let email = EmailAddress::parse(draft.email.trim());
    let input = NewUser {
        email: email.clone().unwrap_or_default(),
        first_name: trimmed(&draft.first_name),
        last_name: trimmed(&draft.last_name),
        office_phone: Some(trimmed(&draft.office_phone)),
        mobile_phone: Some(trimmed(&draft.mobile_phone)),
        company_id: draft.company_id(),
        role: Some(draft.role),
        locale: Some(draft.locale),
        ..Default::default()
    };
    let mut found = input
        .validate()
        .err()
        .map(|e| validation_errors(&e))
        .unwrap_or_default();
    found.retain(|e| e.field != "email");
    found.extend(email.err().map(|invalid| invalid.field_error("email")));
    found.extend(draft.company_error());
    if found.is_empty() {
        Ok(input)
    } else {
        Err(draft.errors(found))
    }
}

/// `PATCH /users/{id}` for `draft`; `standing`: the role, company and activity are the
/// reader's to change (sent only then).
pub fn update_of(draft: &Draft, standing: bool) -> Result<UserUpdate, FieldErrors> {
    let mut input = UserUpdate {
        first_name: Some(trimmed(&draft.first_name)),
        last_name: Some(trimmed(&draft.last_name)),
        office_phone: Some(trimmed(&draft.office_phone)),
        mobile_phone: Some(trimmed(&draft.mobile_phone)),
        locale: Some(draft.locale),
        ..Default::default()
    };
    let mut found = input
        .validate()
        .err()
        .map(|e| validation_errors(&e))
        .unwrap_or_default();
    if standing {
        input.company_id = Some(draft.company_id());
        input.role = Some(draft.role);
        input.active = Some(draft.active);
        found.extend(draft.company_error());
    }
    if found.is_empty() {
        Ok(input)
    } else {
        Err(draft.errors(found))
    }
}

/// What a reader may do to a person, as the server would allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offered {
    /// Change their details, mail them links, lift their lockout.
    pub manage: bool,
    /// Change their role, company and activity.
    pub standing: bool,
}

pub fn offered(reader: (UserId, Role), person: &User) -> Offered {
    let manage = may_act_on(reader.1, person.role, PersonAct::Manage);
    Offered {
        manage,
        standing: manage && may_change_standing(reader.1, reader.0 == person.id),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn draft() -> Draft {
        Draft {
            first_name: " Julie ".into(),
            last_name: "Bernard".into(),
            email: " julie@acme.test ".into(),
            office_phone: "03 89 00 00 01".into(),
            mobile_phone: String::new(),
            company: "3".into(),
            role: Role::Referent,
            locale: Locale::En,
            active: true,
        }
    }

    fn person(id: i64, role: Role) -> User {
        let at = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        User {
            id: UserId(id),
            email: "x@acme.test".into(),
            first_name: "X".into(),
            last_name: "Y".into(),
            prefix: String::new(),
            title: String::new(),
            office_phone: String::new(),
            mobile_phone: String::new(),
            company_id: (!role.is_staff()).then_some(CompanyId(3)),
            company_name: None,
            role,
            locale: Locale::Fr,
            active: true,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn a_filled_form_makes_a_trimmed_invitation() {
        let input = new_user(&draft()).expect("valid");
        assert_eq!(input.email.as_str(), "julie@acme.test");
        assert_eq!(input.first_name, "Julie");
        assert_eq!(input.company_id, Some(CompanyId(3)));
        assert_eq!(input.role, Some(Role::Referent));
        assert_eq!(input.locale, Some(Locale::En));
        // The support team belongs to no company, whatever the select still holds.
        let agent = Draft {
            role: Role::Agent,
            ..draft()
        };
        assert_eq!(new_user(&agent).expect("valid").company_id, None);
    }

    #[test]
    fn every_wrong_field_is_named_in_the_form_order() {
        let wrong = Draft {
            first_name: "  ".into(),
            last_name: String::new(),
            email: "julie@".into(),
            office_phone: "appelez-moi".into(),
            company: String::new(),
            role: Role::Customer,
            ..draft()
        };
        assert_eq!(
            new_user(&wrong).expect_err("invalid").listed(),
            vec![
                ("first_name", "required"),
                ("last_name", "required"),
                ("email", "email"),
                ("office_phone", "phone"),
                ("company_id", "required"),
            ]
        );
        let empty = Draft {
            email: " ".into(),
            ..draft()
        };
        assert_eq!(
            new_user(&empty).expect_err("invalid").listed(),
            vec![("email", "required")]
        );
    }

    #[test]
    fn an_update_sends_the_standing_only_when_the_reader_may_change_it() {
        let update = update_of(&draft(), false).expect("valid");
        assert!(update.admin_members().is_empty());
        assert_eq!(update.first_name.as_deref(), Some("Julie"));
        let update = update_of(&draft(), true).expect("valid");
        assert_eq!(update.admin_members(), ["active", "company_id", "role"]);
        assert_eq!(update.company_id, Some(Some(CompanyId(3))));
        let no_company = Draft {
            company: String::new(),
            ..draft()
        };
        assert!(update_of(&no_company, false).is_ok());
        assert_eq!(
            update_of(&no_company, true).expect_err("invalid").listed(),
            vec![("company_id", "required")]
        );
    }

    #[test]
    fn readers_get_the_controls_the_server_allows() {
        let admin = (UserId(1), Role::Admin);
        let agent = (UserId(2), Role::Agent);
        let both = Offered {
            manage: true,
            standing: true,
        };
        assert_eq!(offered(admin, &person(5, Role::Agent)), both);
        // Nobody changes their own role or activity.
        assert_eq!(
            offered(admin, &person(1, Role::Admin)),
            Offered {
                manage: true,
                standing: false
            }
        );
        assert_eq!(
            offered(agent, &person(5, Role::Customer)),
            Offered {
                manage: true,
                standing: false
            }
        );
        assert_eq!(
            offered(agent, &person(5, Role::Referent)),
            Offered {
                manage: false,
                standing: false
            }
        );
    }
}
