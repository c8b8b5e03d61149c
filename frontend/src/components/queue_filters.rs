use guichet_types::{Actor, Company, CompanyId, Level, PersonRef, Scope, TicketListQuery, UserId};
use leptos::prelude::*;

use crate::{dom, i18n::use_i18n, reactive::dynamic, session::expect_session};

fn id_of(value: &str) -> Option<i64> {
    value.parse().ok()
}

/// The support team's narrowing of the queue: company, assignee, urgency and priority, read
/// from the list's query and changed by showing another one. On a phone they fold behind a
/// "Filters" button, so that the list is not four screens down; at desktop widths they start
/// open.
#[component]
pub fn QueueFilters(
    query: Memo<TicketListQuery>,
    show: Callback<TicketListQuery>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let open = RwSignal::new(!dom::is_narrow_screen());
    let choices = LocalResource::new(move || async move {
        let companies = session
            .call(|client| async move { client.all_companies().await })
            .await
            .unwrap_or_default();
        let staff = session
            .call(|client| async move { client.staff().await })
            .await
            .unwrap_or_default();
        (companies, staff)
    });
    let loaded = move || choices.get().unwrap_or_default();
    let all = move || i18n.t().filter_any;
    let change = move |edit: &dyn Fn(&mut TicketListQuery)| {
        let mut next = query.get_untracked();
        edit(&mut next);
        show.run(next);
    };

    let company_options = move || {
        let (companies, _): (Vec<Company>, Vec<Actor>) = loaded();
        companies
            .into_iter()
            .map(|c| {
                let id = c.id;
                view! {
                    <option value=id.0.to_string() prop:selected=dynamic(move || query.with(|q| q.company_id == Some(id)))>
                        {c.name}
                    </option>
                }
            })
            .collect_view()
    };
    let assignee_options = move || {
        let (_, staff): (Vec<Company>, Vec<Actor>) = loaded();
        staff
            .into_iter()
            .map(|a| {
                let id = a.id;
                view! {
                    <option value=id.0.to_string() prop:selected=dynamic(move || query.with(|q| q.assignee_id == Some(id)))>
                        {a.name}
                    </option>
                }
            })
            .collect_view()
    };
    let urgency_options = move || {
        Level::ALL
            .iter()
            .map(|&level| {
                view! {
                    <option value=level.as_str() prop:selected=dynamic(move || query.with(|q| q.urgency == Some(level)))>
                        {dynamic(move || i18n.t().level(level))}
                    </option>
                }
            })
            .collect_view()
    };
    let priority_options = move || {
        (1u8..=5)
            .map(|p| {
                view! {
                    <option value=p.to_string() prop:selected=dynamic(move || query.with(|q| q.priority == Some(p)))>
                        {dynamic(move || i18n.t().priority_value.replace("{n}", &p.to_string()))}
                    </option>
                }
            })
            .collect_view()
    };
    let any_selected = move |none: fn(&TicketListQuery) -> bool| {
        view! { <option value="" prop:selected=dynamic(move || query.with(none))>{dynamic(all)}</option> }
    };

    view! {
        <div class="queue-filters">
            <button
                type="button"
                class="filters-toggle"
                aria-expanded=dynamic(move || if open.get() { "true" } else { "false" })
                aria-controls="queue-filter-fields"
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {dynamic(move || i18n.t().filters)}
                <span class="sort-mark" aria-hidden="true">{dynamic(move || if open.get() { "▴" } else { "▾" })}</span>
            </button>
            <div id="queue-filter-fields" class="queue-filter-fields" hidden=dynamic(move || !open.get())>
                <div class="field">
                    <label for="company-filter">{dynamic(move || i18n.t().field_company)}</label>
                    <select
                        id="company-filter"
                        on:change=move |ev| {
                            let chosen = id_of(&event_target_value(&ev)).map(CompanyId);
                            change(&|q| q.company_id = chosen);
                        }
                    >
                        {any_selected(|q| q.company_id.is_none())}
                        {dynamic(company_options)}
                    </select>
                </div>
                <div class="field">
                    <label for="assignee-filter">{dynamic(move || i18n.t().field_assignee)}</label>
                    <select
                        id="assignee-filter"
                        on:change=move |ev| {
                            let chosen = id_of(&event_target_value(&ev)).map(UserId);
                            change(&|q| q.assignee_id = chosen);
                        }
                    >
                        {any_selected(|q| q.assignee_id.is_none())}
                        {dynamic(assignee_options)}
                    </select>
                </div>
                <div class="field">
                    <label for="urgency-filter">{dynamic(move || i18n.t().urgency)}</label>
                    <select
                        id="urgency-filter"
                        on:change=move |ev| {
                            let chosen = Level::parse(&event_target_value(&ev));
                            change(&|q| q.urgency = chosen);
                        }
                    >
                        {any_selected(|q| q.urgency.is_none())}
                        {dynamic(urgency_options)}
                    </select>
                </div>
                <div class="field">
                    <label for="priority-filter">{dynamic(move || i18n.t().field_priority)}</label>
                    <select
                        id="priority-filter"
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev).parse().ok();
                            change(&|q| q.priority = chosen);
                        }
                    >
                        {any_selected(|q| q.priority.is_none())}
                        {dynamic(priority_options)}
                    </select>
                </div>
            </div>
        </div>
    }
}

