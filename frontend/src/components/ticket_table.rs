use guichet_types::{Ticket, TicketListQuery, TicketPage};
use leptos::{prelude::*, task::spawn_local};

use super::LoadMore;
use crate::{dom, failure::Failure, i18n::use_i18n, reactive::dynamic, session::expect_session};

/// The tickets of a list, with "load more" following the page's `next_cursor`.
#[component]
pub fn TicketTable(page: TicketPage, query: TicketListQuery) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let items = RwSignal::new(page.items);
    let next = RwSignal::new(page.next_cursor);
    let loading = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);

    let load_more = move || {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let query = TicketListQuery {
            cursor: Some(cursor),
            ..query.clone()
        };
        loading.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let query = query.clone();
                    async move { client.list_tickets(&query).await }
                })
                .await;
            match result {
                Ok(page) => {
                    items.update(|items| items.extend(page.items));
                    next.set(page.next_cursor);
                }
                Err(error) => failure.set(Some(error)),
            }
            loading.set(false);
        });
    };

    // The support team's queue also shows whose and how pressing each ticket is.
    let staff = session.is_staff();
    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets">
                    <caption class="visually-hidden">{t.tickets_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.col_number}</th>
                            <th scope="col">{t.col_title}</th>
                            <th scope="col">{t.col_status}</th>
                            {staff.then(|| view! {
                                <th scope="col">{t.field_company}</th>
                                <th scope="col">{t.field_priority}</th>
                                <th scope="col">{t.field_assignee}</th>
                            })}
                            <th scope="col">{t.col_created}</th>
                            <th scope="col">{t.col_updated}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || items.get()
                            key=|ticket| ticket.number.clone()
                            children=move |ticket| view! { <TicketRow ticket staff /> }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <Show
            when=move || items.with(|items| !items.is_empty())
            fallback=move || view! { <p class="empty">{dynamic(move || i18n.t().no_tickets)}</p> }
        >
            {dynamic(table)}
        </Show>
        <LoadMore next loading failure on_load=load_more />
    }
}

#[component]
fn TicketRow(ticket: Ticket, staff: bool) -> impl IntoView {
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
            <td data-label=dynamic(move || i18n.t().col_title)>{ticket.title}</td>
            <td data-label=dynamic(move || i18n.t().col_status)>
                <span class=format!("status status-{}", status.as_str())>
                    {dynamic(move || i18n.t().status(status))}
                </span>
            </td>
            {staff.then(|| {
                let priority = ticket.priority;
                let assignee = ticket.assignee.map(|a| a.name).unwrap_or_default();
                view! {
                    <td data-label=dynamic(move || i18n.t().field_company)>{ticket.company.name}</td>
                    <td data-label=dynamic(move || i18n.t().field_priority)>
                        {dynamic(move || i18n.t().priority_value.replace("{n}", &priority.to_string()))}
                    </td>
                    <td data-label=dynamic(move || i18n.t().field_assignee)>{assignee}</td>
                }
            })}
            <td data-label=dynamic(move || i18n.t().col_created)>{date(created)}</td>
            <td data-label=dynamic(move || i18n.t().col_updated)>{date(updated)}</td>
        </tr>
    }
}
