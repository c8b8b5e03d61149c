//! What the company screens decide without the browser: the request each filled form makes
//! (or every field the server would refuse), the names of a contract's categories and the
//! lines of a refused CSV import.
use chrono::NaiveDate;
use guichet_types::{
    validation_errors, AssetUpdate, CategoryId, CategoryNode, CompanyId, CompanyUpdate,
    ContactUpdate, ContractLevel, ContractPeriod, ContractUpdate, EmailAddress, FieldError,
    NewAsset, NewCompany, NewContact, NewContract, UserId,
};
use validator::Validate;

use crate::forms::FieldErrors;

/// Several forms share the company page: each one's inputs carry its prefix before the API's
/// member name (`contract_name`), so their ids and error links never collide.
pub fn form_errors(
    found: Vec<FieldError>,
    prefix: &str,
    empty: &[&str],
    order: &[&str],
) -> FieldErrors {
    let found = found
        .into_iter()
        .map(|mut e| {
            e.field = format!("{prefix}{}", e.field);
            e
        })
        .collect();
    FieldErrors::new(found, |field| {
        empty.iter().any(|e| format!("{prefix}{e}") == field)
    })
    .sorted(order)
}

fn checked(input: &impl Validate) -> Vec<FieldError> {
    input
        .validate()
        .err()
        .map(|e| validation_errors(&e))
        .unwrap_or_default()
}

/// The members of `fields` left empty (`(member, value)`), for "required" messages.
fn blanks<'a>(fields: &[(&'a str, &str)]) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(name, _)| *name)
        .collect()
}

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_owned())
}

/// What the company form holds.
pub struct CompanyDraft<'a> {
    pub name: &'a str,
    pub service_code: &'a str,
    /// A user id, or empty for none.
    pub manager: &'a str,
    pub phone: &'a str,
    pub notes: &'a str,
    pub active: bool,
}

pub const COMPANY_ORDER: [&str; 6] = [
    "name",
    "service_code",
    "account_manager_id",
    "phone",
    "notes",
    "active",
];

impl CompanyDraft<'_> {
    fn manager(&self) -> Option<UserId> {
        self.manager.parse().ok().map(UserId)
    }

    pub fn create(&self) -> Result<NewCompany, FieldErrors> {
        let input = NewCompany {
            name: self.name.trim().to_owned(),
            service_code: self.service_code.trim().to_owned(),
            active: Some(self.active),
            account_manager_id: self.manager(),
            phone: optional(self.phone),
            notes: optional(self.notes),
        };
        self.result(input)
    }

    /// Every member, as the form shows them: what did not change writes nothing.
    pub fn update(&self) -> Result<CompanyUpdate, FieldErrors> {
        let input = CompanyUpdate {
            name: Some(self.name.trim().to_owned()),
            service_code: Some(self.service_code.trim().to_owned()),
            active: Some(self.active),
            account_manager_id: Some(self.manager()),
            phone: optional(self.phone),
            notes: optional(self.notes),
        };
        self.result(input)
    }

    fn result<T: Validate>(&self, input: T) -> Result<T, FieldErrors> {
        let found = checked(&input);
        if found.is_empty() {
            return Ok(input);
        }
        let empty = blanks(&[("name", self.name), ("service_code", self.service_code)]);
        Err(form_errors(found, "", &empty, &COMPANY_ORDER))
    }
}

/// What the contract form holds.
pub struct ContractDraft<'a> {
    pub name: &'a str,
    pub level: &'a str,
    /// `YYYY-MM-DD`, as `<input type="date">` gives it.
    pub starts_on: &'a str,
    /// Empty for open-ended.
    pub ends_on: &'a str,
    pub category_ids: Vec<CategoryId>,
    pub phone_support: bool,
}

pub const CONTRACT_ORDER: [&str; 6] = [
    "contract_name",
    "contract_level",
    "contract_starts_on",
    "contract_ends_on",
    "contract_phone_support",
    "contract_category_ids",
];

