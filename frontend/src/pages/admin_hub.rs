//! Administrators: the way into everything the portal rests on.
use leptos::prelude::*;

use crate::{
    components::page_title,
    i18n::{use_i18n, Message},
    reactive::dynamic,
};

/// Each part of the administration: where it is, its name and what it holds.
const PARTS: [(&str, Message, Message); 5] = [
    (
        "/admin/companies",
        |t| t.admin_companies,
        |t| t.admin_companies_hint,
    ),
    ("/people", |t| t.admin_people, |t| t.admin_people_hint),
    (
        "/admin/categories",
        |t| t.admin_categories,
        |t| t.admin_categories_hint,
    ),
    ("/admin/audit", |t| t.admin_audit, |t| t.admin_audit_hint),
    (
        "/admin/announcements",
        |t| t.nav_announcements,
        |t| t.admin_announcements_hint,
    ),
];

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(|t| t.nav_admin);
    let parts = PARTS
        .iter()
        .map(|&(href, name, hint)| {
            view! {
                <li>
                    <a href=href>{dynamic(move || name(i18n.t()))}</a>
                    <p class="hint">{dynamic(move || hint(i18n.t()))}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="admin-hub" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().nav_admin)}</h1>
            <p class="intro">{dynamic(move || i18n.t().admin_intro)}</p>
            <ul class="admin-parts">{parts}</ul>
        </section>
    }
}
