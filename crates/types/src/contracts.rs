//! Assistance contracts: until when a company's people may open tickets, and about which
//! categories. The rules are here, pure, so that the server and the SPA apply the same ones.
use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::recovery::single_line;
use crate::tickets::not_blank;
use crate::{CategoryId, CategoryNode, CompanyId, ContractId, ContractLevel, FieldError, Page};

/// A contract as admins and agents read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contract {
    pub id: ContractId,
    pub company_id: CompanyId,
    pub name: String,
    pub level: ContractLevel,
    pub starts_on: NaiveDate,
    /// The last day it is valid; `null`: open-ended.
    pub ends_on: Option<NaiveDate>,
    /// The categories it covers, with everything under them; empty: every category.
    pub category_ids: Vec<CategoryId>,
    pub phone_support: bool,
    /// Whether it is valid today, in the provider's time zone.
    pub valid_today: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub type ContractPage = Page<Contract>;

/// `POST /companies/{id}/contracts` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Assistance réseau 2027", "level": "gold", "starts_on": "2027-01-01",
    "ends_on": "2027-12-31", "category_ids": [], "phone_support": true
})))]
pub struct NewContract {
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
    pub level: ContractLevel,
    pub starts_on: NaiveDate,
    /// The last day it is valid, not before `starts_on`; `null` or left out: open-ended.
    pub ends_on: Option<NaiveDate>,
    /// The categories covered (each with everything under it); empty or left out: all.
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    #[validate(length(max = 1000, message = "at most 1000 categories"))]
    pub category_ids: Option<Vec<CategoryId>>,
    /// Default: false.
    pub phone_support: Option<bool>,
}

/// `PATCH /contracts/{id}` (admins): the members given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"ends_on": "2028-12-31"})))]
pub struct ContractUpdate {
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
    pub level: Option<ContractLevel>,
    pub starts_on: Option<NaiveDate>,
    /// A date, or `null` for open-ended; left out, it does not change.
    // In Rust: `None` leaves it, `Some(None)` makes the contract open-ended.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>, nullable))]
    pub ends_on: Option<Option<NaiveDate>>,
    /// Replaces the covered categories; empty: all.
    #[cfg_attr(feature = "openapi", schema(max_items = 1000))]
    #[validate(length(max = 1000, message = "at most 1000 categories"))]
    pub category_ids: Option<Vec<CategoryId>>,
    pub phone_support: Option<bool>,
}

/// The days a contract runs: from `starts_on` to `ends_on`, both included; without an end,
/// for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractPeriod {
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl ContractPeriod {
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && self.ends_on.is_none_or(|end| day <= end)
    }

    /// The rule across members: a contract does not end before it starts.
    pub fn error(&self) -> Option<FieldError> {
        self.ends_on
            .filter(|end| *end < self.starts_on)
            .map(|_| FieldError::new("ends_on", "before_start", "must not be before starts_on"))
    }
}

impl ContractLevel {
    /// 1 (`standard`) to 4 (`platinum`): of several valid contracts, the highest is shown.
    pub fn rank(self) -> u8 {
        match self {
            ContractLevel::Standard => 1,
            ContractLevel::Silver => 2,
            ContractLevel::Gold => 3,
            ContractLevel::Platinum => 4,
        }
    }
}

/// The categories that contracts cover together, from each one's list: `None` when one of
/// them covers every category (an empty list); otherwise the listed ones, each standing for
/// itself and everything under it. No contract at all covers nothing.
pub fn covered_categories<'a>(
    lists: impl IntoIterator<Item = &'a [CategoryId]>,
) -> Option<BTreeSet<CategoryId>> {
    let mut covered = BTreeSet::new();
    for list in lists {
        if list.is_empty() {
            return None;
        }
        covered.extend(list.iter().copied());
    }
    Some(covered)
}

/// Whether a category is covered, given `lineage`: the category, then its parent, up to
/// its root.
pub fn is_covered(
    covered: Option<&BTreeSet<CategoryId>>,
    mut lineage: impl Iterator<Item = CategoryId>,
) -> bool {
    match covered {
        None => true,
        Some(covered) => lineage.any(|id| covered.contains(&id)),
    }
}

/// The part of the category tree offered to a customer: the covered categories with
/// everything under them, and the parents that lead to them.
pub fn covered_tree(tree: Vec<CategoryNode>, covered: &BTreeSet<CategoryId>) -> Vec<CategoryNode> {
    tree.into_iter()
        .filter_map(|mut node| {
            if covered.contains(&node.id) {
                return Some(node);
            }
            node.children = covered_tree(std::mem::take(&mut node.children), covered);
            (!node.children.is_empty()).then_some(node)
        })
        .collect()
}

