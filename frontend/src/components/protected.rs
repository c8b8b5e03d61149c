use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use crate::{
    i18n::use_i18n,
    reactive::dynamic,
    session::{expect_session, AuthState},
};

/// Who may see a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Signed in with a definitive password.
    SignedIn,
    /// Only while the password must be changed.
    PasswordChange,
}

/// Shows its children only to the users `access` allows, and sends the others where they
/// belong: the sign-in page (coming back here afterwards), or the forced password change.
#[component]
pub fn Protected(access: Access, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let location = use_location();
    move || match (session.state(), access) {
        (AuthState::Restoring, _) => {
            view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }
                .into_any()
        }
        (AuthState::SignedOut, _) => {
            let here = location.pathname.get_untracked() + &location.search.get_untracked();
            let next = String::from(js_sys::encode_uri_component(&here));
            view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
        }
        (AuthState::MustChangePassword, Access::SignedIn) => {
            view! { <Redirect path="/password" /> }.into_any()
        }
        (AuthState::SignedIn, Access::PasswordChange) => {
            view! { <Redirect path="/tickets" /> }.into_any()
        }
        _ => children().into_any(),
    }
}
