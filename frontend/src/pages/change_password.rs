use guichet_types::{validation_errors, ChangePasswordRequest, FieldError};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use validator::Validate;

use crate::{
    components::{expect_flash, page_title, ErrorSummary, FieldMessage, Flash, PasswordChecklist},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::{expect_session, AuthState},
};

const ORDER: [&str; 3] = ["current_password", "new_password", "confirm_password"];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "current_password" => t.current_password,
        "confirm_password" => t.confirm_password,
        _ => t.new_password,
    }
}

/// The password change forced on a first sign-in with a generic password, which then leads
/// home, or the one asked for from the profile, which leads back there.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let flash = expect_flash();
    let navigate = use_navigate();
    page_title(|t| t.change_password_title);
    let forced = untrack(move || session.state()) == AuthState::MustChangePassword;

    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

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
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let mut found = request
            .validate()
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default();
        if confirm.get_untracked() != request.new_password {
            found.push(FieldError::new(
                "confirm_password",
                "mismatch",
                "the passwords differ",
            ));
        }
        // The server's rule too: a new password, not the current one again.
        if !request.current_password.is_empty() && request.new_password == request.current_password
        {
            found.push(FieldError::new(
                "new_password",
                "unchanged",
                "the new password must differ from the current one",
            ));
        }
        let found = FieldErrors::new(found, |field| {
            field == "current_password" && request.current_password.is_empty()
        });
        if !found.is_empty() {
            show_errors(found);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match session
                .change_password(&request.current_password, &request.new_password)
                .await
            {
                Ok(()) if forced => navigate(session.home_path(), Default::default()),
                Ok(()) => {
                    flash.show(Flash::PasswordChanged);
                    navigate("/profile", Default::default());
                }
                Err(failure) if !failure.errors.is_empty() => {
                    let wrong_current =
                        |e: &FieldError| e.field == "current_password" && e.code != "required";
                    let list = failure
                        .errors
                        .into_iter()
                        .map(|e| {
                            if wrong_current(&e) {
                                FieldError {
                                    code: "wrong_password".to_owned(),
                                    ..e
                                }
                            } else {
                                e
                            }
                        })
                        .collect();
                    show_errors(FieldErrors::new(list, |_| false).sorted(&ORDER));
                }
                Err(failure) if failure.is_status(403) || failure.is_status(400) => {
                    let error = FieldError::new("current_password", "wrong_password", "");
                    show_errors(FieldErrors::new(vec![error], |_| false));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
            pending.set(false);
        });
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let password_input =
        move |id: &'static str, value: RwSignal<String>, autocomplete: &'static str, hint: bool| {
            view! {
                <input
                    id=id
                    name=id
                    type="password"
                    autocomplete=autocomplete
                    required
                    bind:value=value
                    aria-invalid=dynamic(move || has(id)().then_some("true"))
                    aria-describedby=dynamic(move || described_by(id, hint, has(id)()))
                />
            }
        };

    view! {
        <section class="narrow card">
            <h1>{dynamic(move || i18n.t().change_password_title)}</h1>
            <p class="intro">
                {dynamic(move || {
                    let t = i18n.t();
                    if forced { t.change_password_intro } else { t.change_password_intro_voluntary }
                })}
            </p>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for="current_password">{dynamic(move || i18n.t().current_password)}</label>
                    {password_input("current_password", current, "current-password", false)}
                    <FieldMessage id="current_password" field="current_password" errors />
                </div>
                <div class="field">
                    <label for="new_password">{dynamic(move || i18n.t().new_password)}</label>
                    {password_input("new_password", new, "new-password", true)}
                    <PasswordChecklist id="new_password-hint" password=new />
                    <FieldMessage id="new_password" field="new_password" errors />
                </div>
                <div class="field">
                    <label for="confirm_password">{dynamic(move || i18n.t().confirm_password)}</label>
                    {password_input("confirm_password", confirm, "new-password", false)}
                    <FieldMessage id="confirm_password" field="confirm_password" errors />
                </div>
                <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.saving } else { t.change_password_submit }
                    })}
                </button>
            </form>
            {(!forced)
                .then(|| {
                    view! {
                        <p class="links">
                            <a href="/profile">{dynamic(move || i18n.t().back_to_profile)}</a>
                        </p>
                    }
                })}
        </section>
    }
}