/// The contract of the caller's company shown on `GET /me`: the valid one of the highest
/// level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileContract {
    pub name: String,
    pub level: ContractLevel,
    /// `null`: open-ended.
    pub ends_on: Option<NaiveDate>,
    pub phone_support: bool,
    /// Under `gold` and above, whom to call: the company's account manager and its phone
    /// line; `null` otherwise, or when the company has no account manager.
    pub account_manager: Option<AccountManagerContact>,
}

/// The account manager as customers of gold contracts and above reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountManagerContact {
    pub name: String,
    /// The company's phone line, or the manager's office phone when the company has none.
    pub phone: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn a_contract_is_valid_from_its_first_to_its_last_day() {
        let year = ContractPeriod {
            starts_on: day("2027-01-01"),
            ends_on: Some(day("2027-12-31")),
        };
        assert!(!year.is_valid_on(day("2026-12-31")));
        assert!(year.is_valid_on(day("2027-01-01")));
        assert!(year.is_valid_on(day("2027-12-31")));
        assert!(!year.is_valid_on(day("2028-01-01")));
        let open = ContractPeriod {
            ends_on: None,
            ..year
        };
        assert!(open.is_valid_on(day("2099-01-01")));
        assert!(!open.is_valid_on(day("2026-06-01")));
    }

    #[test]
    fn a_contract_may_last_one_day_but_not_end_before_it_starts() {
        let one_day = ContractPeriod {
            starts_on: day("2027-01-01"),
            ends_on: Some(day("2027-01-01")),
        };
        assert_eq!(one_day.error(), None);
        let backwards = ContractPeriod {
            ends_on: Some(day("2026-12-31")),
            ..one_day
        };
        assert_eq!(
            backwards.error().map(|e| (e.field, e.code)),
            Some(("ends_on".to_owned(), "before_start".to_owned()))
        );
    }

    #[test]
    fn an_empty_list_covers_everything_and_no_contract_nothing() {
        let (network, billing) = ([CategoryId(2), CategoryId(3)], [CategoryId(9)]);
        assert_eq!(covered_categories([&network[..], &[][..]]), None);
        assert_eq!(
            covered_categories([&network[..], &billing[..]]),
            Some(BTreeSet::from([
                CategoryId(2),
                CategoryId(3),
                CategoryId(9)
            ]))
        );
        let nothing = covered_categories(std::iter::empty());
        assert_eq!(nothing, Some(BTreeSet::new()));
        assert!(!is_covered(nothing.as_ref(), [CategoryId(2)].into_iter()));
        assert!(is_covered(None, [CategoryId(2)].into_iter()));
    }

    #[test]
    fn a_covered_category_covers_everything_under_it() {
        let covered = BTreeSet::from([CategoryId(1)]);
        // Category 5, under 4, under 1.
        let lineage = [CategoryId(5), CategoryId(4), CategoryId(1)];
        assert!(is_covered(Some(&covered), lineage.into_iter()));
        assert!(!is_covered(Some(&covered), lineage[..2].iter().copied()));
    }

    fn node(id: i64, children: Vec<CategoryNode>) -> CategoryNode {
        CategoryNode {
            id: CategoryId(id),
            name: format!("c{id}"),
            kind: None,
            active: true,
            position: 0,
            name_fr: None,
            name_en: None,
            children,
        }
    }

    fn ids(tree: &[CategoryNode]) -> Vec<(i64, Vec<i64>)> {
        tree.iter()
            .map(|n| (n.id.0, n.children.iter().map(|c| c.id.0).collect()))
            .collect()
    }

    #[test]
    fn the_tree_offered_keeps_covered_branches_and_the_parents_leading_to_them() {
        let tree = vec![
            node(1, vec![node(2, vec![]), node(3, vec![])]),
            node(4, vec![node(5, vec![]), node(6, vec![node(7, vec![])])]),
            node(8, vec![]),
        ];
        let offered = covered_tree(
            tree.clone(),
            &BTreeSet::from([CategoryId(1), CategoryId(7)]),
        );
        assert_eq!(ids(&offered), [(1, vec![2, 3]), (4, vec![6])]);
        assert_eq!(ids(&offered[1].children), [(6, vec![7])]);
        assert!(covered_tree(tree, &BTreeSet::new()).is_empty());
    }

    #[test]
    fn levels_rank_upwards() {
        let ranks: Vec<u8> = ContractLevel::ALL.iter().map(|l| l.rank()).collect();
        assert_eq!(ranks, [1, 2, 3, 4]);
        assert!(ContractLevel::Gold.reaches_account_manager());
        assert!(!ContractLevel::Silver.reaches_account_manager());
    }
}
