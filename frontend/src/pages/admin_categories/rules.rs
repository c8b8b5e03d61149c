//! The decisions of the category screen, apart from the page so that tests can check them.
use guichet_types::{
    Category, CategoryId, CategoryNode, CategoryUpdate, FieldError, NewCategory, TicketKind,
};

use crate::forms::FieldErrors;

/// The order the form shows its fields, for the error summary and the first focus.
pub const ORDER: [&str; 5] = ["name_fr", "name_en", "parent_id", "kind", "position"];

/// A node of the admins' tree as the edit form needs it: the tree's nodes do not name their
/// parent.
pub fn category_of(node: &CategoryNode, parent_id: Option<CategoryId>) -> Category {
    Category {
        id: node.id,
        name_fr: node.name_fr.clone().unwrap_or_else(|| node.name.clone()),
        name_en: node.name_en.clone().unwrap_or_else(|| node.name.clone()),
        parent_id,
        kind: node.kind,
        position: node.position,
        active: node.active,
    }
}

/// The places a category may go: every category named by its path, but `moving` and what
/// is under it (the server refuses a loop; the form does not offer one).
pub fn places(tree: &[CategoryNode], moving: Option<CategoryId>) -> Vec<(CategoryId, String)> {
    fn walk(
        nodes: &[CategoryNode],
        above: &str,
        moving: Option<CategoryId>,
        out: &mut Vec<(CategoryId, String)>,
    ) {
        for node in nodes.iter().filter(|n| Some(n.id) != moving) {
            let path = if above.is_empty() {
                node.name.clone()
            } else {
                format!("{above} › {}", node.name)
            };
            out.push((node.id, path.clone()));
            walk(&node.children, &path, moving, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, "", moving, &mut out);
    out
}

/// The positions to write so that `id` trades places with its neighbour above (`up`) or
/// below: the siblings numbered 1, 2, 3… in their new order, only those whose number changes.
/// Empty when it is already first (or last).
pub fn moved(siblings: &[(CategoryId, i32)], id: CategoryId, up: bool) -> Vec<(CategoryId, i32)> {
    let mut order: Vec<CategoryId> = siblings.iter().map(|(id, _)| *id).collect();
    let Some(at) = order.iter().position(|s| *s == id) else {
        return Vec::new();
    };
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    match other {
        Some(other) if other < order.len() => order.swap(at, other),
        _ => return Vec::new(),
    }
    order
        .into_iter()
        .zip(1..)
        .filter(|moved| !siblings.contains(moved))
        .collect()
}

/// The form's fields as typed.
pub struct Draft<'a> {
    pub name_fr: &'a str,
    pub name_en: &'a str,
    /// A category id or empty for the top.
    pub parent: &'a str,
    /// `incident`, `request` or empty for both.
    pub kind: &'a str,
    /// A number or empty for last.
    pub position: &'a str,
}

/// The request a valid draft makes, or the errors under each field.
pub fn new_category(draft: &Draft) -> Result<NewCategory, FieldErrors> {
    let mut errors = Vec::new();
    let name = |value: &str, field: &str, errors: &mut Vec<FieldError>| {
        let value = value.trim();
        if value.is_empty() {
            errors.push(FieldError::new(field, "required", "required"));
        } else if value.chars().count() > 100 {
            errors.push(FieldError::new(field, "length", "1 to 100 characters"));
        }
        value.to_owned()
    };
    let name_fr = name(draft.name_fr, "name_fr", &mut errors);
    let name_en = name(draft.name_en, "name_en", &mut errors);
    let parent_id = draft.parent.parse().ok().map(CategoryId);
    let kind = TicketKind::parse(draft.kind);
    let position = match draft.position.trim() {
        "" => None,
        typed => match typed.parse::<i32>() {
            Ok(n) if (0..=10_000).contains(&n) => Some(n),
            Ok(_) => {
                errors.push(FieldError::new("position", "range", "0 to 10000"));
                None
            }
            Err(_) => {
                errors.push(FieldError::new("position", "invalid_type", "a number"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(FieldErrors::new(errors, |_| false).sorted(&ORDER));
    }
    Ok(NewCategory {
        name_fr,
        name_en,
        parent_id,
        kind,
        position,
        active: None,
    })
}

/// The update of `chosen` that sets every field of the form.
pub fn update_of(input: NewCategory) -> CategoryUpdate {
    CategoryUpdate {
        name_fr: Some(input.name_fr),
        name_en: Some(input.name_en),
        parent_id: Some(input.parent_id),
        kind: Some(input.kind),
        position: input.position,
        active: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, name: &str, children: Vec<CategoryNode>) -> CategoryNode {
        CategoryNode {
            id: CategoryId(id),
            name: name.to_owned(),
            kind: None,
            active: true,
            position: 0,
            name_fr: None,
            name_en: None,
            children,
        }
    }

    #[test]
    fn a_category_cannot_be_offered_a_place_under_itself() {
        let tree = vec![
            node(
                1,
                "Réseau",
                vec![node(2, "Wi-Fi", vec![node(3, "Bornes", vec![])])],
            ),
            node(4, "Logiciels", vec![]),
        ];
        let all: Vec<i64> = places(&tree, None).iter().map(|(id, _)| id.0).collect();
        assert_eq!(all, [1, 2, 3, 4]);
        let for_wifi = places(&tree, Some(CategoryId(2)));
        assert_eq!(
            for_wifi,
            [
                (CategoryId(1), "Réseau".to_owned()),
                (CategoryId(4), "Logiciels".to_owned())
            ]
        );
        assert_eq!(places(&tree, None)[2].1, "Réseau › Wi-Fi › Bornes");
    }

    #[test]
    fn moving_renumbers_only_what_changes() {
        let siblings = [(CategoryId(7), 1), (CategoryId(8), 2), (CategoryId(9), 3)];
        assert_eq!(
            moved(&siblings, CategoryId(9), true),
            [(CategoryId(9), 2), (CategoryId(8), 3)]
        );
        assert!(moved(&siblings, CategoryId(7), true).is_empty());
        assert!(moved(&siblings, CategoryId(9), false).is_empty());
        // Equal positions (as created) get told apart.
        let equal = [(CategoryId(7), 0), (CategoryId(8), 0)];
        assert_eq!(
            moved(&equal, CategoryId(7), false),
            [(CategoryId(8), 1), (CategoryId(7), 2)]
        );
    }

    #[test]
    fn a_draft_names_every_bad_field() {
        let draft = Draft {
            name_fr: " ",
            name_en: "",
            parent: "",
            kind: "",
            position: "first",
        };
        let errors = new_category(&draft).unwrap_err();
        assert_eq!(
            errors.listed(),
            [
                ("name_fr", "required"),
                ("name_en", "required"),
                ("position", "invalid_type")
            ]
        );
        let good = Draft {
            name_fr: " Téléphonie ",
            name_en: "Telephony",
            parent: "4",
            kind: "incident",
            position: "",
        };
        let input = new_category(&good).unwrap();
        assert_eq!(input.name_fr, "Téléphonie");
        assert_eq!(input.parent_id, Some(CategoryId(4)));
        assert_eq!(input.kind, Some(TicketKind::Incident));
        assert_eq!(input.position, None);
    }
}
