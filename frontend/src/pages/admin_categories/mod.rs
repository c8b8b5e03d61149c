//! Administrators: the category tree offered when a ticket is opened (seeds 001, 002), with
//! both names, its order, and retired categories kept for the tickets that have them.
mod form;
mod rules;

use guichet_types::{Category, CategoryId, CategoryNode, CategoryUpdate};
use leptos::{prelude::*, task::spawn_local};

use form::CategoryForm;
use rules::{category_of, moved};

use crate::{
    components::page_title,
    dom,
    failure::Failure,
    i18n::{fill, use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

/// What a button of the tree asks.
#[derive(Debug, Clone, Copy)]
enum TreeAction {
    Edit,
    Up,
    Down,
    Retire,
    Restore,
}

#[component]
pub fn CategoriesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.admin_categories);
    let tree = RwSignal::new(None::<Vec<CategoryNode>>);
    let failure = RwSignal::new(None::<Failure>);
    let notice = RwSignal::new(None::<Message>);
    let editing = RwSignal::new(None::<Category>);

    let load = move || {
        spawn_local(async move {
            match session
                .call(|client| async move { client.all_categories().await })
                .await
            {
                Ok(found) => {
                    tree.set(Some(found));
                    failure.set(None);
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    load();

    let conclude = move |message: Option<Message>| {
        editing.set(None);
        notice.set(message);
        load();
        if message.is_some() {
            dom::focus_soon("categories-notice");
        }
    };

    // Every change is a PATCH; a move renumbers the siblings that change.
    let send = move |changes: Vec<(CategoryId, CategoryUpdate)>, focus: Option<String>| {
        notice.set(None);
        spawn_local(async move {
            for (id, update) in changes {
                let result = session
                    .call(|client| {
                        let update = update.clone();
                        async move { client.update_category(id, &update).await }
                    })
                    .await;
                if let Err(error) = result {
                    failure.set(Some(error));
                    break;
                }
            }
            load();
            if let Some(id) = focus {
                dom::focus_soon_on(id);
            }
        });
    };

    let act = move |action: TreeAction,
                    node: CategoryNode,
                    parent: Option<CategoryId>,
                    siblings: Vec<(CategoryId, i32)>| {
        let id = node.id;
        match action {
            TreeAction::Edit => {
                notice.set(None);
                editing.set(Some(category_of(&node, parent)));
                dom::focus_soon("category-form-title");
            }
            TreeAction::Up | TreeAction::Down => {
                let up = matches!(action, TreeAction::Up);
                let changes = moved(&siblings, id, up)
                    .into_iter()
                    .map(|(id, position)| {
                        (
                            id,
                            CategoryUpdate {
                                position: Some(position),
                                ..Default::default()
                            },
                        )
                    })
                    .collect();
                let direction = if up { "up" } else { "down" };
                send(changes, Some(format!("{direction}-{}", id.0)));
            }
            TreeAction::Retire | TreeAction::Restore => {
                let active = matches!(action, TreeAction::Restore);
                let update = CategoryUpdate {
                    active: Some(active),
                    ..Default::default()
                };
                let back = if active { "retire" } else { "restore" };
                send(vec![(id, update)], Some(format!("{back}-{}", id.0)));
            }
        }
    };

    // Back to the edited category's button when its edit is given up.
    let on_form_done = move |message: Option<Message>| {
        let edited = editing.with_untracked(|c| c.as_ref().map(|c| c.id));
        conclude(message);
        if let (None, Some(id)) = (message, edited) {
            dom::focus_soon_on(format!("edit-{}", id.0));
        }
    };

    view! {
        <section class="admin-categories" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().admin_categories)}</h1>
            <p class="intro">{dynamic(move || i18n.t().categories_admin_intro)}</p>
            <div role="status">
                {dynamic(move || {
                    notice.get().map(|message| {
                        view! {
                            <p class="flash" id="categories-notice" tabindex="-1">
                                {dynamic(move || message(i18n.t()))}
                            </p>
                        }
                    })
                })}
            </div>
            <div role="alert">
                {dynamic(move || {
                    failure.get().map(|f| view! { <p class="alert">{dynamic(move || (f.message())(i18n.t()))}</p> })
                })}
            </div>
            <section aria-labelledby="category-tree-title">
                <h2 id="category-tree-title">{dynamic(move || i18n.t().category_tree)}</h2>
                {dynamic(move || match tree.get() {
                    None => {
                        failure
                            .with(Option::is_none)
                            .then(|| view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> })
                            .into_any()
                    }
                    Some(nodes) if nodes.is_empty() => {
                        view! { <p class="empty">{dynamic(move || i18n.t().category_none)}</p> }.into_any()
                    }
                    Some(nodes) => branch(nodes, None, act).into_any(),
                })}
            </section>
            <CategoryForm tree editing on_done=on_form_done />
        </section>
    }
}

/// One level of the tree, as a list whose items hold the level under them.
fn branch(
    nodes: Vec<CategoryNode>,
    parent: Option<CategoryId>,
    act: impl Fn(TreeAction, CategoryNode, Option<CategoryId>, Vec<(CategoryId, i32)>)
        + Copy
        + Send
        + Sync
        + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let siblings: Vec<(CategoryId, i32)> = nodes.iter().map(|n| (n.id, n.position)).collect();
    let count = nodes.len();
    let items = nodes
        .into_iter()
        .enumerate()
        .map(|(at, node)| {
            let (row_node, row_siblings) = (node.clone(), siblings.clone());
            let id = node.id.0;
            let name = node.name.clone();
            let names = match (&node.name_fr, &node.name_en) {
                (Some(fr), Some(en)) => format!("{fr} · {en}"),
                _ => node.name.clone(),
            };
            let kind = node.kind;
            let active = node.active;
            let children = (!node.children.is_empty()).then(|| branch(node.children.clone(), Some(node.id), act));
            let button = move |action: TreeAction, prefix: &'static str, label: Message, text: Message| {
                let node = row_node.clone();
                let siblings = row_siblings.clone();
                let name = name.clone();
                view! {
                    <button
                        type="button"
                        class="small"
                        id=format!("{prefix}-{id}")
                        aria-label=dynamic(move || fill(label(i18n.t()), "name", &name))
                        on:click=move |_| act(action, node.clone(), parent, siblings.clone())
                    >
                        {dynamic(move || text(i18n.t()))}
                    </button>
                }
            };
            let (up, down) = (
                (at > 0).then(|| button(TreeAction::Up, "up", |t| t.category_move_up, |_| "↑")),
                (at + 1 < count).then(|| button(TreeAction::Down, "down", |t| t.category_move_down, |_| "↓")),
            );
            let edit = {
                let node = node.clone();
                let siblings = siblings.clone();
                let name = node.name.clone();
                view! {
                    <button
                        type="button"
                        class="small"
                        id=format!("edit-{id}")
                        aria-label=dynamic(move || fill(i18n.t().edit_label, "title", &name))
                        on:click=move |_| act(TreeAction::Edit, node.clone(), parent, siblings.clone())
                    >
                        {dynamic(move || i18n.t().edit)}
                    </button>
                }
            };
            let switch = if active {
                button(TreeAction::Retire, "retire", |t| t.category_retire, |t| t.retire)
            } else {
                button(TreeAction::Restore, "restore", |t| t.category_restore, |t| t.restore)
            };
            view! {
                <li class:retired=!active>
                    <div class="category-row">
                        <span class="category-names">{names}</span>
                        <span class="tag">
                            {dynamic(move || {
                                let t = i18n.t();
                                kind.map_or(t.category_both_kinds, |k| t.kind(k))
                            })}
                        </span>
                        {(!active).then(|| view! { <span class="tag retired">{dynamic(move || i18n.t().category_retired)}</span> })}
                        <span class="category-actions">{up} {down} {edit} {switch}</span>
                    </div>
                    {children}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="category-tree">{items}</ul> }.into_any()
}
