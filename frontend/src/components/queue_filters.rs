use guichet_types::{Actor, CompanyId, CompanyRef, Level, UserId};
use leptos::prelude::*;

use crate::{i18n::use_i18n, reactive::dynamic, session::expect_session};

/// The support team's narrowing of the queue: company, assignee, urgency and priority.
#[derive(Debug, Clone, Copy)]
pub struct QueueFilter {
    pub company: RwSignal<Option<CompanyId>>,
    pub assignee: RwSignal<Option<UserId>>,
    pub urgency: RwSignal<Option<Level>>,
    pub priority: RwSignal<Option<u8>>,
}

impl QueueFilter {
    pub fn new() -> Self {
        Self {
            company: RwSignal::new(None),
            assignee: RwSignal::new(None),
            urgency: RwSignal::new(None),
            priority: RwSignal::new(None),
        }
    }
}

impl Default for QueueFilter {
    fn default() -> Self {
        Self::new()
    }
}

/// The four selects of the queue's filters; companies and agents come from the API.
#[component]
pub fn QueueFilters(filter: QueueFilter) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let choices = LocalResource::new(move || async move {
        let companies = session
            .call(|client| async move { client.companies().await })
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

    let company_options = move || {
        let (companies, _): (Vec<CompanyRef>, Vec<Actor>) = loaded();
        companies
            .into_iter()
            .map(|c| {
                let id = c.id;
                view! {
                    <option value=id.0.to_string() selected=dynamic(move || filter.company.get() == Some(id))>
                        {c.name}
                    </option>
                }
            })
            .collect_view()
    };
    let assignee_options = move || {
        let (_, staff): (Vec<CompanyRef>, Vec<Actor>) = loaded();
        staff
            .into_iter()
            .map(|a| {
                let id = a.id;
                view! {
                    <option value=id.0.to_string() selected=dynamic(move || filter.assignee.get() == Some(id))>
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
                    <option value=level.as_str() selected=dynamic(move || filter.urgency.get() == Some(level))>
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
                    <option value=p.to_string() selected=dynamic(move || filter.priority.get() == Some(p))>
                        {dynamic(move || i18n.t().priority_value.replace("{n}", &p.to_string()))}
                    </option>
                }
            })
            .collect_view()
    };
    let id_of = |value: String| value.parse::<i64>().ok();

    view! {
        <div class="field">
            <label for="company-filter">{dynamic(move || i18n.t().field_company)}</label>
            <select
                id="company-filter"
                on:change=move |ev| filter.company.set(id_of(event_target_value(&ev)).map(CompanyId))
            >
                <option value="">{dynamic(all)}</option>
                {dynamic(company_options)}
            </select>
        </div>
        <div class="field">
            <label for="assignee-filter">{dynamic(move || i18n.t().field_assignee)}</label>
            <select
                id="assignee-filter"
                on:change=move |ev| filter.assignee.set(id_of(event_target_value(&ev)).map(UserId))
            >
                <option value="">{dynamic(all)}</option>
                {dynamic(assignee_options)}
            </select>
        </div>
        <div class="field">
            <label for="urgency-filter">{dynamic(move || i18n.t().urgency)}</label>
            <select
                id="urgency-filter"
                on:change=move |ev| filter.urgency.set(Level::parse(&event_target_value(&ev)))
            >
                <option value="">{dynamic(all)}</option>
                {dynamic(urgency_options)}
            </select>
        </div>
        <div class="field">
            <label for="priority-filter">{dynamic(move || i18n.t().field_priority)}</label>
            <select
                id="priority-filter"
                on:change=move |ev| filter.priority.set(event_target_value(&ev).parse().ok())
            >
                <option value="">{dynamic(all)}</option>
                {dynamic(priority_options)}
            </select>
        </div>
    }
}
