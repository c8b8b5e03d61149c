use guichet_types::{Actor, Company, CompanyListQuery};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use super::{
    details::CompanyForm,
    fields::{option, SelectField},
};
use crate::{
    components::{page_title, LoadMore},
    forms::FieldErrors,
    i18n::use_i18n,
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// The support team: every client company, searched by name or service code and by state,
/// each leading to its page; administrators also create companies here.
#[component]
pub fn CompaniesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let navigate = use_navigate();
    page_title(|t| t.companies_title);
    let q = RwSignal::new(String::new());
    let active = RwSignal::new(String::new());
    let list = Paging::<Company>::new();
    let staff = RwSignal::new(Vec::<Actor>::new());

    let load = move |cursor: Option<String>| {
        let words = q.get_untracked().trim().to_owned();
        let active = active.with_untracked(|a| a.parse().ok());
        list.load(cursor, |cursor| async move {
            let query = CompanyListQuery {
                q: (!words.is_empty()).then_some(words),
                active,
                cursor,
                limit: None,
            };
            session
                .call(|client| {
                    let query = query.clone();
                    async move { client.companies(&query).await }
                })
                .await
        });
    };
    load(None);
    if session.is_admin() {
        spawn_local(async move {
            if let Ok(list) = session
                .call(|client| async move { client.staff().await })
                .await
            {
                staff.set(list);
            }
        });
    }

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    let filter_errors = RwSignal::new(FieldErrors::default());

    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets companies-table">
                    <caption class="visually-hidden">{t.companies_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.name_label}</th>
                            <th scope="col">{t.service_code}</th>
                            <th scope="col">{t.company_manager}</th>
                            <th scope="col">{t.col_state}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || list.items.get() key=|c| c.id children=move |company| view! { <CompanyRow company /> } />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <section class="admin-companies" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().companies_title)}</h1>
            <form class="filters" role="search" on:submit=on_search>
                <div class="field grow">
                    <label for="q">{dynamic(move || i18n.t().search_label)}</label>
                    <p class="hint" id="q-hint">{dynamic(move || i18n.t().company_search_hint)}</p>
                    <input id="q" name="q" type="search" bind:value=q aria-describedby="q-hint" />
                </div>
                <SelectField field="active" label=|t| t.col_state value=active errors=filter_errors>
                    {option(String::new(), dynamic(move || i18n.t().filter_any), active)}
                    {option("true".into(), dynamic(move || i18n.t().company_active), active)}
                    {option("false".into(), dynamic(move || i18n.t().company_inactive), active)}
                </SelectField>
                <div class="field">
                    <button type="submit">{dynamic(move || i18n.t().search_submit)}</button>
                </div>
            </form>
            {dynamic(move || {
                if !list.loaded.get() {
                    ().into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().companies_none)}</p> }.into_any()
                } else {
                    table().into_any()
                }
            })}
            {dynamic(move || {
                (list.loading.get() && !list.loaded.get())
                    .then(|| view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> })
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
            {dynamic(move || {
                let navigate = navigate.clone();
                session
                    .is_admin()
                    .then(|| {
                        let on_done = move |company: Company| {
                            navigate(&format!("/admin/companies/{}", company.id), Default::default());
                        };
                        view! { <CompanyForm editing=None staff on_done /> }
                    })
            })}
        </section>
    }
}

#[component]
fn CompanyRow(company: Company) -> impl IntoView {
    let i18n = use_i18n();
    let active = company.active;
    view! {
        <tr>
            <td data-label=dynamic(move || i18n.t().name_label) class="company-name">
                <a href=format!("/admin/companies/{}", company.id)>{company.name}</a>
            </td>
            <td data-label=dynamic(move || i18n.t().service_code)>{company.service_code}</td>
            <td data-label=dynamic(move || i18n.t().company_manager)>
                {company.account_manager.map(|m| m.name)}
            </td>
            <td data-label=dynamic(move || i18n.t().col_state)>
                {dynamic(move || state_badge(i18n.t(), active))}
            </td>
        </tr>
    }
}

/// The badge that says whether a company is active.
pub fn state_badge(t: &crate::i18n::Texts, active: bool) -> impl IntoView {
    if active {
        view! { <span class="status state-current">{t.company_active}</span> }.into_any()
    } else {
        view! { <span class="status state-expired">{t.company_inactive}</span> }.into_any()
    }
}
