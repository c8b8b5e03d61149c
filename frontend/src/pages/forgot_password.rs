use guichet_types::{EmailAddress, PasswordResetRequest, EMAIL_MAX_CHARS};
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    components::{SendOncePage, TextField},
    forms::SendOnce,
    i18n::Texts,
};

fn label(t: &Texts, _field: &str) -> &'static str {
    t.email
}

/// "Mot de passe oublié": asks for a reset link. The answer is the same whatever the
/// address, so the page always says the same thing.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = SendOnce::new(&["email"]);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = email.get_untracked().trim().to_owned();
        let address = EmailAddress::parse(&typed);
        let request = PasswordResetRequest {
            email: address.clone().unwrap_or_default(),
        };
        let unread = address.err().map(|invalid| invalid.field_error("email"));
        if form.check(&request, unread, |_| typed.is_empty()) {
            form.send(
                move |client| async move { client.request_password_reset(&request.email).await },
            );
        }
    };

    view! {
        <SendOncePage
            form
            title=|t| t.forgot_password_title
            intro=|t| t.forgot_password_intro
            submit=|t| t.forgot_password_submit
            done=|t| t.forgot_password_sent
            label
            on_submit
        >
            <TextField
                field="email"
                label=|t| t.email
                value=email
                errors=form.errors
                autocomplete="username"
                maxlength=EMAIL_MAX_CHARS
                input_type="email"
                inputmode="email"
            />
        </SendOncePage>
    }
}
