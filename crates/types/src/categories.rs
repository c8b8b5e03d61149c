//! The category tree: as offered for new tickets, and as admins manage it.
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::{CategoryId, TicketKind};

/// A node of the category tree, named in the caller's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(no_recursion))]
pub struct CategoryNode {
    pub id: CategoryId,
    pub name: String,
    /// The kind of ticket this category is for; `null` for both.
    pub kind: Option<TicketKind>,
    /// `false` only in the admins' whole tree (`all=true`): retired, no longer offered.
    #[serde(default = "yes")]
    pub active: bool,
    /// The order among its siblings.
    #[serde(default)]
    pub position: i32,
    /// The admins' whole tree (`all=true`) only: both names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_fr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub children: Vec<CategoryNode>,
}

fn yes() -> bool {
    true
}

/// A category as admins write it, and as a write answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: CategoryId,
    pub name_fr: String,
    pub name_en: String,
    /// `null` at the top of the tree.
    pub parent_id: Option<CategoryId>,
    /// `null`: for both kinds of ticket.
    pub kind: Option<TicketKind>,
    pub position: i32,
    /// A retired category (and what is under it) is no longer offered for new tickets;
    /// the tickets that have it keep it.
    pub active: bool,
}

/// `POST /categories`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name_fr": "Téléphonie", "name_en": "Telephony", "parent_id": null, "kind": "incident"})))]
pub struct NewCategory {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub name_fr: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub name_en: String,
    pub parent_id: Option<CategoryId>,
    pub kind: Option<TicketKind>,
    /// The order among its siblings; left out, it comes last.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    #[validate(range(min = 0, max = 10000, message = "must be 0 to 10000"))]
    pub position: Option<i32>,
    /// Left out: active.
    pub active: Option<bool>,
}

/// `PATCH /categories/{id}`: the members given change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name_en": "Phones", "active": false})))]
pub struct CategoryUpdate {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub name_fr: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[validate(
        length(min = 1, max = 100, message = "must be 1 to 100 characters"),
        custom(function = "crate::tickets::not_blank")
    )]
    pub name_en: Option<String>,
    /// A category, or `null` for the top of the tree; never the category itself or one
    /// under it.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub parent_id: Option<Option<CategoryId>>,
    /// A kind, or `null` for both.
    #[serde(
        default,
        deserialize_with = "crate::life::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketKind>, nullable))]
    pub kind: Option<Option<TicketKind>>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    #[validate(range(min = 0, max = 10000, message = "must be 0 to 10000"))]
    pub position: Option<i32>,
    pub active: Option<bool>,
}

/// Whether putting `id` under `new_parent` would make a loop: the new parent is the
/// category itself or one of its descendants. `parent_of` gives each category's parent.
pub fn makes_a_loop(
    id: CategoryId,
    new_parent: CategoryId,
    parent_of: impl Fn(CategoryId) -> Option<CategoryId>,
) -> bool {
    let mut current = Some(new_parent);
    // Bounded by the number of hops: a tree deeper than this is already broken.
    for _ in 0..10_000 {
        match current {
            None => return false,
            Some(ancestor) if ancestor == id => return true,
            Some(ancestor) => current = parent_of(ancestor),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_category_cannot_go_under_itself_or_its_descendants() {
        // 1 ─ 2 ─ 3, and 4 alone.
        let parents: HashMap<i64, i64> = [(2, 1), (3, 2)].into();
        let parent_of = |id: CategoryId| parents.get(&id.0).copied().map(CategoryId);
        let loops = |id, parent| makes_a_loop(CategoryId(id), CategoryId(parent), parent_of);
        assert!(loops(1, 1));
        assert!(loops(1, 3));
        assert!(loops(2, 3));
        assert!(!loops(3, 1));
        assert!(!loops(1, 4));
        assert!(!loops(4, 3));
    }
}
