use guichet_types::{validation_errors, FieldError, ShareRequest};
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
    i18n::{fill, use_i18n},
    reactive::dynamic,
    session::expect_session,
};

const ID: &str = "share-email";

/// The addresses the ticket is shared with, and sharing it with one more.
#[component]
pub fn Sharing() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let request = ShareRequest {
            email: email.get_untracked().trim().to_owned(),
        };
        let found = if request.email.is_empty() {
            vec![FieldError::new(
                "email",
                "required",
                "an address is required",
            )]
        } else {
            request
                .validate()
                .err()
                .map(|e| validation_errors(&e))
                .unwrap_or_default()
        };
        if !found.is_empty() {
            errors.set(FieldErrors::new(found, |_| false));
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
                    let (number, address) = (number.clone(), request.email.clone());
                    async move { client.share(&number, &address).await }
                })
                .await;
            pending.set(false);
            let succeeded = result.is_ok();
            let refused = state.conclude(result, notice, |t| t.share_done);
            if succeeded {
                email.set(String::new());
            }
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
                dom::focus_soon(ID);
            }
        });
    };

    let unshare = move |address: String| {
        notice.set(None);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let (number, address) = (number.clone(), address.clone());
                    async move { client.unshare(&number, &address).await }
                })
                .await;
            state.conclude(result, notice, |t| t.unshare_done);
            // The button is gone with the address: keep the keyboard near.
            dom::focus_soon("sharing-notice");
        });
    };

    let watchers = move || {
        let list = state.ticket.with(|t| t.watchers.clone());
        if list.is_empty() {
            return view! { <p class="muted">{dynamic(move || i18n.t().nobody)}</p> }.into_any();
        }
        let items = list
            .into_iter()
            .map(|address| {
                let label = address.clone();
                let removed = address.clone();
                view! {
                    <li>
                        <span>{address}</span>
                        " "
                        <button
                            type="button"
                            class="link"
                            aria-label=dynamic(move || fill(i18n.t().unshare_label, "email", &label))
                            on:click=move |_| unshare(removed.clone())
                        >
                            {dynamic(move || i18n.t().unshare)}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="watchers">{items}</ul> }.into_any()
    };

    let invalid = move || errors.with(|e| e.has("email"));
    view! {
        <section class="panel" aria-labelledby="sharing-heading">
            <h2 id="sharing-heading">{dynamic(move || i18n.t().share_heading)}</h2>
            {dynamic(watchers)}
            <NoticeView notice id="sharing-notice" />
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for=ID>{dynamic(move || i18n.t().share_email)}</label>
                    <input
                        id=ID
                        name="email"
                        type="email"
                        inputmode="email"
                        autocomplete="off"
                        bind:value=email
                        aria-invalid=dynamic(move || invalid().then_some("true"))
                        aria-describedby=dynamic(move || described_by(ID, true, invalid()))
                    />
                    <p id=format!("{ID}-hint") class="hint">{dynamic(move || i18n.t().share_hint)}</p>
                    <FieldMessage id=ID field="email" errors />
                </div>
                <button type="submit" disabled=dynamic(move || pending.get())>
                    {dynamic(move || i18n.t().share_submit)}
                </button>
            </form>
        </section>
    }
}
