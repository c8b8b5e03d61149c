use guichet_types::{Scope, TicketListQuery, TicketStatus};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_query_map;

use crate::{
    components::{page_title, FlashMessage, QueueFilter, QueueFilters, TicketTable},
    i18n::use_i18n,
    reactive::dynamic,
    session::expect_session,
};

/// "My tickets": the list with its status filter, full-text search and, for referents, the
/// whole company. The support team sees every ticket by default, or those assigned to them.
/// `?q=` (the landing page's search) is the search to start with.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.tickets_title);
    let staff = move || session.is_staff();
    let heading = move || {
        let t = i18n.t();
        if staff() {
            t.tickets_title_staff
        } else {
            t.tickets_title
        }
    };

    let status = RwSignal::new(None::<TicketStatus>);
    let url_query = use_query_map();
    let asked = Memo::new(move |_| url_query.with(|q| q.get("q")).unwrap_or_default());
    let search_box = RwSignal::new(asked.get_untracked());
    let search = RwSignal::new(asked.get_untracked());
    // Another `?q=` while the page stays (e.g. "My tickets" in the header clears it).
    Effect::new(move |previous: Option<String>| {
        let now = asked.get();
        if previous.is_some_and(|previous| previous != now) {
            search_box.set(now.clone());
            search.set(now.clone());
        }
        now
    });
    // Customers start with their own tickets; agents with all of them (the server's default
    // for them too, said here so that the choice shows what is listed).
    let scope = RwSignal::new(None::<Scope>);
    let shown_scope = move || {
        scope
            .get()
            .unwrap_or(if staff() { Scope::All } else { Scope::Mine })
    };

    // The support team narrows the queue further.
    let queue = QueueFilter::new();
    let query = Memo::new(move |_| {
        let mut query = TicketListQuery {
            status: status.get().into_iter().collect(),
            q: Some(search.get()).filter(|q| !q.trim().is_empty()),
            scope: (session.sees_company() || staff()).then(shown_scope),
            ..Default::default()
        };
        if staff() {
            query.company_id = queue.company.get();
            query.assignee_id = queue.assignee.get();
            query.urgency = queue.urgency.get();
            query.priority = queue.priority.get();
        }
        query
    });
    let page = LocalResource::new(move || {
        let query = query.get();
        async move {
            let page = session
                .call(|client| {
                    let query = query.clone();
                    async move { client.list_tickets(&query).await }
                })
                .await?;
            Ok::<_, crate::failure::Failure>((query, page))
        }
    });

    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.set(search_box.get_untracked());
    };

    let scope_choice = move || {
        (session.sees_company() || staff()).then(|| {
            let option = move |value: Scope, id: &'static str| {
                view! {
                    <div class="choice">
                        <input
                            type="radio"
                            id=id
                            name="scope"
                            value=value.as_str()
                            prop:checked=dynamic(move || shown_scope() == value)
                            on:change=move |_| scope.set(Some(value))
                        />
                        <label for=id>
                            {dynamic(move || {
                                let t = i18n.t();
                                match value {
                                    Scope::Company => t.scope_company,
                                    Scope::All => t.scope_all,
                                    Scope::Mine if staff() => t.scope_assigned,
                                    Scope::Mine => t.scope_mine,
                                }
                            })}
                        </label>
                    </div>
                }
            };
            view! {
                <fieldset class="scope">
                    <legend>{dynamic(move || i18n.t().scope_legend)}</legend>
                    {dynamic(move || {
                        if staff() {
                            view! { {option(Scope::All, "scope-all")} {option(Scope::Mine, "scope-mine")} }.into_any()
                        } else {
                            view! { {option(Scope::Mine, "scope-mine")} {option(Scope::Company, "scope-company")} }.into_any()
                        }
                    })}
                </fieldset>
            }
        })
    };

    let status_options = move || {
        let t = i18n.t();
        let all = view! { <option value="" selected=dynamic(move || status.get().is_none())>{t.status_all}</option> };
        let each = TicketStatus::ALL
            .iter()
            .map(|&s| {
                view! {
                    <option value=s.as_str() selected=dynamic(move || status.get() == Some(s))>
                        {t.status(s)}
                    </option>
                }
            })
            .collect_view();
        (all, each)
    };

    let results = move || {
        Suspend::new(async move {
            match page.await {
                Ok((query, page)) => view! { <TicketTable page query /> }.into_any(),
                Err(failure) => view! {
                    <div class="alert" role="alert">
                        <p>{dynamic(move || i18n.t().load_failed)} " " {dynamic(move || (failure.message())(i18n.t()))}</p>
                        <button type="button" on:click=move |_| page.refetch()>
                            {dynamic(move || i18n.t().retry)}
                        </button>
                    </div>
                }
                .into_any(),
            }
        })
    };

    view! {
        <section aria-labelledby="page-title">
            <div class="page-head">
                <h1 id="page-title">{dynamic(heading)}</h1>
                <a class="button primary" href="/tickets/new">
                    {dynamic(move || i18n.t().nav_new_ticket)}
                </a>
            </div>
            <FlashMessage />
            <form class="filters" role="search" aria-label=dynamic(move || i18n.t().filters) novalidate on:submit=on_search>
                {dynamic(scope_choice)}
                <div class="field">
                    <label for="status-filter">{dynamic(move || i18n.t().status_filter)}</label>
                    <select
                        id="status-filter"
                        on:change=move |ev| status.set(TicketStatus::parse(&event_target_value(&ev)))
                    >
                        {dynamic(status_options)}
                    </select>
                </div>
                {dynamic(move || staff().then(|| view! { <QueueFilters filter=queue /> }))}
                <div class="field grow">
                    <label for="search">{dynamic(move || i18n.t().search_label)}</label>
                    <div class="inline">
                        <input id="search" name="q" type="search" aria-describedby="search-hint" bind:value=search_box />
                        <button type="submit">{dynamic(move || i18n.t().search_submit)}</button>
                    </div>
                    <p id="search-hint" class="hint">{dynamic(move || i18n.t().search_hint)}</p>
                </div>
            </form>
            <Transition fallback=move || view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }>
                {dynamic(results)}
            </Transition>
        </section>
    }
}
