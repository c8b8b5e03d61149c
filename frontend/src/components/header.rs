use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use guichet_types::Scope;

use super::LanguageSwitch;
use crate::{
    dom,
    i18n::use_i18n,
    pages::{default_scope, list_name, list_url},
    reactive::dynamic,
    session::{expect_session, AuthState},
};

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let navigate = use_navigate();
    let path = use_location().pathname;
    let current = move |href: &'static str| (path.get() == href).then_some("page");

    // After a change of page, keyboard and screen-reader users start from its content.
    Effect::new(move |previous: Option<String>| {
        let now = path.get();
        if previous.is_some_and(|previous| previous != now) {
            dom::focus_soon("main");
        }
        now
    });

    let sign_out = move |_| {
        session.sign_out();
        navigate("/login", Default::default());
    };

    // One link per list a reader has, named as the list's heading: a customer's own tickets;
    // a referent's and their company's; the support team's all and assigned to me. The link
    // of the list shown is the current page.
    let query = use_location().query;
    let list_scope = move || {
        let staff = session.is_staff();
        let asked = query.with(|q| list_url::parse(|name| q.get(name)));
        list_url::for_reader(asked, staff, session.sees_company())
            .scope
            .unwrap_or(default_scope(staff))
    };
    let list_links = move || {
        let staff = session.is_staff();
        let scopes: &[Scope] = if staff {
            &[Scope::All, Scope::Mine]
        } else if session.sees_company() {
            &[Scope::Mine, Scope::Company]
        } else {
            &[Scope::Mine]
        };
        scopes
            .iter()
            .map(|&scope| {
                let href = if scope == default_scope(staff) {
                    "/tickets".to_owned()
                } else {
                    format!("/tickets?scope={}", scope.as_str())
                };
                let shown = move || path.get() == "/tickets" && list_scope() == scope;
                view! {
                    <li>
                        <a href=href aria-current=dynamic(move || shown().then_some("page"))>
                            {dynamic(move || list_name(i18n.t(), staff, scope))}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };

    // An assisted session may only use its access's ticket: the server refuses every other
    // page, so the agent gets none of their links, nor the customer's (the banner links the
    // ticket).
    let nav = move || {
        (session.state() == AuthState::SignedIn && !session.is_assisted()).then(|| {
            view! {
                <nav aria-label=dynamic(move || i18n.t().main_navigation)>
                    <ul>
                        <li>
                            <a href="/" aria-current=dynamic(move || current("/"))>
                                {dynamic(move || i18n.t().nav_home)}
                            </a>
                        </li>
                        {dynamic(list_links)}
                        <li>
                            <a href="/tickets/new" aria-current=dynamic(move || current("/tickets/new"))>
                                {dynamic(move || i18n.t().nav_new_ticket)}
                            </a>
                        </li>
                        <li>
                            <a href="/help" aria-current=dynamic(move || current("/help"))>
                                {dynamic(move || i18n.t().nav_help)}
                            </a>
                        </li>
                        <li>
                            <a href="/provider" aria-current=dynamic(move || current("/provider"))>
                                {dynamic(move || i18n.t().nav_provider)}
                            </a>
                        </li>
                        {dynamic(move || {
                            session
                                .is_staff()
                                .then(|| {
                                    view! {
                                        <li>
                                            <a
                                                href="/rejected-mails"
                                                aria-current=dynamic(move || current("/rejected-mails"))
                                            >
                                                {dynamic(move || i18n.t().nav_rejected_mails)}
                                            </a>
                                        </li>
                                        <li>
                                            <a
                                                href="/admin"
                                                aria-current=dynamic(move || current("/admin"))
                                            >
                                                {dynamic(move || i18n.t().nav_admin)}
                                            </a>
                                        </li>
                                    }
                                })
                        })}
                    </ul>
                </nav>
            }
        })
    };

    let account = move || {
        let sign_out = sign_out.clone();
        matches!(
            session.state(),
            AuthState::SignedIn | AuthState::MustChangePassword
        )
        .then(|| {
            view! {
                <div class="account">
                    <span class="user-name">{dynamic(move || session.display_name())}</span>
                    {dynamic(move || {
                        (session.state() == AuthState::SignedIn && !session.is_assisted())
                            .then(|| {
                                view! {
                                    <a href="/profile" aria-current=dynamic(move || current("/profile"))>
                                        {dynamic(move || i18n.t().nav_profile)}
                                    </a>
                                }
                            })
                    })}
                    <button type="button" class="link" on:click=sign_out>
                        {dynamic(move || i18n.t().sign_out)}
                    </button>
                </div>
            }
        })
    };

    view! {
        <header class="site-header">
            <a class="skip-link" href="#main" rel="external">
                {dynamic(move || i18n.t().skip_to_content)}
            </a>
            <div class="bar">
                <a class="brand" href="/">
                    {dynamic(move || i18n.t().app_name)}
                </a>
                {dynamic(nav)}
                <div class="tools">
                    {dynamic(account)}
                    <LanguageSwitch />
                </div>
            </div>
        </header>
    }
}
