use guichet_types::{
    AccountRecoveryRequest, EmailAddress, EMAIL_MAX_CHARS, PHONE_MAX_CHARS,
    RECOVERY_MESSAGE_MAX_CHARS,
};
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    components::{FieldMessage, SendOncePage, TextField},
    forms::{described_by, SendOnce},
    i18n::{use_i18n, Texts},
    reactive::dynamic,
};

const ORDER: &[&str] = &["full_name", "company_name", "email", "phone", "message"];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "full_name" => t.full_name,
        "company_name" => t.company_name,
        "phone" => t.phone_optional,
        "message" => t.lost_account_message,
        _ => t.contact_email,
    }
}

/// "Au secours, j'ai perdu mon compte support !" (seed 001): someone who can no longer sign
/// in at all leaves their details; the support team gets a ticket and contacts them.
#[component]
pub fn LostAccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let full_name = RwSignal::new(String::new());
    let company_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let form = SendOnce::new(ORDER).when_throttled(|t| t.lost_account_throttled);
    let errors = form.errors;

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let trimmed = |value: RwSignal<String>| value.get_untracked().trim().to_owned();
        let typed_email = trimmed(email);
        let address = EmailAddress::parse(&typed_email);
        let request = AccountRecoveryRequest {
            full_name: trimmed(full_name),
            company_name: trimmed(company_name),
            email: address.clone().unwrap_or_default(),
            phone: Some(trimmed(phone)).filter(|p| !p.is_empty()),
            message: trimmed(message),
        };
        let unread = address.err().map(|invalid| invalid.field_error("email"));
        let valid = form.check(&request, unread, |field| match field {
            "full_name" => request.full_name.is_empty(),
            "company_name" => request.company_name.is_empty(),
            "email" => typed_email.is_empty(),
            "message" => request.message.is_empty(),
            _ => false,
        });
        if valid {
            form.send(move |client| async move { client.request_account_recovery(&request).await });
        }
    };

    let message_invalid = move || errors.with(|e| e.has("message"));
    view! {
        <SendOncePage
            form
            title=|t| t.lost_account_title
            intro=|t| t.lost_account_intro
            submit=|t| t.lost_account_submit
            done=|t| t.lost_account_sent
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
                field="company_name"
                label=|t| t.company_name
                value=company_name
                errors
                autocomplete="organization"
                maxlength=200
            />
            <TextField
                field="email"
                label=|t| t.contact_email
                value=email
                errors
                autocomplete="email"
                maxlength=EMAIL_MAX_CHARS
                input_type="email"
                inputmode="email"
            />
            <TextField
                field="phone"
                label=|t| t.phone_optional
                value=phone
                errors
                autocomplete="tel"
                maxlength=PHONE_MAX_CHARS
                input_type="tel"
                hint=|t| t.phone_hint
                required=false
            />
            <div class="field">
                <label for="message">{dynamic(move || i18n.t().lost_account_message)}</label>
                <p class="hint" id="message-hint">{dynamic(move || i18n.t().lost_account_message_hint)}</p>
                <textarea
                    id="message"
                    name="message"
                    rows="6"
                    maxlength=RECOVERY_MESSAGE_MAX_CHARS.to_string()
                    required
                    bind:value=message
                    aria-invalid=dynamic(move || message_invalid().then_some("true"))
                    aria-describedby=dynamic(move || described_by("message", true, message_invalid()))
                ></textarea>
                <FieldMessage id="message" field="message" errors />
            </div>
        </SendOncePage>
    }
}
