use guichet_types::{validation_errors, FieldError, PasswordResetRequest};
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

fn label(t: &Texts, _field: &str) -> &'static str {
    t.email
}

/// "Mot de passe oublié": asks for a reset link. The answer is the same whatever the
/// address, so the page always says the same thing.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(|t| t.forgot_password_title);

    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let sent = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let request = PasswordResetRequest {
            email: email.get_untracked().trim().to_owned(),
        };
        let found = if request.email.is_empty() {
            vec![FieldError::new("email", "required", "")]
        } else {
            request
                .validate()
                .err()
                .map(|e| validation_errors(&e))
                .unwrap_or_default()
        };
        let found = FieldErrors::new(found, |_| false);
        if !found.is_empty() {
            errors.set(found);
            dom::focus_soon("email");
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            let result = match anonymous_client() {
                Ok(client) => client
                    .request_password_reset(&request.email)
                    .await
                    .map_err(Failure::from),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(()) => {
                    sent.set(true);
                    dom::focus_soon("sent");
                }
                Err(failure) if !failure.errors.is_empty() => {
                    errors.set(FieldErrors::new(failure.errors, |_| false));
                    dom::focus_soon("email");
                }
                Err(failure) => general.set(Some(failure.message())),
            }
            pending.set(false);
        });
    };

    let invalid = move || errors.with(|e| e.has("email"));
    view! {
        <section class="narrow card">
            <h1>{dynamic(move || i18n.t().forgot_password_title)}</h1>
            <div role="status">
                <Show when=move || sent.get()>
                    <p class="flash" id="sent" tabindex="-1">{dynamic(move || i18n.t().forgot_password_sent)}</p>
                </Show>
            </div>
            <Show when=move || !sent.get()>
                <p class="intro">{dynamic(move || i18n.t().forgot_password_intro)}</p>
                <ErrorSummary errors general label />
                <form novalidate on:submit=on_submit>
                    <div class="field">
                        <label for="email">{dynamic(move || i18n.t().email)}</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            inputmode="email"
                            required
                            bind:value=email
                            aria-invalid=move || invalid().then_some("true")
                            aria-describedby=move || described_by("email", false, invalid())
                        />
                        <FieldMessage id="email" field="email" errors />
                    </div>
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() { t.sending } else { t.forgot_password_submit }
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
