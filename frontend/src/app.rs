//! The root component: contexts, header and the route table.
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    components::{provide_flash, Access, Header, Protected},
    i18n::provide_i18n,
    pages::{
        AccessRequestPage, AnnouncementsPage, ChangePasswordPage, ForgotPasswordPage, LandingPage,
        LinkKind, LostAccountPage, NewTicketPage, NotFoundPage, ProfilePage, RejectedMailsPage,
        SetPasswordPage, SignInPage, TicketPage, TicketsPage,
    },
    session::provide_session,
};

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    provide_session(i18n);
    provide_flash();

    view! {
        <Router>
            <Header />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route
                        path=path!("/")
                        view=|| view! { <Protected access=Access::SignedIn><LandingPage /></Protected> }
                    />
                    <Route path=path!("/login") view=SignInPage />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                    <Route
                        path=path!("/reset-password")
                        view=|| view! { <SetPasswordPage kind=LinkKind::Reset /> }
                    />
                    <Route
                        path=path!("/set-password")
                        view=|| view! { <SetPasswordPage kind=LinkKind::FirstPassword /> }
                    />
                    <Route path=path!("/access-request") view=AccessRequestPage />
                    <Route path=path!("/lost-account") view=LostAccountPage />
                    <Route
                        path=path!("/password")
                        view=|| view! { <Protected access=Access::PasswordChange><ChangePasswordPage /></Protected> }
                    />
                    <Route
                        path=path!("/profile")
                        view=|| view! { <Protected access=Access::SignedIn><ProfilePage /></Protected> }
                    />
                    <Route
                        path=path!("/tickets")
                        view=|| view! { <Protected access=Access::SignedIn><TicketsPage /></Protected> }
                    />
                    <Route
                        path=path!("/tickets/new")
                        view=|| view! { <Protected access=Access::SignedIn><NewTicketPage /></Protected> }
                    />
                    <Route
                        path=path!("/rejected-mails")
                        view=|| view! { <Protected access=Access::Staff><RejectedMailsPage /></Protected> }
                    />
                    <Route
                        path=path!("/admin/announcements")
                        view=|| view! { <Protected access=Access::Admin><AnnouncementsPage /></Protected> }
                    />
                    // After `/tickets/new`: the first route that matches wins.
                    <Route
                        path=path!("/tickets/:number")
                        view=|| view! { <Protected access=Access::SignedIn><TicketPage /></Protected> }
                    />
                </Routes>
            </main>
        </Router>
    }
}
