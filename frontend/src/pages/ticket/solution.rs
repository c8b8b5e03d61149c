//! "Une solution vous est proposée": the pending solution itself, then approve or reject it.
use guichet_types::TicketStatus;
use leptos::prelude::*;

use super::{
    history::pending_solution,
    linked_text::LinkedText,
    state::expect_ticket_state,
    text_action::{TextAction, TextActionForm},
};
use crate::{
    dom,
    i18n::{fill, use_i18n},
    reactive::dynamic,
};

/// The box's id: the solution mail links to `/tickets/{number}#solution`.
const SOLUTION_ID: &str = "solution";

/// The pending solution, as the history shows it.
#[derive(Clone, PartialEq)]
struct Proposal {
    by: String,
    at: String,
    body: String,
}

#[component]
pub fn DecideBox() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_ticket_state();
    let proposal = Memo::new(move |_| {
        let resolved = state.ticket.with(|t| t.status == TicketStatus::Resolved);
        state.timeline.with(|loaded| match loaded {
            None => None,
            Some(Err(_)) => Some(None),
            Some(Ok(entries)) => Some(pending_solution(entries, resolved).map(|(entry, body)| {
                Proposal {
                    by: entry
                        .actor
                        .as_ref()
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                    at: entry.at.to_rfc3339(),
                    body: body.to_owned(),
                }
            })),
        })
    });

    // Opened from the mail's link: once the solution is shown, take the reader there.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let shown = proposal.with(Option::is_some);
        if shown && dom::location_hash() == format!("#{SOLUTION_ID}") {
            // The box may come a few frames after its proposal (a busy first visit).
            dom::focus_when_shown(SOLUTION_ID);
        }
        shown
    });

    let content = move || {
        match proposal.get() {
        None => view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }.into_any(),
        Some(None) => view! { <p class="muted">{dynamic(move || i18n.t().solution_loading_failed)}</p> }.into_any(),
        Some(Some(Proposal { by, at, body })) => view! {
            <p class="solution-by">
                {dynamic(move || {
                    let t = i18n.t();
                    fill(&fill(t.solution_pending_by, "actor", &by), "date", &dom::format_date_time(&at, t.tag))
                })}
            </p>
            <div class="prose solution-text">
                <LinkedText text=body />
            </div>
        }
        .into_any(),
    }
    };

    view! {
        <section class="panel decide" id=SOLUTION_ID tabindex="-1" aria-labelledby="decide-heading">
            <h2 id="decide-heading">{dynamic(move || i18n.t().solution_heading)}</h2>
            {dynamic(content)}
            <p class="intro">{dynamic(move || i18n.t().solution_intro)}</p>
            <div class="decide-forms">
                <TextActionForm action=TextAction::Approve />
                <TextActionForm action=TextAction::Reject />
            </div>
        </section>
    }
}