/// The requesters to offer, each once, by name.
fn distinct_requesters(people: impl IntoIterator<Item = PersonRef>) -> Vec<PersonRef> {
    let mut people: Vec<PersonRef> = people.into_iter().collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
    people.dedup_by_key(|p| p.id);
    people
}

/// A referent's narrowing of the company's tickets to one requester. The API has no list of a
/// company's people for referents: the choices are the requesters of the company's latest
/// tickets (one page of the most the API gives) and of the tickets listed now.
#[component]
pub fn RequesterFilter(
    query: Memo<TicketListQuery>,
    show: Callback<TicketListQuery>,
    listed: Signal<Vec<PersonRef>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let latest = LocalResource::new(move || async move {
        let company = TicketListQuery {
            scope: Some(Scope::Company),
            limit: Some(guichet_types::LIST_LIMIT_MAX),
            ..Default::default()
        };
        session
            .call(|client| {
                let company = company.clone();
                async move { client.list_tickets(&company).await }
            })
            .await
            .map(|page| {
                page.items
                    .into_iter()
                    .map(|t| t.requester)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let options = move || {
        let people = distinct_requesters(
            latest
                .get()
                .unwrap_or_default()
                .into_iter()
                .chain(listed.get()),
        );
        // One chosen in a bookmark whose tickets are not among these: named by its number.
        let chosen = query.with(|q| q.requester_id);
        let unknown = chosen
            .filter(|id| !people.iter().any(|p| p.id == *id))
            .map(|id| {
                view! { <option value=id.0.to_string() selected>{format!("#{}", id.0)}</option> }
            });
        let known = people
            .into_iter()
            .map(|person| {
                let id = person.id;
                view! {
                    <option value=id.0.to_string() prop:selected=dynamic(move || query.with(|q| q.requester_id == Some(id)))>
                        {person.name}
                    </option>
                }
            })
            .collect_view();
        (unknown, known)
    };

    view! {
        <div class="field">
            <label for="requester-filter">{dynamic(move || i18n.t().field_requester)}</label>
            <select
                id="requester-filter"
                on:change=move |ev| {
                    let mut next = query.get_untracked();
                    next.requester_id = id_of(&event_target_value(&ev)).map(UserId);
                    show.run(next);
                }
            >
                <option value="" prop:selected=dynamic(move || query.with(|q| q.requester_id.is_none()))>
                    {dynamic(move || i18n.t().filter_any)}
                </option>
                {dynamic(options)}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, name: &str) -> PersonRef {
        PersonRef {
            id: UserId(id),
            name: name.into(),
            email: format!("{id}@acme.test"),
        }
    }

    #[test]
    fn each_requester_is_offered_once_by_name() {
        let offered = distinct_requesters([
            person(3, "Rémi Durand"),
            person(2, "Claire Martin"),
            person(3, "Rémi Durand"),
            person(2, "Claire Martin"),
        ]);
        assert_eq!(
            offered,
            vec![person(2, "Claire Martin"), person(3, "Rémi Durand")]
        );
    }
}