impl ContractDraft<'_> {
    /// The request of the form, as a new contract; an edit sends the same members.
    pub fn create(&self) -> Result<NewContract, FieldErrors> {
        let mut found = Vec::new();
        let mut day = |field: &str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let parsed = text.parse::<NaiveDate>().ok();
            if parsed.is_none() {
                found.push(FieldError::new(field, "invalid_type", "not a date"));
            }
            parsed
        };
        let starts_on = day("starts_on", self.starts_on);
        let ends_on = day("ends_on", self.ends_on);
        let level = ContractLevel::parse(self.level);
        if level.is_none() {
            found.push(FieldError::new("level", "required", "required"));
        }
        if starts_on.is_none() && self.starts_on.trim().is_empty() {
            found.push(FieldError::new("starts_on", "required", "required"));
        }
        let input = NewContract {
            name: self.name.trim().to_owned(),
            level: level.unwrap_or_default(),
            starts_on: starts_on.unwrap_or_default(),
            ends_on,
            category_ids: Some(self.category_ids.clone()),
            phone_support: Some(self.phone_support),
        };
        found.extend(checked(&input));
        if let Some(starts_on) = starts_on {
            found.extend(ContractPeriod { starts_on, ends_on }.error());
        }
        if found.is_empty() {
            return Ok(input);
        }
        let empty = blanks(&[("name", self.name)]);
        Err(form_errors(found, "contract_", &empty, &CONTRACT_ORDER))
    }

    pub fn update(&self) -> Result<ContractUpdate, FieldErrors> {
        self.create().map(|c| ContractUpdate {
            name: Some(c.name),
            level: Some(c.level),
            starts_on: Some(c.starts_on),
            ends_on: Some(c.ends_on),
            category_ids: c.category_ids,
            phone_support: c.phone_support,
        })
    }
}

/// What the contact form holds.
pub struct ContactDraft<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub phone: &'a str,
}

pub const CONTACT_ORDER: [&str; 3] = ["contact_email", "contact_full_name", "contact_phone"];

impl ContactDraft<'_> {
    pub fn create(&self) -> Result<NewContact, FieldErrors> {
        let email = EmailAddress::parse(self.email.trim()).ok();
        let input = NewContact {
            email: email.clone().unwrap_or_default(),
            full_name: optional(self.full_name),
            phone: optional(self.phone),
        };
        let mut found = Vec::new();
        if email.is_none() {
            found.push(FieldError::new(
                "email",
                "email",
                "not a valid email address",
            ));
        }
        found.extend(checked(&input));
        if found.is_empty() {
            return Ok(input);
        }
        let empty = blanks(&[("email", self.email)]);
        Err(form_errors(found, "contact_", &empty, &CONTACT_ORDER))
    }

    pub fn update(&self) -> Result<ContactUpdate, FieldErrors> {
        self.create().map(|c| ContactUpdate {
            email: Some(c.email),
            full_name: c.full_name,
            phone: c.phone,
        })
    }
}

/// What the asset form holds.
pub struct AssetDraft<'a> {
    pub name: &'a str,
    pub reference: &'a str,
    pub kind: &'a str,
    pub location: &'a str,
}

pub const ASSET_ORDER: [&str; 4] = [
    "asset_name",
    "asset_reference",
    "asset_kind",
    "asset_location",
];

impl AssetDraft<'_> {
    pub fn create(&self, company_id: CompanyId) -> Result<NewAsset, FieldErrors> {
        let input = NewAsset {
            company_id,
            name: self.name.trim().to_owned(),
            reference: optional(self.reference),
            kind: optional(self.kind),
            location: optional(self.location),
            active: None,
        };
        let found = checked(&input);
        if found.is_empty() {
            return Ok(input);
        }
        let empty = blanks(&[("name", self.name)]);
        Err(form_errors(found, "asset_", &empty, &ASSET_ORDER))
    }

    pub fn update(&self, company_id: CompanyId) -> Result<AssetUpdate, FieldErrors> {
        self.create(company_id).map(|a| AssetUpdate {
            name: Some(a.name),
            reference: a.reference,
            kind: a.kind,
            location: a.location,
            ..Default::default()
        })
    }
}

