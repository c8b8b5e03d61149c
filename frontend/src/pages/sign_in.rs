use guichet_types::{is_valid_email, validation_errors, FieldError, LoginRequest};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::{components::Redirect, hooks::use_query_map};
use validator::Validate;

use crate::{
    components::{expect_flash, page_title, ErrorSummary, FieldMessage, FlashMessage},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::{expect_session, AuthState},
};

const ORDER: [&str; 2] = ["email", "password"];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "password" => t.password,
        _ => t.email,
    }
}

/// Where to go once signed in: the page that sent here, if it is one of ours, else `home`
/// (the landing page or the tickets, as the profile says). The root itself means `home`.
fn safe_next(next: Option<String>, home: &str) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            // Browsers read `/\host` as `//host`.
            && !n.starts_with("/\\")
            && !n.starts_with("/login")
            && n != "/"
    })
    .unwrap_or_else(|| home.to_owned())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let query = use_query_map();
    page_title(|t| t.sign_in_title);

    // Back from a password reset asked on this device: the address is known.
    let email = RwSignal::new(expect_flash().password_set_email().unwrap_or_default());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    // Too many attempts: how many seconds the server asks to wait.
    let retry_after = RwSignal::new(None::<u64>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        retry_after.set(None);
        let request = LoginRequest {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        let mut found = request
            .validate()
            .err()
            .map(|e| validation_errors(&e))
            .unwrap_or_default();
        // The rule of every other address field; the server only says "incorrect".
        if !request.email.is_empty() && !is_valid_email(&request.email) {
            found.push(FieldError::new(
                "email",
                "email",
                "not a valid email address",
            ));
        }
        let found = FieldErrors::new(found, |field| match field {
            "email" => request.email.is_empty(),
            _ => request.password.is_empty(),
        })
        .sorted(&ORDER);
        if let Some(first) = found.first_of(&ORDER) {
            errors.set(found);
            dom::focus_soon(first);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            // On success the session's state changes and the view below redirects.
            if let Err(failure) = session.sign_in(&request.email, &request.password).await {
                match (failure.status, failure.retry_after) {
                    (Some(429), Some(seconds)) => retry_after.set(Some(seconds)),
                    (None | Some(429) | Some(500..), _) => general.set(Some(failure.message())),
                    (Some(_), _) => general.set(Some(|t: &Texts| t.sign_in_failed)),
                }
                password.set(String::new());
                dom::focus_soon("password");
            }
            pending.set(false);
        });
    };

    let field_invalid =
        move |field: &'static str| move || errors.with(|e| e.has(field)).then_some("true");
    let form = move || {
        view! {
            <section class="narrow card">
                <h1>{dynamic(move || i18n.t().sign_in_title)}</h1>
                <p class="intro">{dynamic(move || i18n.t().sign_in_intro)}</p>
                <FlashMessage />
                <ErrorSummary errors general label />
                <div class="live" role="alert" aria-atomic="true">
                    {dynamic(move || {
                        retry_after
                            .get()
                            .map(|seconds| {
                                view! {
                                    <p class="alert" id="retry-after">
                                        {dynamic(move || i18n.t().retry_in(seconds))}
                                    </p>
                                }
                            })
                    })}
                </div>
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
                            aria-invalid=field_invalid("email")
                            aria-describedby=dynamic(move || described_by("email", false, errors.with(|e| e.has("email"))))
                        />
                        <FieldMessage id="email" field="email" errors />
                    </div>
                    <div class="field">
                        <label for="password">{dynamic(move || i18n.t().password)}</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            bind:value=password
                            aria-invalid=field_invalid("password")
                            aria-describedby=dynamic(move || {
                                described_by("password", false, errors.with(|e| e.has("password")))
                            })
                        />
                        <FieldMessage id="password" field="password" errors />
                    </div>
                    <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() { t.signing_in } else { t.sign_in_submit }
                        })}
                    </button>
                </form>
                <ul class="links">
                    <li>
                        <a href="/forgot-password">{dynamic(move || i18n.t().forgot_password_link)}</a>
                    </li>
                    <li>
                        <a href="/lost-account">{dynamic(move || i18n.t().lost_account_link)}</a>
                    </li>
                    <li>
                        <a href="/access-request">{dynamic(move || i18n.t().request_access_link)}</a>
                    </li>
                    <li>
                        <a href="/help">{dynamic(move || i18n.t().nav_help)}</a>
                    </li>
                </ul>
            </section>
        }
    };

    dynamic(move || match session.state() {
        AuthState::SignedIn => {
            let next = safe_next(query.with_untracked(|q| q.get("next")), session.home_path());
            view! { <Redirect path=next /> }.into_any()
        }
        AuthState::MustChangePassword => view! { <Redirect path="/password" /> }.into_any(),
        AuthState::Restoring => {
            view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }
                .into_any()
        }
        AuthState::SignedOut => form().into_any(),
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_our_own_pages_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/tickets/new".to_owned()), "/"),
            "/tickets/new"
        );
        assert_eq!(safe_next(Some("//evil.example/x".to_owned()), "/"), "/");
        assert_eq!(safe_next(Some("/\\evil.example".to_owned()), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example".to_owned()), "/"), "/");
        assert_eq!(safe_next(Some("/login".to_owned()), "/tickets"), "/tickets");
    }

    #[test]
    fn without_a_page_to_go_back_to_the_profile_chooses() {
        assert_eq!(safe_next(None, "/"), "/");
        assert_eq!(safe_next(None, "/tickets"), "/tickets");
        // The root is the home page, wherever the profile puts it.
        assert_eq!(safe_next(Some("/".to_owned()), "/tickets"), "/tickets");
        assert_eq!(safe_next(Some("/?q=x".to_owned()), "/tickets"), "/?q=x");
        // A page asked for still wins over the profile's choice.
        assert_eq!(
            safe_next(Some("/profile".to_owned()), "/tickets"),
            "/profile"
        );
    }
}
