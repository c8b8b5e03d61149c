//! The category tree as each caller sees it.
use std::collections::HashMap;

use guichet_types::{CategoryId, CategoryNode, Locale, Permission};

use super::cache::Categories;
use crate::auth::SessionUser;
use crate::entities::categories;
use crate::error::ApiResult;

/// Which categories a tree shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Those offered for new tickets to this caller: active, under active parents, and for
    /// customers never a category the server keeps for itself (the lost-account intake).
    Offered,
    /// Every category, retired ones included, with both names (admins).
    All,
}

/// The tree `user` sees, named in their language, siblings in their configured order.
pub fn for_caller(
    categories: &Categories,
    user: &SessionUser,
    shown: Shown,
) -> ApiResult<Vec<CategoryNode>> {
    if shown == Shown::All {
        user.require(Permission::Admin)?;
    }
    let staff = user.can(Permission::TicketsWork);
    let keep = |row: &categories::Model| match shown {
        Shown::All => true,
        Shown::Offered => row.active && (staff || row.system_key.is_none()),
    };
    Ok(build(categories, user.locale, shown, keep))
}

fn build(
    categories: &Categories,
    locale: Locale,
    shown: Shown,
    keep: impl Fn(&categories::Model) -> bool,
) -> Vec<CategoryNode> {
    let mut children: HashMap<Option<CategoryId>, Vec<&categories::Model>> = HashMap::new();
    for row in categories.all().filter(|row| keep(row)) {
        children.entry(row.parent_id).or_default().push(row);
    }
    for siblings in children.values_mut() {
        siblings.sort_by_key(|row| (row.position, row.id));
    }
    // From the top: a category whose parent is not kept is not reached, so retiring a
    // category takes what is under it out of the tree too.
    nodes(None, &children, locale, shown)
}

fn nodes(
    parent: Option<CategoryId>,
    children: &HashMap<Option<CategoryId>, Vec<&categories::Model>>,
    locale: Locale,
    shown: Shown,
) -> Vec<CategoryNode> {
    let Some(rows) = children.get(&parent) else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| CategoryNode {
            id: row.id,
            name: match locale {
                Locale::Fr => row.name_fr.clone(),
                Locale::En => row.name_en.clone(),
            },
            kind: row.kind,
            active: row.active,
            position: row.position,
            name_fr: (shown == Shown::All).then(|| row.name_fr.clone()),
            name_en: (shown == Shown::All).then(|| row.name_en.clone()),
            children: nodes(Some(row.id), children, locale, shown),
        })
        .collect()
}