/// The names of the categories `ids` lists, as the tree names them, in the tree's order.
pub fn category_names(tree: &[CategoryNode], ids: &[CategoryId]) -> Vec<String> {
    fn walk(nodes: &[CategoryNode], ids: &[CategoryId], out: &mut Vec<String>) {
        for node in nodes {
            if ids.contains(&node.id) {
                out.push(node.name.clone());
            }
            walk(&node.children, ids, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, ids, &mut out);
    out
}

/// One problem of a refused CSV import: `lines.3.name` is line 3, column `name`; `lines.5` a
/// whole line; `file` the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: Option<u32>,
    pub column: Option<String>,
    pub code: String,
}

impl ImportProblem {
    pub fn of(error: &FieldError) -> Self {
        let mut parts = error.field.splitn(3, '.');
        let (line, column) = match (parts.next(), parts.next(), parts.next()) {
            (Some("lines"), line, column) => (line.and_then(|l| l.parse().ok()), column),
            _ => (None, None),
        };
        Self {
            line,
            column: column.map(str::to_owned),
            code: error.code.clone(),
        }
    }
}

/// The problems of an import, by line (the file's own first).
pub fn import_problems(errors: &[FieldError]) -> Vec<ImportProblem> {
    let mut problems: Vec<_> = errors.iter().map(ImportProblem::of).collect();
    problems.sort_by_key(|p| p.line);
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company<'a>(name: &'a str, code: &'a str, phone: &'a str) -> CompanyDraft<'a> {
        CompanyDraft {
            name,
            service_code: code,
            manager: "",
            phone,
            notes: "",
            active: true,
        }
    }

    #[test]
    fn a_company_form_is_trimmed_and_names_every_bad_field() {
        let input = company(" Acme ", "0042", "03 89").create().expect("valid");
        assert_eq!(
            (input.name.as_str(), input.service_code.as_str()),
            ("Acme", "0042")
        );
        assert_eq!(input.account_manager_id, None);
        let with_manager = CompanyDraft {
            manager: "4",
            ..company("Acme", "0042", "")
        };
        assert_eq!(
            with_manager.update().expect("valid").account_manager_id,
            Some(Some(UserId(4)))
        );
        let errors = company("", "12a", "call me").create().expect_err("invalid");
        assert_eq!(
            errors.listed(),
            [
                ("name", "required"),
                ("service_code", "service_code"),
                ("phone", "phone")
            ]
        );
        let errors = company("Acme", "", "").update().expect_err("invalid");
        assert_eq!(errors.listed(), [("service_code", "required")]);
    }

    fn contract<'a>(starts_on: &'a str, ends_on: &'a str) -> ContractDraft<'a> {
        ContractDraft {
            name: "Assistance 2027",
            level: "gold",
            starts_on,
            ends_on,
            category_ids: vec![CategoryId(3)],
            phone_support: true,
        }
    }

    #[test]
    fn a_contract_form_reads_its_days_and_its_level() {
        let input = contract("2027-01-01", "").create().expect("valid");
        assert_eq!(input.level, ContractLevel::Gold);
        assert_eq!(input.ends_on, None);
        assert_eq!(input.category_ids, Some(vec![CategoryId(3)]));
        let update = contract("2027-01-01", "2027-12-31")
            .update()
            .expect("valid");
        assert_eq!(update.ends_on, Some("2027-12-31".parse().ok()));
        let errors = ContractDraft {
            name: " ",
            level: "",
            ..contract("", "2026-13-01")
        }
        .create()
        .expect_err("invalid");
        assert_eq!(
            errors.listed(),
            [
                ("contract_name", "required"),
                ("contract_level", "required"),
                ("contract_starts_on", "required"),
                ("contract_ends_on", "invalid_type"),
            ]
        );
        let backwards = contract("2027-01-02", "2027-01-01")
            .create()
            .expect_err("invalid");
        assert_eq!(backwards.listed(), [("contract_ends_on", "before_start")]);
    }

    #[test]
    fn contacts_and_assets_name_their_fields_with_their_prefix() {
        let errors = ContactDraft {
            email: "",
            full_name: "",
            phone: "x",
        }
        .create()
        .expect_err("invalid");
        assert_eq!(
            errors.listed(),
            [("contact_email", "required"), ("contact_phone", "phone")]
        );
        let contact = ContactDraft {
            email: " Achats@Acme.test ",
            full_name: "Service achats",
            phone: "",
        };
        assert_eq!(
            contact
                .update()
                .expect("valid")
                .email
                .map(|e| e.as_str().to_owned()),
            Some("achats@acme.test".to_owned())
        );
        let asset = AssetDraft {
            name: "  ",
            reference: "PC-01",
            kind: "",
            location: "",
        };
        assert_eq!(
            asset.create(CompanyId(1)).expect_err("invalid").listed(),
            [("asset_name", "required")]
        );
    }

    #[test]
    fn server_errors_land_under_the_prefixed_fields() {
        let errors = form_errors(
            vec![FieldError::new("email", "taken", "taken")],
            "contact_",
            &[],
            &CONTACT_ORDER,
        );
        assert_eq!(errors.listed(), [("contact_email", "taken")]);
    }

    #[test]
    fn categories_are_named_in_the_tree_order() {
        let node = |id, name: &str, children| CategoryNode {
            id: CategoryId(id),
            name: name.to_owned(),
            kind: None,
            active: true,
            position: 0,
            name_fr: None,
            name_en: None,
            children,
        };
        let tree = vec![
            node(1, "Incident", vec![node(2, "Réseau", vec![])]),
            node(3, "Demande", vec![]),
        ];
        assert_eq!(
            category_names(&tree, &[CategoryId(3), CategoryId(2)]),
            ["Réseau", "Demande"]
        );
    }

    #[test]
    fn import_errors_read_as_lines_and_columns() {
        let problems = import_problems(&[
            FieldError::new("lines.5", "columns", "expected 4 columns"),
            FieldError::new("lines.3.name", "length", "must be 1 to 200 characters"),
            FieldError::new("file", "not_utf8", "UTF-8"),
        ]);
        let read: Vec<_> = problems
            .iter()
            .map(|p| (p.line, p.column.as_deref(), p.code.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                (None, None, "not_utf8"),
                (Some(3), Some("name"), "length"),
                (Some(5), None, "columns"),
            ]
        );
    }
}
