//! The support team's people: a search over names, addresses and phones with its filters,
//! a person's page (`person.rs`: details, changes, invitation, reset link, lockout) and the
//! invitation of a new person (`new.rs`). What a reader is offered follows
//! `guichet_types::policy`, as the server does: agents see customers and referents and act
//! on customers only.
mod form;
mod new;
mod person;
mod rules;

use new::NewPersonPage;
use person::PersonPage;

use guichet_types::{Company, Role, User, UserListQuery};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_params_map;

use crate::{
    components::{page_title, LoadMore},
    i18n::use_i18n,
    paging::Paging,
    reactive::dynamic,
    session::{expect_session, Session},
};

/// `/people`, `/people/new` or `/people/{id}`: one route and one chunk, so the first load
/// carries one route for the three.
#[component]
pub fn PeopleScreens() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    dynamic(move || match id.get().as_deref() {
        None => view! { <PeoplePage /> }.into_any(),
        Some("new") => view! { <NewPersonPage /> }.into_any(),
        Some(_) => view! { <PersonPage /> }.into_any(),
    })
}

/// Every company, by name, for the selects; none when they cannot be read.
fn companies(session: Session) -> Signal<Vec<Company>> {
    let list = LocalResource::new(move || async move {
        session
            .call(|client| async move { client.all_companies().await })
            .await
    });
    Signal::derive(move || list.get().and_then(Result::ok).unwrap_or_default())
}

/// The roles a reader finds in the search: agents see customers and referents only.
fn searchable_roles(admin: bool) -> &'static [Role] {
    if admin {
        Role::ALL
    } else {
        &[Role::Customer, Role::Referent]
    }
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.nav_people);
    let companies = companies(session);
    let q = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let active = RwSignal::new(String::new());
    let list = Paging::<User>::new();
    // The filters of the last search, which "load more" continues.
    let query = RwSignal::new(UserListQuery::default());

    let load = move |more: bool| {
        if list.loading.get_untracked() {
            return;
        }
        let cursor = if more {
            list.next.get_untracked()
        } else {
            None
        };
        let query = query.get_untracked();
        list.load(cursor, |cursor| async move {
            let asked = UserListQuery { cursor, ..query };
            session
                .call(|client| {
                    let asked = asked.clone();
                    async move { client.users(&asked).await }
                })
                .await
        });
    };
    let search = move || {
        query.set(UserListQuery {
            q: Some(q.get_untracked().trim().to_owned()).filter(|q| !q.is_empty()),
            company_id: company
                .get_untracked()
                .parse()
                .ok()
                .map(guichet_types::CompanyId),
            role: Role::parse(&role.get_untracked()),
            active: active.get_untracked().parse().ok(),
            ..Default::default()
        });
        load(false);
    };
    search();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        search();
    };

    let select = move |id: &'static str,
                       name: fn(&crate::i18n::Texts) -> &'static str,
                       value: RwSignal<String>,
                       options: Vec<(String, Signal<String>)>| {
        view! {
            <div class="field">
                <label for=id>{dynamic(move || name(i18n.t()))}</label>
                <select id=id on:change=move |ev| { value.set(event_target_value(&ev)); search(); }>
                    <option value="">{dynamic(move || i18n.t().filter_any)}</option>
                    {options
                        .into_iter()
                        .map(|(key, text)| view! { <option value=key>{dynamic(move || text.get())}</option> })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let role_options = searchable_roles(untrack(move || session.is_admin()))
        .iter()
        .map(|&r| {
            (
                r.as_str().to_owned(),
                Signal::derive(move || i18n.t().role(r).to_owned()),
            )
        })
        .collect();
    let active_options = vec![
        (
            "true".to_owned(),
            Signal::derive(move || i18n.t().person_active.to_owned()),
        ),
        (
            "false".to_owned(),
            Signal::derive(move || i18n.t().person_inactive.to_owned()),
        ),
    ];

    view! {
        <section class="admin-people" aria-labelledby="page-title">
            <div class="page-head">
                <h1 id="page-title">{dynamic(move || i18n.t().nav_people)}</h1>
                <a class="button" href="/people/new">{dynamic(move || i18n.t().person_invite)}</a>
            </div>
            <form class="filters" role="search" novalidate on:submit=on_submit>
                <div class="field grow">
                    <label for="q">{dynamic(move || i18n.t().search_label)}</label>
                    <p class="hint" id="q-hint">{dynamic(move || i18n.t().people_intro)}</p>
                    <div class="inline">
                        <input id="q" type="search" bind:value=q aria-describedby="q-hint" />
                        <button type="submit">{dynamic(move || i18n.t().search_submit)}</button>
                    </div>
                </div>
                <div class="field">
                    <label for="company-filter">{dynamic(move || i18n.t().field_company)}</label>
                    <select id="company-filter" on:change=move |ev| { company.set(event_target_value(&ev)); search(); }>
                        <option value="">{dynamic(move || i18n.t().filter_any)}</option>
                        {dynamic(move || {
                            companies
                                .get()
                                .into_iter()
                                .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                                .collect_view()
                        })}
                    </select>
                </div>
                {select("role-filter", |t| t.field_role, role, role_options)}
                {select("active-filter", |t| t.person_state, active, active_options)}
            </form>
            {dynamic(move || {
                if !list.loaded.get() {
                    list.failure
                        .with(Option::is_none)
                        .then(|| view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> })
                        .into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty" role="status">{dynamic(move || i18n.t().people_none)}</p> }.into_any()
                } else {
                    view! { <PeopleTable items=list.items /> }.into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(true) />
        </section>
    }
}

#[component]
fn PeopleTable(items: RwSignal<Vec<User>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="tickets people-table">
                <caption class="visually-hidden">{dynamic(move || i18n.t().people_results)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{dynamic(move || i18n.t().col_name)}</th>
                        <th scope="col">{dynamic(move || i18n.t().email)}</th>
                        <th scope="col">{dynamic(move || i18n.t().field_company)}</th>
                        <th scope="col">{dynamic(move || i18n.t().field_role)}</th>
                        <th scope="col">{dynamic(move || i18n.t().person_state)}</th>
                    </tr>
                </thead>
                <tbody>
                    {dynamic(move || {
                        items
                            .get()
                            .into_iter()
                            .map(|person| {
                                let role = person.role;
                                let active = person.active;
                                view! {
                                    <tr>
                                        <td data-label=move || i18n.t().col_name class="person-name">
                                            <a href=format!("/people/{}", person.id)>
                                                {format!("{} {}", person.first_name, person.last_name)}
                                            </a>
                                        </td>
                                        <td data-label=move || i18n.t().email class="person-email">{person.email}</td>
                                        <td data-label=move || i18n.t().field_company>
                                            {person.company_name.unwrap_or_default()}
                                        </td>
                                        <td data-label=move || i18n.t().field_role>{dynamic(move || i18n.t().role(role))}</td>
                                        <td data-label=move || i18n.t().person_state>
                                            {dynamic(move || {
                                                let t = i18n.t();
                                                if active { t.person_active } else { t.person_inactive }
                                            })}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    })}
                </tbody>
            </table>
        </div>
    }
}
