use guichet_types::{Announcement, Locale};
use leptos::prelude::*;

use super::rules::State;
use crate::{
    dom,
    i18n::{fill, use_i18n, Texts},
    reactive::dynamic,
};

/// What a row asks the page to do.
#[derive(Debug, Clone, PartialEq)]
pub enum RowAction {
    Edit(Announcement),
    /// Shows the row's confirmation.
    AskDelete(i64),
    Delete(i64),
    /// Hides the confirmation.
    KeepIt(i64),
}

/// Every announcement, each with its language, period and state, and the buttons that edit
/// or delete it. `confirming` is the one whose deletion waits for a confirmation.
#[component]
pub fn AnnouncementTable(
    items: RwSignal<Vec<Announcement>>,
    confirming: RwSignal<Option<i64>>,
    on_action: impl Fn(RowAction) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="tickets announcements-table">
                <caption class="visually-hidden">
                    {dynamic(move || i18n.t().announcements_list_title)}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{dynamic(move || i18n.t().announcement_title)}</th>
                        <th scope="col">{dynamic(move || i18n.t().col_language)}</th>
                        <th scope="col">{dynamic(move || i18n.t().col_period)}</th>
                        <th scope="col">{dynamic(move || i18n.t().col_state)}</th>
                        <th scope="col">{dynamic(move || i18n.t().col_actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {dynamic(move || {
                        let now = dom::now();
                        items
                            .get()
                            .into_iter()
                            .map(|announcement| {
                                let on_action = on_action.clone();
                                view! { <AnnouncementRow announcement now confirming on_action /> }
                            })
                            .collect_view()
                    })}
                </tbody>
            </table>
        </div>
    }
}

fn language(t: &Texts, locale: Option<Locale>) -> &'static str {
    match locale {
        None => t.locale_all,
        Some(Locale::Fr) => t.locale_fr,
        Some(Locale::En) => t.locale_en,
    }
}

fn period(t: &Texts, announcement: &Announcement) -> String {
    let start = dom::format_date_time(&announcement.starts_at.to_rfc3339(), t.tag);
    match &announcement.ends_at {
        None => fill(t.period_open, "start", &start),
        Some(ends) => fill(
            &fill(t.period_closed, "start", &start),
            "end",
            &dom::format_date_time(&ends.to_rfc3339(), t.tag),
        ),
    }
}

#[component]
fn AnnouncementRow(
    announcement: Announcement,
    now: chrono::DateTime<chrono::Utc>,
    confirming: RwSignal<Option<i64>>,
    on_action: impl Fn(RowAction) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = announcement.id;
    let state = State::of(&announcement, now);
    let locale = announcement.locale;
    let title = announcement.title.clone();
    let name = announcement.title.clone();
    let shown = announcement.clone();
    let actions = move || {
        let on_action = on_action.clone();
        let (edit, ask, delete, keep) = (
            on_action.clone(),
            on_action.clone(),
            on_action.clone(),
            on_action,
        );
        let chosen = announcement.clone();
        let (edit_name, delete_name) = (title.clone(), title.clone());
        if confirming.get() == Some(id) {
            view! {
                <div class="confirm" role="group" aria-labelledby=format!("delete-question-{id}")>
                    <p id=format!("delete-question-{id}")>{dynamic(move || i18n.t().delete_question)}</p>
                    <div class="buttons">
                        <button
                            type="button"
                            class="danger"
                            id="delete-confirm"
                            on:click=move |_| delete(RowAction::Delete(id))
                        >
                            {dynamic(move || i18n.t().delete_confirm)}
                        </button>
                        <button type="button" on:click=move |_| keep(RowAction::KeepIt(id))>
                            {dynamic(move || i18n.t().cancel)}
                        </button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="buttons">
                    <button
                        type="button"
                        id=format!("edit-{id}")
                        aria-label=move || fill(i18n.t().edit_label, "title", &edit_name)
                        on:click=move |_| edit(RowAction::Edit(chosen.clone()))
                    >
                        {dynamic(move || i18n.t().edit)}
                    </button>
                    <button
                        type="button"
                        id=format!("delete-{id}")
                        aria-label=move || fill(i18n.t().delete_label, "title", &delete_name)
                        on:click=move |_| ask(RowAction::AskDelete(id))
                    >
                        {dynamic(move || i18n.t().delete)}
                    </button>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <tr>
            <td data-label=move || i18n.t().announcement_title class="announcement-name">
                {name}
            </td>
            <td data-label=move || i18n.t().col_language>
                {dynamic(move || language(i18n.t(), locale))}
            </td>
            <td data-label=move || i18n.t().col_period>{dynamic(move || period(i18n.t(), &shown))}</td>
            <td data-label=move || i18n.t().col_state>
                <span class=state.class()>
                    {dynamic(move || {
                        let t = i18n.t();
                        match state {
                            State::Upcoming => t.state_upcoming,
                            State::Current => t.state_current,
                            State::Expired => t.state_expired,
                        }
                    })}
                </span>
            </td>
            <td data-label=move || i18n.t().col_actions>{dynamic(actions)}</td>
        </tr>
    }
}
