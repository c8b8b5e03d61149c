//! The screens a first visit does not need, each loaded on demand from its own WASM chunk.
//!
//! `#[lazy]` marks a split point: scripts/build-frontend.sh cuts the WASM there (wasm-split),
//! so the first load carries the sign-in and landing pages, the router and the session, and a
//! screen's code comes when the user first opens it (a few KB, cached for good afterwards).
//! Off the browser (unit tests) the functions are called directly.
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::{
    i18n::use_i18n,
    pages::{
        AccessRequestPage, AdminPage, AnnouncementsPage, ApiTokensPage, ArticleAdminScreens,
        AuditLogPage, CategoriesAdminPage, ChangePasswordPage, CompaniesPage, CompanyPage,
        DeadJobsPage, ForgotPasswordPage, HelpScreens, LinkKind, LostAccountPage, NewTicketPage,
        PeopleScreens, ProfilePage, ProviderScreen, RejectedMailsPage, ServiceAccountScreens,
        SetPasswordPage, TicketPage, TicketsPage, WebhookScreens,
    },
    reactive::dynamic,
};

/// Which screen `Deferred` loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Tickets,
    Ticket,
    NewTicket,
    Profile,
    /// The signed-in person's API tokens.
    ApiTokens,
    ChangePassword,
    ForgotPassword,
    ResetPassword,
    FirstPassword,
    AccessRequest,
    LostAccount,
    RejectedMails,
    Announcements,
    Admin,
    Categories,
    Audit,
    Companies,
    Company,
    /// The people's search, a person's page and the invitation.
    People,
    /// The service accounts' list and an account's page.
    ServiceAccounts,
    /// The webhooks' list and an endpoint's page with its deliveries.
    Webhooks,
    /// The deliveries given up (dead jobs), each to retry.
    DeadJobs,
    /// The help centre's search and an article's page.
    Help,
    /// "Votre prestataire".
    Provider,
    /// The support team's list of articles and the editor.
    ArticlesAdmin,
}

/// Shows `screen` once its chunk has arrived, and "Loading…" until then.
#[component]
pub fn Deferred(screen: Screen) -> impl IntoView {
    let i18n = use_i18n();
    let page = SendWrapper::new(load(screen));
    view! {
        <Suspense fallback=move || view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }>
            {Suspend::new(page)}
        </Suspense>
    }
}

async fn load(screen: Screen) -> AnyView {
    match screen {
        Screen::Tickets => tickets().await,
        Screen::Ticket => ticket().await,
        Screen::NewTicket => new_ticket().await,
        Screen::Profile => profile().await,
        Screen::ApiTokens => api_tokens().await,
        Screen::ChangePassword => change_password().await,
        Screen::ForgotPassword => forgot_password().await,
        Screen::ResetPassword => reset_password().await,
        Screen::FirstPassword => first_password().await,
        Screen::AccessRequest => access_request().await,
        Screen::LostAccount => lost_account().await,
        Screen::RejectedMails => rejected_mails().await,
        Screen::Announcements => announcements().await,
        Screen::Admin => admin().await,
        Screen::Categories => categories().await,
        Screen::Audit => audit().await,
        Screen::Companies => companies().await,
        Screen::Company => company().await,
        Screen::People => people().await,
        Screen::ServiceAccounts => service_accounts().await,
        Screen::Webhooks => webhooks().await,
        Screen::DeadJobs => dead_jobs().await,
        Screen::Help => help().await,
        Screen::Provider => provider().await,
        Screen::ArticlesAdmin => articles_admin().await,
    }
}

#[lazy]
fn tickets() -> AnyView {
    view! { <TicketsPage /> }.into_any()
}

#[lazy]
fn ticket() -> AnyView {
    view! { <TicketPage /> }.into_any()
}

#[lazy]
fn new_ticket() -> AnyView {
    view! { <NewTicketPage /> }.into_any()
}

#[lazy]
fn profile() -> AnyView {
    view! { <ProfilePage /> }.into_any()
}

#[lazy]
fn api_tokens() -> AnyView {
    view! { <ApiTokensPage /> }.into_any()
}

#[lazy]
fn change_password() -> AnyView {
    view! { <ChangePasswordPage /> }.into_any()
}

#[lazy]
fn forgot_password() -> AnyView {
    view! { <ForgotPasswordPage /> }.into_any()
}

#[lazy]
fn reset_password() -> AnyView {
    view! { <SetPasswordPage kind=LinkKind::Reset /> }.into_any()
}

#[lazy]
fn first_password() -> AnyView {
    view! { <SetPasswordPage kind=LinkKind::FirstPassword /> }.into_any()
}

#[lazy]
fn access_request() -> AnyView {
    view! { <AccessRequestPage /> }.into_any()
}

#[lazy]
fn lost_account() -> AnyView {
    view! { <LostAccountPage /> }.into_any()
}

#[lazy]
fn rejected_mails() -> AnyView {
    view! { <RejectedMailsPage /> }.into_any()
}

#[lazy]
fn announcements() -> AnyView {
    view! { <AnnouncementsPage /> }.into_any()
}

#[lazy]
fn admin() -> AnyView {
    view! { <AdminPage /> }.into_any()
}

#[lazy]
fn categories() -> AnyView {
    view! { <CategoriesAdminPage /> }.into_any()
}

#[lazy]
fn audit() -> AnyView {
    view! { <AuditLogPage /> }.into_any()
}

#[lazy]
fn companies() -> AnyView {
    view! { <CompaniesPage /> }.into_any()
}

#[lazy]
fn company() -> AnyView {
    view! { <CompanyPage /> }.into_any()
}

#[lazy]
fn people() -> AnyView {
    view! { <PeopleScreens /> }.into_any()
}

#[lazy]
fn service_accounts() -> AnyView {
    view! { <ServiceAccountScreens /> }.into_any()
}

#[lazy]
fn webhooks() -> AnyView {
    view! { <WebhookScreens /> }.into_any()
}

#[lazy]
fn dead_jobs() -> AnyView {
    view! { <DeadJobsPage /> }.into_any()
}

#[lazy]
fn help() -> AnyView {
    view! { <HelpScreens /> }.into_any()
}

#[lazy]
fn provider() -> AnyView {
    view! { <ProviderScreen /> }.into_any()
}

#[lazy]
fn articles_admin() -> AnyView {
    view! { <ArticleAdminScreens /> }.into_any()
}
