use guichet_types::{validation_errors, FieldError, PasswordResetConfirm};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use validator::Validate;

use crate::{
    components::{expect_flash, page_title, ErrorSummary, FieldMessage, Flash, PasswordChecklist},
    dom,
    failure::Failure,
    forms::{described_by, FieldErrors},
    i18n::{fill, use_i18n, Message, Texts},
    reactive::dynamic,
    session::anonymous_client,
};

const ORDER: [&str; 2] = ["new_password", "confirm_password"];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "confirm_password" => t.confirm_password,
        _ => t.new_password,
    }
}

/// Which mailed link opened the page: only the words differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `/reset-password#token=…`, from "mot de passe oublié".
    Reset,
    /// `/set-password#token=…`, for a new account.
    FirstPassword,
}

/// Sets a password with the token of a mailed link, then sends to the sign-in page.
#[component]
pub fn SetPasswordPage(kind: LinkKind) -> impl IntoView {
    let i18n = use_i18n();
    let flash = expect_flash();
    let navigate = use_navigate();
    let (title, intro, submit): (Message, Message, Message) = match kind {
        LinkKind::Reset => (
            |t| t.reset_password_title,
            |t| t.reset_password_intro,
            |t| t.change_password_submit,
        ),
        LinkKind::FirstPassword => (
            |t| t.set_password_title,
            |t| t.set_password_intro,
            |t| t.set_password_submit,
        ),
    };
    page_title(title);

    // Read once, then gone from the address bar and the history.
    let token = StoredValue::new(dom::take_fragment_token());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    // The server refused the token: used, expired or unknown.
    let link_dead = RwSignal::new(false);
    // The account the link is for, asked of the server before anything is typed (asking
    // does not use the link); until it answers, the form waits. Only set once, at start, so
    // that the form is not drawn again while it is used.
    let account = RwSignal::new(None::<String>);
    let checked = RwSignal::new(false);
    let dead_at_start = RwSignal::new(false);
    if let Some(token) = token.get_value() {
        spawn_local(async move {
            let inspected = match anonymous_client() {
                Ok(client) => client
                    .inspect_password_link(&token)
                    .await
                    .map_err(Failure::from),
                Err(failure) => Err(failure),
            };
            match inspected {
                Ok(found) => account.set(Some(found.email)),
                Err(failure) if failure.errors.iter().any(|e| e.field == "token") => {
                    dead_at_start.set(true);
                }
                // Unreachable server: the form still works, submitting will tell.
                Err(_) => {}
            }
            checked.set(true);
        });
    }

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
        let request = PasswordResetConfirm {
            token: token.get_value().unwrap_or_default(),
            new_password: new.get_untracked(),
        };
        let mut found: Vec<FieldError> = request
            .validate()
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.field != "token")
            .collect();
        if confirm.get_untracked() != request.new_password {
            found.push(FieldError::new(
                "confirm_password",
                "mismatch",
                "the passwords differ",
            ));
        }
        let found = FieldErrors::new(found, |_| false).sorted(&ORDER);
        if !found.is_empty() {
            show_errors(found);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match anonymous_client() {
                Ok(client) => client
                    .confirm_password_reset(&request.token, &request.new_password)
                    .await
                    .map_err(Failure::from),
                Err(failure) => Err(failure),
            };
            match result {
                Ok(()) => {
                    // The sign-in form is filled with the link's account.
                    flash.show(Flash::PasswordSet(account.get_untracked()));
                    navigate("/login", Default::default());
                }
                Err(failure) if failure.errors.iter().any(|e| e.field == "token") => {
                    general.set(Some(|t: &Texts| t.error_invalid_token));
                    link_dead.set(true);
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
    let password_input = move |id: &'static str, value: RwSignal<String>, hint: bool| {
        view! {
            <input
                id=id
                name=id
                type="password"
                autocomplete="new-password"
                required
                bind:value=value
                aria-invalid=dynamic(move || has(id)().then_some("true"))
                aria-describedby=dynamic(move || described_by(id, hint, has(id)()))
            />
        }
    };
    let ask_again = move || {
        view! {
            <p>
                <a href="/forgot-password">{dynamic(move || i18n.t().ask_new_link)}</a>
            </p>
        }
    };

    let for_account = move || {
        account.get().map(|email| {
            view! {
                <p class="for-account">
                    <strong>{dynamic(move || fill(i18n.t().password_for, "email", &email))}</strong>
                </p>
            }
        })
    };
    let form = move || {
        view! {
            {dynamic(for_account)}
            <p class="intro">{dynamic(move || intro(i18n.t()))}</p>
            <ErrorSummary errors general label />
            <Show when=move || link_dead.get()>{dynamic(ask_again)}</Show>
            <form novalidate on:submit=on_submit.clone()>
                <div class="field">
                    <label for="new_password">{dynamic(move || i18n.t().new_password)}</label>
                    {password_input("new_password", new, true)}
                    <PasswordChecklist id="new_password-hint" password=new />
                    <FieldMessage id="new_password" field="new_password" errors />
                </div>
                <div class="field">
                    <label for="confirm_password">{dynamic(move || i18n.t().confirm_password)}</label>
                    {password_input("confirm_password", confirm, false)}
                    <FieldMessage id="confirm_password" field="confirm_password" errors />
                </div>
                <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.saving } else { submit(t) }
                    })}
                </button>
            </form>
        }
    };

    view! {
        <section class="narrow card">
            <h1>{dynamic(move || title(i18n.t()))}</h1>
            {dynamic(move || match token.get_value() {
                // A dead link says so at once, before anything is typed.
                Some(_) if checked.get() && dead_at_start.get() => {
                    view! {
                        <p class="alert" role="alert">{dynamic(move || i18n.t().error_invalid_token)}</p>
                        {ask_again()}
                    }
                        .into_any()
                }
                Some(_) if checked.get() => form().into_any(),
                Some(_) => view! { <p class="loading">{dynamic(move || i18n.t().loading)}</p> }.into_any(),
                None => {
                    view! {
                        <p class="alert" role="alert">{dynamic(move || i18n.t().link_missing)}</p>
                        {ask_again()}
                    }
                        .into_any()
                }
            })}
            <p>
                <a href="/login">{dynamic(move || i18n.t().back_to_sign_in)}</a>
            </p>
        </section>
    }
}
