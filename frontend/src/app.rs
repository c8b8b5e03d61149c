//! The root component: contexts, header and the route table.
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    assisted::AssistedBanner,
    avoided::AvoidedTickets,
    components::{provide_flash, Access, Header, Protected},
    i18n::provide_i18n,
    lazy_pages::{Deferred, Screen},
    pages::{LandingPage, NotFoundPage, SignInPage},
    session::provide_session,
};

#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n();
    provide_session(i18n);
    provide_flash();

    view! {
        <Router>
            <AvoidedTickets />
            <Header />
            <main id="main" tabindex="-1">
                <AssistedBanner />
                <Routes fallback=NotFoundPage>
                    <Route
                        path=path!("/")
                        view=|| view! { <Protected access=Access::SignedIn><LandingPage /></Protected> }
                    />
                    <Route path=path!("/login") view=SignInPage />
                    <Route path=path!("/forgot-password") view=|| view! { <Deferred screen=Screen::ForgotPassword /> } />
                    <Route
                        path=path!("/reset-password")
                        view=|| view! { <Deferred screen=Screen::ResetPassword /> }
                    />
                    <Route
                        path=path!("/set-password")
                        view=|| view! { <Deferred screen=Screen::FirstPassword /> }
                    />
                    <Route path=path!("/access-request") view=|| view! { <Deferred screen=Screen::AccessRequest /> } />
                    <Route path=path!("/lost-account") view=|| view! { <Deferred screen=Screen::LostAccount /> } />
                    // The help centre works signed out (public articles).
                    <Route path=path!("/help/:slug?") view=|| view! { <Deferred screen=Screen::Help /> } />
                    <Route
                        path=path!("/provider")
                        view=|| view! { <Protected access=Access::SignedIn><Deferred screen=Screen::Provider /></Protected> }
                    />
                    <Route
                        path=path!("/password")
                        view=|| view! { <Protected access=Access::PasswordChange><Deferred screen=Screen::ChangePassword /></Protected> }
                    />
                    <Route
                        path=path!("/profile")
                        view=|| view! { <Protected access=Access::SignedIn><Deferred screen=Screen::Profile /></Protected> }
                    />
                    <Route
                        path=path!("/profile/tokens")
                        view=|| view! { <Protected access=Access::SignedIn><Deferred screen=Screen::ApiTokens /></Protected> }
                    />
                    <Route
                        path=path!("/tickets")
                        view=|| view! { <Protected access=Access::SignedIn><Deferred screen=Screen::Tickets /></Protected> }
                    />
                    <Route
                        path=path!("/tickets/new")
                        view=|| view! { <Protected access=Access::SignedIn><Deferred screen=Screen::NewTicket /></Protected> }
                    />
                    <Route
                        path=path!("/rejected-mails")
                        view=|| view! { <Protected access=Access::Staff><Deferred screen=Screen::RejectedMails /></Protected> }
                    />
                    <Route
                        path=path!("/admin/announcements")
                        view=|| view! { <Protected access=Access::Admin><Deferred screen=Screen::Announcements /></Protected> }
                    />
                    <Route
                        path=path!("/admin")
                        view=|| view! { <Protected access=Access::Staff><Deferred screen=Screen::Admin /></Protected> }
                    />
                    <Route
                        path=path!("/admin/categories")
                        view=|| view! { <Protected access=Access::Admin><Deferred screen=Screen::Categories /></Protected> }
                    />
                    <Route
                        path=path!("/admin/audit")
                        view=|| view! { <Protected access=Access::Admin><Deferred screen=Screen::Audit /></Protected> }
                    />
                    <Route
                        path=path!("/admin/companies")
                        view=|| view! { <Protected access=Access::Staff><Deferred screen=Screen::Companies /></Protected> }
                    />
                    <Route
                        path=path!("/admin/companies/:id")
                        view=|| view! { <Protected access=Access::Staff><Deferred screen=Screen::Company /></Protected> }
                    />
                    <Route
                        path=path!("/admin/service-accounts/:id?")
                        view=|| view! { <Protected access=Access::Admin><Deferred screen=Screen::ServiceAccounts /></Protected> }
                    />
                    <Route
                        path=path!("/admin/webhooks/:id?")
                        view=|| view! { <Protected access=Access::Admin><Deferred screen=Screen::Webhooks /></Protected> }
                    />
                    // The list, `/admin/articles/new` and `/admin/articles/{slug}`.
                    <Route
                        path=path!("/admin/articles/:slug?")
                        view=|| view! { <Protected access=Access::Staff><Deferred screen=Screen::ArticlesAdmin /></Protected> }
                    />
                    <Route
                        path=path!("/admin/dead-jobs")
                        view=|| view! { <Protected access=Access::Admin><Deferred screen=Screen::DeadJobs /></Protected> }
                    />
                    // The people's search, `/people/new` and `/people/{id}`.
                    <Route
                        path=path!("/people/:id?")
                        view=|| view! { <Protected access=Access::Staff><Deferred screen=Screen::People /></Protected> }
                    />
                    // After `/tickets/new`: the first route that matches wins.
                    <Route
                        path=path!("/tickets/:number")
                        view=|| view! { <Protected access=Access::SignedIn><Deferred screen=Screen::Ticket /></Protected> }
                    />
                </Routes>
            </main>
        </Router>
    }
}
