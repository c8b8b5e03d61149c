use guichet_types::{Actor, CategoryNode, Company, CompanyId};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use super::{
    assets::Assets, contacts::Contacts, contracts::Contracts, details::CompanyForm, fields::Notice,
    list::state_badge,
};
use crate::{
    components::page_title,
    dom,
    failure::Failure,
    i18n::{use_i18n, Message},
    pages::NotFoundPage,
    reactive::dynamic,
    session::expect_session,
};

/// One company: its details (changed by administrators), its contracts, known contacts and
/// assets. Agents read it all.
#[component]
pub fn CompanyPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.companies_title);
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|id| id.parse().ok()).map(CompanyId));
    let company = RwSignal::new(None::<Company>);
    let failure = RwSignal::new(None::<Failure>);
    let staff = RwSignal::new(Vec::<Actor>::new());
    let tree = RwSignal::new(Vec::<CategoryNode>::new());
    let notice = RwSignal::new(None::<Message>);
    let admin = session.is_admin();

    match id {
        Some(id) => spawn_local(async move {
            match session
                .call(|client| async move { client.company(id).await })
                .await
            {
                Ok(found) => company.set(Some(found)),
                Err(error) => failure.set(Some(error)),
            }
        }),
        None => failure.set(Some(Failure::status(404))),
    }
    spawn_local(async move {
        // Admins choose among the whole tree; agents read the names of what is covered.
        let found = session
            .call(|client| async move {
                if admin {
                    client.all_categories().await
                } else {
                    client.categories().await
                }
            })
            .await;
        tree.set(found.unwrap_or_default());
        if admin {
            if let Ok(list) = session
                .call(|client| async move { client.staff().await })
                .await
            {
                staff.set(list);
            }
        }
    });

    let on_saved = move |saved: Company| {
        company.set(Some(saved));
        notice.set(Some(|t| t.done_saved));
        dom::focus_soon("company-notice");
    };

    let details = move |shown: Company| {
        let t = i18n.t();
        let row = |term: &'static str, value: String| {
            view! {
                <div>
                    <dt>{term}</dt>
                    <dd>{value}</dd>
                </div>
            }
        };
        view! {
            <dl class="details panel">
                {row(t.service_code, shown.service_code)}
                {row(t.company_manager, shown.account_manager.map(|m| m.name).unwrap_or_default())}
                {row(t.company_phone, shown.phone)}
                {row(t.company_notes, shown.notes)}
            </dl>
        }
    };

    // The page is built once the company is read; a save changes its heading, not the rest.
    let ready = Memo::new(move |_| company.with(Option::is_some));
    let heading = move || {
        company
            .with(|c| c.as_ref().map(|c| (c.name.clone(), c.active)))
            .map(|(name, active)| {
                view! { {name} " " {state_badge(i18n.t(), active)} }
            })
    };
    dynamic(move || {
        if failure.with(|f| f.as_ref().is_some_and(|f| f.is_status(404))) {
            return view! { <NotFoundPage /> }.into_any();
        }
        let shown = ready.get().then(|| company.get_untracked()).flatten();
        let Some(shown) = shown else {
            return view! {
                {dynamic(move || {
                    failure.get().map(|f| view! { <p class="alert" role="alert">{(f.message())(i18n.t())}</p> })
                })}
                <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
            }
            .into_any();
        };
        let id = shown.id;
        view! {
            <section class="admin-companies" aria-labelledby="page-title">
                <p>
                    <a href="/admin/companies">{dynamic(move || i18n.t().back_companies)}</a>
                </p>
                <h1 id="page-title">{dynamic(heading)}</h1>
                <Notice id="company-notice" notice />
                {if admin {
                    view! { <CompanyForm editing=Some(shown) staff on_done=on_saved /> }.into_any()
                } else {
                    details(shown).into_any()
                }}
                <Contracts company=id admin tree />
                <Contacts company=id admin />
                <Assets company=id admin />
            </section>
        }
        .into_any()
    })
}
