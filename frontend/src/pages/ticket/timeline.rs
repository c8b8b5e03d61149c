use guichet_types::{AttachmentInfo, TicketEvent, TicketStatus, TimelineEntry};
use leptos::prelude::*;

use super::{
    attachments::AttachmentItem,
    history::{describe, group_messages, solution_outcome, SolutionOutcome},
    linked_text::LinkedText,
    notice::{Notice, NoticeView},
    state::expect_ticket_state,
};
use crate::{dom, i18n::use_i18n, reactive::dynamic};

/// The ticket's history, oldest first, each event as a sentence; solution proposals stand out
/// and say what became of them; a message lists the files sent with it. `decide`: the viewer is the one asked to answer a solution.
#[component]
pub fn Timeline(decide: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_ticket_state();
    // Downloads of the files listed with messages say here when they fail.
    let notice = RwSignal::new(None::<Notice>);
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
        Some(Ok(entries)) => {
            let resolved = state.ticket.with(|t| t.status == TicketStatus::Resolved);
            let shown: Vec<_> = group_messages(&entries)
                .into_iter()
                .map(|item| {
                    let outcome = solution_outcome(&entries, item.index, resolved);
                    (outcome, entries[item.index].clone(), item.files)
                })
                .collect();
            view! {
                <ol class="timeline">
                    // A proposal's mark changes when it is answered, a message's files when
                    // they arrive: the key says both.
                    <For
                        each=move || shown.clone()
                        key=|(outcome, entry, files)| (entry.id, *outcome, files.len())
                        let:item
                    >
                        <TimelineItem entry=item.1 outcome=item.0 files=item.2 decide notice />
                    </For>
                </ol>
            }
            .into_any()
        }
    }
    };
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">{dynamic(move || i18n.t().history)}</h2>
            <NoticeView notice id="history-notice" />
            {dynamic(content)}
        </section>
    }
}

#[component]
fn TimelineItem(
    entry: TimelineEntry,
    outcome: Option<SolutionOutcome>,
    files: Vec<AttachmentInfo>,
    decide: Signal<bool>,
    notice: RwSignal<Option<Notice>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let at = entry.at.to_rfc3339();
    let shown_at = at.clone();
    let staff = entry.actor.as_ref().is_some_and(|a| a.role.is_staff());
    let internal = entry.event.is_internal();
    let solution = matches!(entry.event, TicketEvent::SolutionProposed { .. });
    let mut class = format!("event event-{}", entry.event.name());
    if let Some(outcome) = outcome {
        class.push_str(match outcome {
            SolutionOutcome::Pending => " solution-pending",
            SolutionOutcome::Approved => " solution-approved",
            SolutionOutcome::Rejected => " solution-rejected",
        });
    }
    let state = expect_ticket_state();
    let line = Memo::new(move |_| {
        let requester = state.ticket.with(|t| t.requester.name.clone());
        describe(&entry, i18n.t(), &requester)
    });
    let mark = solution.then(|| {
        view! {
            <p class="solution-mark">
                <strong>{dynamic(move || i18n.t().solution_label)}</strong>
                {dynamic(move || {
                    let t = i18n.t();
                    outcome
                        .map(|outcome| match outcome {
                            SolutionOutcome::Pending if decide.get() => t.solution_state_pending_yours,
                            SolutionOutcome::Pending => t.solution_state_pending,
                            SolutionOutcome::Approved => t.solution_state_approved,
                            SolutionOutcome::Rejected => t.solution_state_rejected,
                        })
                        .map(|state| format!(" ({state})"))
                })}
            </p>
        }
    });
    view! {
        <li class=class class:internal=internal class:by-staff=staff>
            {mark}
            <p class="event-head">
                <time datetime=at>{dynamic(move || dom::format_date_time(&shown_at, i18n.t().tag))}</time>
                " "
                {internal.then(|| view! { <strong class="badge">{dynamic(move || i18n.t().internal_badge)}</strong> " " })}
                <span class="sentence">{dynamic(move || line.with(|l| l.sentence.clone()))}</span>
            </p>
            {dynamic(move || line.with(|l| l.body.clone()).map(|body| view! {
                <div class="event-body">
                    <LinkedText text=body />
                </div>
            }))}
            {(!files.is_empty()).then(|| view! {
                <ul class="files event-files" aria-label=dynamic(move || i18n.t().message_files)>
                    {files.into_iter().map(|file| view! { <AttachmentItem file notice /> }).collect_view()}
                </ul>
            })}
        </li>
    }
}
