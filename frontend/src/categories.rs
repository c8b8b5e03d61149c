//! The category tree as the selects offer it.
use guichet_types::{CategoryId, CategoryNode, TicketKind};
use leptos::prelude::*;

use crate::reactive::dynamic;

/// A choice of the category select: a leaf of the tree, named by its path under its root.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryChoice {
    pub id: CategoryId,
    pub name: String,
}

/// The categories a ticket of `kind` may take, grouped by root: `(group, choices)`, where a
/// root without children is its own choice and has no group.
pub fn category_groups(
    tree: &[CategoryNode],
    kind: TicketKind,
) -> Vec<(Option<String>, Vec<CategoryChoice>)> {
    let fits = |node: &&CategoryNode| node.kind.is_none_or(|k| k == kind);
    fn leaves(
        nodes: &[CategoryNode],
        kind: TicketKind,
        parent: &str,
        out: &mut Vec<CategoryChoice>,
    ) {
        for node in nodes.iter().filter(|n| n.kind.is_none_or(|k| k == kind)) {
            let name = if parent.is_empty() {
                node.name.clone()
            } else {
                format!("{parent} › {}", node.name)
            };
            if node.children.is_empty() {
                out.push(CategoryChoice { id: node.id, name });
            } else {
                leaves(&node.children, kind, &name, out);
            }
        }
    }
    tree.iter()
        .filter(fits)
        .map(|root| {
            if root.children.is_empty() {
                (
                    None,
                    vec![CategoryChoice {
                        id: root.id,
                        name: root.name.clone(),
                    }],
                )
            } else {
                let mut choices = Vec::new();
                leaves(&root.children, kind, "", &mut choices);
                (Some(root.name.clone()), choices)
            }
        })
        .collect()
}

/// The `<option>`s of a category select, leaves grouped under their root, the one whose id
/// `chosen` holds selected.
pub fn category_options(
    groups: Vec<(Option<String>, Vec<CategoryChoice>)>,
    chosen: RwSignal<String>,
) -> impl IntoView {
    groups
        .into_iter()
        .map(|(group, choices)| {
            let options = choices
                .into_iter()
                .map(|choice| {
                    let value = choice.id.to_string();
                    let selected = value.clone();
                    view! {
                        <option value=value selected=dynamic(move || chosen.get() == selected)>
                            {choice.name}
                        </option>
                    }
                })
                .collect_view();
            match group {
                Some(label) => view! { <optgroup label=label>{options}</optgroup> }.into_any(),
                None => options.into_any(),
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(
        id: i64,
        name: &str,
        kind: Option<TicketKind>,
        children: Vec<CategoryNode>,
    ) -> CategoryNode {
        CategoryNode {
            id: CategoryId(id),
            name: name.to_owned(),
            kind,
            active: true,
            position: 0,
            name_fr: None,
            name_en: None,
            children,
        }
    }

    #[test]
    fn categories_are_the_leaves_of_the_chosen_kind_grouped_by_root() {
        let tree = vec![
            node(
                1,
                "Incident",
                Some(TicketKind::Incident),
                vec![node(2, "Lenteur", None, vec![])],
            ),
            node(
                6,
                "Demande",
                Some(TicketKind::Request),
                vec![node(
                    8,
                    "Administrative",
                    None,
                    vec![node(9, "Facturation", None, vec![])],
                )],
            ),
            node(12, "Autre", None, vec![]),
        ];
        let names = |kind| {
            category_groups(&tree, kind)
                .into_iter()
                .map(|(group, choices)| {
                    (
                        group,
                        choices
                            .into_iter()
                            .map(|c| (c.id.0, c.name))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(TicketKind::Request),
            vec![
                (
                    Some("Demande".to_owned()),
                    vec![(9, "Administrative › Facturation".to_owned())]
                ),
                (None, vec![(12, "Autre".to_owned())]),
            ]
        );
        assert_eq!(
            names(TicketKind::Incident)[0],
            (Some("Incident".to_owned()), vec![(2, "Lenteur".to_owned())])
        );
    }
}
