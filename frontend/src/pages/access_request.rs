use guichet_types::{AccessRequest, EmailAddress, EMAIL_MAX_CHARS};
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    components::{FieldMessage, SendOncePage, TextField},
    forms::{described_by, SendOnce},
    i18n::{use_i18n, Texts},
    reactive::dynamic,
};

const ORDER: &[&str] = &["full_name", "email", "service_code"];

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
    let full_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let service_code = RwSignal::new(String::new());
    let form = SendOnce::new(ORDER);
    let errors = form.errors;

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed_email = email.get_untracked().trim().to_owned();
        let address = EmailAddress::parse(&typed_email);
        let request = AccessRequest {
            full_name: full_name.get_untracked().trim().to_owned(),
            email: address.clone().unwrap_or_default(),
            service_code: service_code.get_untracked().trim().to_owned(),
        };
        let unread = address.err().map(|invalid| invalid.field_error("email"));
        let valid = form.check(&request, unread, |field| match field {
            "email" => typed_email.is_empty(),
            "service_code" => request.service_code.is_empty(),
            _ => request.full_name.is_empty(),
        });
        if valid {
            form.send(move |client| async move { client.request_access(&request).await });
        }
    };

    let invalid = move || errors.with(|e| e.has("service_code"));
    view! {
        <SendOncePage
            form
            title=|t| t.access_request_title
            intro=|t| t.access_request_intro
            submit=|t| t.access_request_submit
            done=|t| t.access_request_sent
            label
            on_submit
        >
            <TextField
                field="full_name"
                label=|t| t.full_name
                value=full_name
                errors
                autocomplete="name"
                maxlength=200
            />
            <TextField
                field="email"
                label=|t| t.email
                value=email
                errors
                autocomplete="email"
                maxlength=EMAIL_MAX_CHARS
                input_type="email"
                inputmode="email"
            />
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
                    aria-invalid=dynamic(move || invalid().then_some("true"))
                    aria-describedby=dynamic(move || described_by("service_code", true, invalid()))
                />
                <FieldMessage id="service_code" field="service_code" errors />
            </div>
        </SendOncePage>
    }
}
