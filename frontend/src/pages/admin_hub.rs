//! The support team's way into what the portal rests on: agents reach the companies and the
//! people and the help's articles; administrators also the categories, the audit log, the announcements, the
//! service accounts, the webhooks and the failed deliveries.
use leptos::prelude::*;

use crate::{
    components::page_title,
    i18n::{use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

/// Each part of the administration: where it is, its name, what it holds, and whether it is
/// for administrators only.
const PARTS: [(&str, Message, Message, bool); 9] = [
    (
        "/admin/companies",
        |t| t.nav_companies,
        |t| t.admin_companies_hint,
        false,
    ),
    ("/people", |t| t.nav_people, |t| t.admin_people_hint, false),
    (
        "/admin/articles",
        |t| t.admin_articles,
        |t| t.admin_articles_hint,
        false,
    ),
    (
        "/admin/categories",
        |t| t.admin_categories,
        |t| t.admin_categories_hint,
        true,
    ),
    (
        "/admin/audit",
        |t| t.admin_audit,
        |t| t.admin_audit_hint,
        true,
    ),
    (
        "/admin/announcements",
        |t| t.nav_announcements,
        |t| t.admin_announcements_hint,
        true,
    ),
    (
        "/admin/service-accounts",
        |t| t.service_accounts_title,
        |t| t.service_accounts_hint,
        true,
    ),
    (
        "/admin/webhooks",
        |t| t.webhooks_title,
        |t| t.webhooks_hint,
        true,
    ),
    (
        "/admin/dead-jobs",
        |t| t.dead_jobs_title,
        |t| t.dead_jobs_hint,
        true,
    ),
];

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(|t| t.nav_admin);
    let admin = expect_session().is_admin();
    let parts = PARTS
        .iter()
        .filter(|part| admin || !part.3)
        .map(|&(href, name, hint, _)| {
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
