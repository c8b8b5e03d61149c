use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use crate::{
    i18n::use_i18n,
    pages::NotFoundPage,
    reactive::dynamic,
    session::{expect_session, AuthState},
};

/// Who may see a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Signed in with a definitive password.
    SignedIn,
    /// Signed in, whether the password must be changed (the forced change) or not (a change
    /// asked for from the profile).
    PasswordChange,
    /// The support team; others get the not-found page, as for a page that does not exist.
    Staff,
    /// Administrators; others get the not-found page.
    Admin,
}

/// What `Protected` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    Wait,
    SignIn,
    ChangePassword,
    NotFound,
    Open,
}

/// Shows its children only to the users `access` allows, and sends the others where they
/// belong: the sign-in page (coming back here afterwards), or the forced password change.
#[component]
pub fn Protected(access: Access, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let location = use_location();
    // A memo, so that the page is not built afresh when the session changes without changing
    // the outcome (the forced password change done, the profile saved).
    let gate = Memo::new(move |_| match (session.state(), access) {
        (AuthState::Restoring, _) => Gate::Wait,
        (AuthState::SignedOut, _) => Gate::SignIn,
        (AuthState::MustChangePassword, Access::SignedIn | Access::Staff | Access::Admin) => {
            Gate::ChangePassword
        }
        (AuthState::SignedIn, Access::Staff) if !session.is_staff() => Gate::NotFound,
        (AuthState::SignedIn, Access::Admin) if !session.is_admin() => Gate::NotFound,
        _ => Gate::Open,
    });
    dynamic(move || match gate.get() {
        Gate::Wait => {
            view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }
                .into_any()
        }
        Gate::SignIn => {
            let here = location.pathname.get_untracked() + &location.search.get_untracked();
            // The home page is wherever the profile says, decided after signing in.
            let path = if here == "/" {
                "/login".to_owned()
            } else {
                let next = String::from(js_sys::encode_uri_component(&here));
                format!("/login?next={next}")
            };
            view! { <Redirect path /> }.into_any()
        }
        Gate::ChangePassword => view! { <Redirect path="/password" /> }.into_any(),
        Gate::NotFound => view! { <NotFoundPage /> }.into_any(),
        Gate::Open => children().into_any(),
    })
}
