mod export;
pub mod list_url;

use guichet_types::{Scope, TicketKind, TicketListQuery, TicketStatus};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use export::ExportButton;
pub use list_url::default_scope;

use crate::{
    components::{FlashMessage, QueueFilters, RequesterFilter, TicketTable},
    dom,
    i18n::{use_i18n, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// The name of a list, the same in its heading, the header's link, the tab's title and the
/// table's caption: "My tickets", "My company's tickets", "All tickets", "Tickets assigned to me".
pub fn list_name(t: &Texts, staff: bool, scope: Scope) -> &'static str {
    match scope {
        Scope::Company => t.scope_company,
        Scope::All => t.scope_all,
        Scope::Mine if staff => t.scope_assigned,
        Scope::Mine => t.scope_mine,
    }
}

/// The ticket lists: a customer's own, a referent's company's, the support team's queue (all,
/// or assigned to me), with the status and kind filters, the full-text search, the support
/// team's filters and the referent's requester filter. Everything that says what is listed
/// lives in the address (`list_url`): a change of filter is a new entry of the history, so
/// Back undoes it, and a reload or a bookmark lists the same tickets.
#[component]
pub fn TicketsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let staff = move || session.is_staff();
    let url_query = use_query_map();
    let query = Memo::new(move |_| {
        let asked = url_query.with(|q| list_url::parse(|name| q.get(name)));
        list_url::for_reader(asked, staff(), session.sees_company())
    });
    // A memo, so that what depends on the scope alone (the requester filter and its request)
    // stays when another filter changes.
    let scope = Memo::new(move |_| query.with(|q| q.scope).unwrap_or(default_scope(staff())));
    let name = move || list_name(i18n.t(), staff(), scope.get());
    Effect::new(move || {
        dom::set_document_title(&format!("{} — {}", name(), i18n.t().app_name));
    });

    // Each change is a step of the history (not a replacement): Back shows the list as it was
    // before the last change, as in a search engine, and Back from a ticket shows the list it
    // was opened from. The page keeps its scroll position, as the form stays where it is.
    let navigate = use_navigate();
    let show = Callback::new(move |next: TicketListQuery| {
        navigate(
            &list_url::href(&next),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    });
    let change = move |edit: &dyn Fn(&mut TicketListQuery)| {
        let mut next = query.get_untracked();
        edit(&mut next);
        show.run(next);
    };

    // The search box follows the address (Back, the header's link), and is sent on submit.
    let search_box = RwSignal::new(query.with_untracked(|q| q.q.clone()).unwrap_or_default());
    Effect::new(move |previous: Option<Option<String>>| {
        let now = query.with(|q| q.q.clone());
        if previous.is_some_and(|previous| previous != now) {
            search_box.set(now.clone().unwrap_or_default());
        }
        now
    });
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = search_box.get_untracked();
        change(&|q| q.q = Some(typed.clone()).filter(|t| !t.trim().is_empty()));
    };

    // The control to focus again once a new list is shown (the sort's button it replaces).
    let refocus = RwSignal::new(None::<&'static str>);
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
    // The requesters of the tickets listed now, for the requester filter.
    let listed_requesters = Signal::derive(move || {
        page.get()
            .and_then(Result::ok)
            .map(|(_, page)| page.items.into_iter().map(|t| t.requester).collect())
            .unwrap_or_default()
    });

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
                            prop:checked=dynamic(move || scope.get() == value)
                            on:change=move |_| change(&|q| {
                                q.scope = Some(value);
                                q.requester_id = None;
                            })
                        />
                        <label for=id>{dynamic(move || list_name(i18n.t(), staff(), value))}</label>
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
        let all = view! {
            <option value="" prop:selected=dynamic(move || query.with(|q| q.status.is_empty()))>{t.status_all}</option>
        };
        let each = TicketStatus::ALL
            .iter()
            .map(|&s| {
                view! {
                    <option value=s.as_str() prop:selected=dynamic(move || query.with(|q| q.status == [s]))>
                        {t.status(s)}
                    </option>
                }
            })
            .collect_view();
        (all, each)
    };
    let kind_options = move || {
        let t = i18n.t();
        let all = view! {
            <option value="" prop:selected=dynamic(move || query.with(|q| q.kind.is_none()))>{t.filter_any}</option>
        };
        let each = TicketKind::ALL
            .iter()
            .map(|&kind| {
                view! {
                    <option value=kind.as_str() prop:selected=dynamic(move || query.with(|q| q.kind == Some(kind)))>
                        {match kind {
                            TicketKind::Incident => t.kind_incident,
                            TicketKind::Request => t.kind_request,
                        }}
                    </option>
                }
            })
            .collect_view();
        (all, each)
    };

    let results = move || {
        Suspend::new(async move {
            match page.await {
                Ok((query, page)) => view! { <TicketTable page query show refocus /> }.into_any(),
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
                <h1 id="page-title">{dynamic(name)}</h1>
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
                        on:change=move |ev| {
                            let chosen = TicketStatus::parse(&event_target_value(&ev));
                            change(&|q| q.status = chosen.into_iter().collect());
                        }
                    >
                        {dynamic(status_options)}
                    </select>
                </div>
                <div class="field">
                    <label for="kind-filter">{dynamic(move || i18n.t().field_kind)}</label>
                    <select
                        id="kind-filter"
                        on:change=move |ev| {
                            let chosen = TicketKind::parse(&event_target_value(&ev));
                            change(&|q| q.kind = chosen);
                        }
                    >
                        {dynamic(kind_options)}
                    </select>
                </div>
                {dynamic(move || {
                    (scope.get() == Scope::Company)
                        .then(|| view! { <RequesterFilter query show listed=listed_requesters /> })
                })}
                {dynamic(move || staff().then(|| view! { <QueueFilters query show /> }))}
                <div class="field grow">
                    <label for="search">{dynamic(move || i18n.t().search_label)}</label>
                    <div class="inline">
                        <input id="search" name="q" type="search" aria-describedby="search-hint" bind:value=search_box />
                        <button type="submit">{dynamic(move || i18n.t().search_submit)}</button>
                    </div>
                    <p id="search-hint" class="hint">{dynamic(move || i18n.t().search_hint)}</p>
                </div>
            </form>
            <ExportButton query />
            <Transition fallback=move || view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }>
                {dynamic(results)}
            </Transition>
        </section>
    }
}
