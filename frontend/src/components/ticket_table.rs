use guichet_types::{Scope, Ticket, TicketListQuery, TicketPage};
use leptos::prelude::*;

use super::LoadMore;
use crate::{
    dom,
    i18n::use_i18n,
    pages::{
        list_name,
        list_url::{self, default_scope, SortColumn},
    },
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// The tickets of a list, sortable by the dates' headers, with "load more" following the
/// page's `next_cursor`, or what an empty list means and what to do then. `show` lists
/// another query (another order, no filters); `refocus` names the control to focus once the
/// list is shown again (a sort's button, which the new list replaces).
#[component]
pub fn TicketTable(
    page: TicketPage,
    query: TicketListQuery,
    show: Callback<TicketListQuery>,
    refocus: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let list = Paging::of(page);
    Effect::new(move || {
        if let Some(id) = refocus.get_untracked() {
            refocus.set(None);
            dom::focus_soon(id);
        }
    });

    let staff = session.is_staff();
    let scope = query.scope.unwrap_or(default_scope(staff));
    let sort = query.sort.unwrap_or_default();
    let filtered = list_url::is_filtered(&query);

    let load_more = {
        let query = query.clone();
        move || {
            let Some(cursor) = list.next.get_untracked() else {
                return;
            };
            let query = query.clone();
            list.load(Some(cursor), |cursor| async move {
                let query = TicketListQuery { cursor, ..query };
                session
                    .call(|client| {
                        let query = query.clone();
                        async move { client.list_tickets(&query).await }
                    })
                    .await
            });
        }
    };

    // A date column's header sorts by it, newest first, then the other way.
    let sort_header = {
        let query = query.clone();
        move |column: SortColumn, id: &'static str, label: &'static str| {
            let t = i18n.t();
            let direction = column.direction(sort);
            let by_column = TicketListQuery {
                sort: Some(column.next(sort)),
                ..query.clone()
            };
            let on_click = move |_| {
                refocus.set(Some(id));
                show.run(by_column.clone());
            };
            let (mark, said) = match direction {
                Some(true) => ("▼", Some(t.list_sort_newest_first)),
                Some(false) => ("▲", Some(t.list_sort_oldest_first)),
                None => ("↕", None),
            };
            view! {
                <th
                    scope="col"
                    class="sortable"
                    aria-sort=direction.map(|newest| if newest { "descending" } else { "ascending" })
                >
                    <button type="button" id=id class="sort" on:click=on_click>
                        {label}
                        <span class="sort-mark" aria-hidden="true">{mark}</span>
                        {said.map(|said| view! { <span class="visually-hidden">{format!(", {said}")}</span> })}
                    </button>
                </th>
            }
        }
    };

    // The support team's queue also shows whose and how pressing each ticket is; a company's
    // list, who asked.
    let company = scope == Scope::Company;
    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets">
                    <caption class="visually-hidden">{list_name(t, staff, scope)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.col_number}</th>
                            <th scope="col">{t.col_title}</th>
                            <th scope="col">{t.col_status}</th>
                            {company.then(|| view! { <th scope="col">{t.field_requester}</th> })}
                            {staff.then(|| view! {
                                <th scope="col">{t.field_company}</th>
                                <th scope="col">{t.field_priority}</th>
                                <th scope="col">{t.field_assignee}</th>
                            })}
                            {sort_header(SortColumn::Created, "sort-created", t.col_created)}
                            {sort_header(SortColumn::Updated, "sort-updated", t.col_updated)}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || list.items.get()
                            key=|ticket| ticket.number.clone()
                            children=move |ticket| view! { <TicketRow ticket staff company /> }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    // Empty: nothing matches the filters (and they can go), or nothing at all yet.
    let empty = move || {
        let t = i18n.t();
        if filtered {
            let plain = list_url::cleared(&query, staff);
            let clear = move |_| {
                show.run(plain.clone());
                dom::focus_soon("status-filter");
            };
            view! {
                <div class="empty">
                    <p>{t.no_tickets}</p>
                    <button type="button" on:click=clear>{t.list_clear_filters}</button>
                </div>
            }
            .into_any()
        } else {
            let (said, may_create) = match (scope, staff) {
                (Scope::Mine, false) => (t.list_empty_mine, true),
                (Scope::Company, _) => (t.list_empty_company, true),
                (Scope::All, _) => (t.list_empty_all, false),
                (Scope::Mine, true) => (t.list_empty_assigned, false),
            };
            view! {
                <div class="empty">
                    <p>{said}</p>
                    {may_create.then(|| view! {
                        <a class="button primary" href="/tickets/new">{t.list_create_ticket}</a>
                    })}
                </div>
            }
            .into_any()
        }
    };

    view! {
        <Show when=move || list.items.with(|items| !items.is_empty()) fallback=move || dynamic(empty.clone())>
            {dynamic(table.clone())}
        </Show>
        <LoadMore next=list.next loading=list.loading failure=list.failure on_load=load_more />
    }
}

#[component]
fn TicketRow(ticket: Ticket, staff: bool, company: bool) -> impl IntoView {
    let i18n = use_i18n();
    let status = ticket.status;
    let created = ticket.created_at.to_rfc3339();
    let updated = ticket.updated_at.to_rfc3339();
    let date = move |at: String| {
        let shown = at.clone();
        view! { <time datetime=at>{dynamic(move || dom::format_date_time(&shown, i18n.t().tag))}</time> }
    };
    view! {
        <tr>
            <th scope="row" data-label=dynamic(move || i18n.t().col_number)>
                <a href=format!("/tickets/{}", ticket.number)>{ticket.number.to_string()}</a>
            </th>
            <td class="ticket-title" data-label=dynamic(move || i18n.t().col_title)>{ticket.title}</td>
            <td data-label=dynamic(move || i18n.t().col_status)>
                <span class=format!("status status-{}", status.as_str())>
                    {dynamic(move || i18n.t().status(status))}
                </span>
            </td>
            {company.then(|| view! {
                <td data-label=dynamic(move || i18n.t().field_requester)>{ticket.requester.name}</td>
            })}
            {staff.then(|| {
                let priority = ticket.priority;
                let assignee = ticket.assignee.map(|a| a.name);
                view! {
                    <td data-label=dynamic(move || i18n.t().field_company)>{ticket.company.name}</td>
                    <td data-label=dynamic(move || i18n.t().field_priority)>
                        {dynamic(move || i18n.t().priority_value.replace("{n}", &priority.to_string()))}
                    </td>
                    <td data-label=dynamic(move || i18n.t().field_assignee)>
                        {dynamic(move || {
                            assignee.clone().unwrap_or_else(|| i18n.t().list_unassigned.to_owned())
                        })}
                    </td>
                }
            })}
            <td data-label=dynamic(move || i18n.t().col_created)>{date(created)}</td>
            <td data-label=dynamic(move || i18n.t().col_updated)>{date(updated)}</td>
        </tr>
    }
}
