//! Administrators: the service accounts of integrations (issue 15) — the list, a new one
//! (optionally limited to a company), and an account's page with its state and its tokens
//! (the same token manager as "Mes jetons d'API").
mod account;

use account::ServiceAccountPage;

use guichet_types::{Company, NewServiceAccount, ServiceAccount};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use crate::{
    components::{page_title, ErrorSummary, LoadMore, TextField},
    dom,
    forms::FieldErrors,
    i18n::{use_i18n, Message, Texts},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// `/admin/service-accounts` or `/admin/service-accounts/{id}`: one route and one chunk.
#[component]
pub fn ServiceAccountScreens() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    dynamic(move || match id.get() {
        None => view! { <ServiceAccountsPage /> }.into_any(),
        Some(id) => view! { <ServiceAccountPage id /> }.into_any(),
    })
}

/// "Actif" or "Désactivé".
fn state_of(t: &Texts, active: bool) -> &'static str {
    if active {
        t.person_active
    } else {
        t.person_inactive
    }
}

/// Where an account acts: its company, or the whole portal.
fn reach_of(t: &Texts, account: &ServiceAccount) -> String {
    account.company.as_ref().map_or_else(
        || t.service_account_whole_portal.to_owned(),
        |c| c.name.clone(),
    )
}

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "name" => t.name_label,
        "company_id" => t.service_account_company,
        _ => t.service_accounts_title,
    }
}

#[component]
fn ServiceAccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.service_accounts_title);
    let list = Paging::<ServiceAccount>::new();
    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let cursor = cursor.clone();
                    async move { client.service_accounts(cursor.as_deref()).await }
                })
                .await
        });
    };
    load(None);

    let rows = move || {
        let tag = i18n.t().tag;
        list.items
            .get()
            .into_iter()
            .map(|account| {
                let href = format!("/admin/service-accounts/{}", account.id);
                let reach = reach_of(i18n.t(), &account);
                let created = dom::format_date_time(&account.created_at.to_rfc3339(), tag);
                let active = account.active;
                view! {
                    <tr>
                        <td data-label=dynamic(move || i18n.t().name_label)><a href=href>{account.name}</a></td>
                        <td data-label=dynamic(move || i18n.t().service_account_company)>{reach}</td>
                        <td data-label=dynamic(move || i18n.t().col_state)>{dynamic(move || state_of(i18n.t(), active))}</td>
                        <td data-label=dynamic(move || i18n.t().api_token_created)>{created}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <section class="admin-service-accounts" aria-labelledby="page-title">
            <p><a href="/admin">{dynamic(move || i18n.t().nav_admin)}</a></p>
            <h1 id="page-title">{dynamic(move || i18n.t().service_accounts_title)}</h1>
            <p class="intro">{dynamic(move || i18n.t().service_accounts_intro)}</p>
            {dynamic(move || {
                if !list.loaded.get() {
                    list.failure.with(Option::is_none).then(|| view! {
                        <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                    }).into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().service_accounts_none)}</p> }.into_any()
                } else {
                    let t = i18n.t();
                    view! {
                        <div class="table-wrap">
                            <table class="tickets">
                                <caption class="visually-hidden">{t.service_accounts_title}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t.name_label}</th>
                                        <th scope="col">{t.service_account_company}</th>
                                        <th scope="col">{t.col_state}</th>
                                        <th scope="col">{t.api_token_created}</th>
                                    </tr>
                                </thead>
                                <tbody>{dynamic(rows)}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
            <NewServiceAccountForm />
        </section>
    }
}

/// Makes a service account, then opens its page to give it tokens.
#[component]
fn NewServiceAccountForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let name = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let companies = LocalResource::new(move || async move {
        session
            .call(|client| async move { client.all_companies().await })
            .await
    });
    let companies =
        Signal::derive(move || companies.get().and_then(Result::ok).unwrap_or_default());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let typed = name.get_untracked();
        if typed.trim().is_empty() {
            errors.set(FieldErrors::new(
                vec![guichet_types::FieldError::new(
                    "name", "required", "required",
                )],
                |_| true,
            ));
            dom::focus_soon("name");
            return;
        }
        let input = NewServiceAccount {
            name: typed.trim().to_owned(),
            company_id: company
                .get_untracked()
                .parse()
                .ok()
                .map(guichet_types::CompanyId),
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let input = input.clone();
                    async move { client.create_service_account(&input).await }
                })
                .await;
            pending.set(false);
            match result {
                Ok(account) => {
                    navigate(
                        &format!("/admin/service-accounts/{}", account.id),
                        Default::default(),
                    );
                }
                Err(failure) if !failure.errors.is_empty() => {
                    errors.set(FieldErrors::new(failure.errors, |_| false));
                    dom::focus_soon("error-summary");
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    view! {
        <section class="panel" aria-labelledby="new-account-title">
            <h2 id="new-account-title">{dynamic(move || i18n.t().service_account_new)}</h2>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField field="name" label=|t| t.name_label value=name errors autocomplete="off" maxlength=100 />
                <div class="field">
                    <label for="company_id">{dynamic(move || i18n.t().service_account_company)}</label>
                    <select id="company_id" name="company_id" on:change=move |ev| company.set(event_target_value(&ev))>
                        <option value="">{dynamic(move || i18n.t().service_account_whole_portal)}</option>
                        {move || companies.get().into_iter().map(|c: Company| view! {
                            <option value=c.id.0.to_string()>{c.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" disabled=move || pending.get()>
                    {dynamic(move || i18n.t().service_account_create)}
                </button>
            </form>
        </section>
    }
}
