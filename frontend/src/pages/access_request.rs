use guichet_types::{validation_errors, AccessRequest};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use crate::{
    components::{page_title, ErrorSummary, FieldMessage},
    dom,
    failure::Failure,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::anonymous_client,
};

const ORDER: [&str; 3] = ["full_name", "email", "service_code"];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "full_name" => t.full_name,
        "service_code" => t.service_code,
        _ => t.email,
    }
}

/// An access request by service code (seed 000). The answer is the same whatever happens,
/// so the page always says the same thing.
#[component]
pub fn AccessRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(|t| t.access_request_title);

    let full_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let service_code = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let sent = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ORDER);
        errors.set(found);
        if let Some(first) = first {
            dom::focus_soon(first);
        }
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let request = AccessRequest {
            full_name: full_name.get_untracked().trim().to_owned(),
            email: email.get_untracked().trim().to_owned(),
            service_code: service_code.get_untracked().trim().to_owned(),
        };
        let mut found = request
            .validate()
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default();
        // An empty field reads better as "required" than as badly formed.
        for error in &mut found {
            let empty = match error.field.as_str() {
                "email" => request.email.is_empty(),
                "service_code" => request.service_code.is_empty(),
                _ => request.full_name.is_empty(),
            };
            if empty {
                error.code = "required".to_owned();
            }
        }
        let found = FieldErrors::new(found, |_| false).sorted(&ORDER);
        if !found.is_empty() {
            show_errors(found);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            let result = match anonymous_client() {
                Ok(client) => client.request_access(&request).await.map_err(Failure::from),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(()) => {
                    sent.set(true);
                    dom::focus_soon("sent");
                }
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(FieldErrors::new(failure.errors, |_| false).sorted(&ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
            pending.set(false);
        });
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    view! {
        <section class="narrow card">
            <h1>{dynamic(move || i18n.t().access_request_title)}</h1>
            <div role="status">
                <Show when=move || sent.get()>
                    <p class="flash" id="sent" tabindex="-1">{dynamic(move || i18n.t().access_request_sent)}</p>
                </Show>
            </div>
            <Show when=move || !sent.get()>
                <p class="intro">{dynamic(move || i18n.t().access_request_intro)}</p>
                <ErrorSummary errors general label />
                <form novalidate on:submit=on_submit>
                    <div class="field">
                        <label for="full_name">{dynamic(move || i18n.t().full_name)}</label>
                        <input
                            id="full_name"
                            name="full_name"
                            type="text"
                            autocomplete="name"
                            maxlength="200"
                            required
                            bind:value=full_name
                            aria-invalid=move || has("full_name")().then_some("true")
                            aria-describedby=move || described_by("full_name", false, has("full_name")())
                        />
                        <FieldMessage id="full_name" field="full_name" errors />
                    </div>
                    <div class="field">
                        <label for="email">{dynamic(move || i18n.t().email)}</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="email"
                            inputmode="email"
                            required
                            bind:value=email
                            aria-invalid=move || has("email")().then_some("true")
                            aria-describedby=move || described_by("email", false, has("email")())
                        />
                        <FieldMessage id="email" field="email" errors />
                    </div>
                    <div class="field">
                        <label for="service_code">{dynamic(move || i18n.t().service_code)}</label>
                        <p class="hint" id="service_code-hint">{dynamic(move || i18n.t().service_code_hint)}</p>
                        <input
                            id="service_code"
                            name="service_code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="off"
                            maxlength="4"
                            pattern="[0-9]{4}"
                            required
                            bind:value=service_code
                            aria-invalid=move || has("service_code")().then_some("true")
                            aria-describedby=move || described_by("service_code", true, has("service_code")())
                        />
                        <FieldMessage id="service_code" field="service_code" errors />
                    </div>
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() { t.sending } else { t.access_request_submit }
                        })}
                    </button>
                </form>
            </Show>
            <p>
                <a href="/login">{dynamic(move || i18n.t().back_to_sign_in)}</a>
            </p>
        </section>
    }
}
