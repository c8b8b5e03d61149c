use guichet_types::{validation_errors, NewFollowup, TicketStatus};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use super::{
    notice::{Notice, NoticeView},
    state::expect_ticket_state,
};
use crate::{
    components::FieldMessage,
    dom,
    forms::{described_by, FieldErrors},
    i18n::use_i18n,
    reactive::dynamic,
    session::expect_session,
};

const ID: &str = "followup-body";
const RESOLVED_NOTE: &str = "followup-resolved-note";

/// A message on the ticket; agents may keep it internal.
#[component]
pub fn FollowupForm(internal_allowed: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::default());
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(false);
    // The customer is asked something: say that answering moves the ticket on.
    let awaited =
        move || !internal_allowed.get() && state.ticket.with(|t| t.status) == TicketStatus::Waiting;
    // A customer's message on a resolved ticket withdraws the solution: say it before sending.
    let cancels_solution = move || {
        !internal_allowed.get() && state.ticket.with(|t| t.status) == TicketStatus::Resolved
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let followup = NewFollowup {
            body: body.get_untracked().trim().to_owned(),
            internal: (internal_allowed.get_untracked() && internal.get_untracked())
                .then_some(true),
        };
        let found = followup
            .validate()
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default();
        let found = FieldErrors::new(found, |_| followup.body.is_empty());
        if !found.is_empty() {
            errors.set(found);
            dom::focus_soon(ID);
            return;
        }
        errors.set(FieldErrors::default());
        notice.set(None);
        pending.set(true);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let (number, followup) = (number.clone(), followup.clone());
                    async move { client.add_followup(&number, &followup).await }
                })
                .await;
            pending.set(false);
            let succeeded = result.is_ok();
            let refused = state.conclude(result, notice, |t| t.followup_done);
            if succeeded {
                body.set(String::new());
                internal.set(false);
            }
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
                dom::focus_soon(ID);
            }
        });
    };

    let invalid = move || errors.with(|e| e.has("body"));
    view! {
        <section class="panel" aria-labelledby="followup-heading">
            <h2 id="followup-heading">{dynamic(move || i18n.t().followup_heading)}</h2>
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for=ID>
                        {dynamic(move || i18n.t().followup_body)} " "
                        <span class="required">{dynamic(move || i18n.t().required_mark)}</span>
                    </label>
                    <textarea
                        id=ID
                        name="body"
                        rows="5"
                        required
                        bind:value=body
                        aria-invalid=dynamic(move || invalid().then_some("true"))
                        aria-describedby=dynamic(move || described_by(ID, awaited(), invalid()))
                    ></textarea>
                    {dynamic(move || {
                        awaited()
                            .then(|| {
                                view! { <p id=format!("{ID}-hint") class="hint">{dynamic(move || i18n.t().followup_waiting_hint)}</p> }
                            })
                    })}
                    <FieldMessage id=ID field="body" errors />
                </div>
                <Show when=move || internal_allowed.get()>
                    <div class="field choice">
                        <input id="followup-internal" name="internal" type="checkbox" bind:checked=internal />
                        <label for="followup-internal">{dynamic(move || i18n.t().followup_internal)}</label>
                    </div>
                </Show>
                <NoticeView notice id="followup-notice" />
                {dynamic(move || {
                    cancels_solution()
                        .then(|| {
                            view! {
                                <p id=RESOLVED_NOTE class="note">
                                    {dynamic(move || i18n.t().followup_resolved_note)}
                                </p>
                            }
                        })
                })}
                <button
                    type="submit"
                    class="primary"
                    disabled=dynamic(move || pending.get())
                    aria-describedby=dynamic(move || cancels_solution().then_some(RESOLVED_NOTE))
                >
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.sending } else { t.followup_submit }
                    })}
                </button>
            </form>
        </section>
    }
}
