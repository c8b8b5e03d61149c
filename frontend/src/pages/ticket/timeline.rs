use guichet_types::TimelineEntry;
use leptos::prelude::*;

use super::{history::describe, state::expect_ticket_state};
use crate::{dom, i18n::use_i18n, reactive::dynamic};

/// The ticket's history, oldest first, each event as a sentence.
#[component]
pub fn Timeline() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_ticket_state();
    let content = move || {
        match state.timeline.get() {
        None => view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }.into_any(),
        Some(Err(failure)) => view! {
            <div class="alert" role="alert">
                <p>{dynamic(move || i18n.t().load_failed)} " " {dynamic(move || (failure.message())(i18n.t()))}</p>
                <button type="button" on:click=move |_| state.reload()>{dynamic(move || i18n.t().retry)}</button>
            </div>
        }
        .into_any(),
        Some(Ok(entries)) if entries.is_empty() => {
            view! { <p class="empty">{dynamic(move || i18n.t().history_empty)}</p> }.into_any()
        }
        Some(Ok(entries)) => view! {
            <ol class="timeline">
                <For each=move || entries.clone() key=|entry| entry.id let:entry>
                    <TimelineItem entry />
                </For>
            </ol>
        }
        .into_any(),
    }
    };
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">{dynamic(move || i18n.t().history)}</h2>
            {dynamic(content)}
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let i18n = use_i18n();
    let at = entry.at.to_rfc3339();
    let shown_at = at.clone();
    let staff = entry.actor.as_ref().is_some_and(|a| a.role.is_staff());
    let internal = entry.event == "internal_note";
    let class = format!("event event-{}", entry.event);
    let line = Memo::new(move |_| describe(&entry, i18n.t()));
    view! {
        <li class=class class:internal=internal class:by-staff=staff>
            <p class="event-head">
                <time datetime=at>{dynamic(move || dom::format_date_time(&shown_at, i18n.t().tag))}</time>
                " "
                {internal.then(|| view! { <strong class="badge">{dynamic(move || i18n.t().internal_badge)}</strong> " " })}
                <span class="sentence">{dynamic(move || line.with(|l| l.sentence.clone()))}</span>
            </p>
            {dynamic(move || line.with(|l| l.body.clone()).map(|body| view! { <div class="event-body">{body}</div> }))}
        </li>
    }
}
