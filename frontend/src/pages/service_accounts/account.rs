//! A service account's page: where it acts, its state (deactivated, its tokens stop), and
//! its tokens.
use guichet_types::{Role, ServiceAccount, ServiceAccountPatch, UserId};
use leptos::{prelude::*, task::spawn_local};

use super::{reach_of, state_of};
use crate::{
    components::page_title,
    dom,
    failure::Failure,
    i18n::{use_i18n, Message},
    pages::api_tokens::{Owner, TokenManager},
    pages::NotFoundPage,
    reactive::dynamic,
    session::expect_session,
};

#[component]
pub fn ServiceAccountPage(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.service_accounts_title);
    let account = RwSignal::new(None::<ServiceAccount>);
    let failure = RwSignal::new(None::<Failure>);
    let notice = RwSignal::new(None::<Message>);
    match id.parse().ok().map(UserId) {
        Some(id) => spawn_local(async move {
            match session
                .call(|client| async move { client.service_account(id).await })
                .await
            {
                Ok(found) => account.set(Some(found)),
                Err(error) => failure.set(Some(error)),
            }
        }),
        None => failure.set(Some(Failure::status(404))),
    }

    let toggle = move |_| {
        let Some(shown) = account.get_untracked() else {
            return;
        };
        let patch = ServiceAccountPatch {
            active: Some(!shown.active),
            ..Default::default()
        };
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let patch = patch.clone();
                    async move { client.update_service_account(shown.id, &patch).await }
                })
                .await;
            match result {
                Ok(saved) => {
                    notice.set(Some(if saved.active {
                        |t| t.service_account_reactivated
                    } else {
                        |t| t.service_account_deactivated
                    }));
                    account.set(Some(saved));
                    dom::focus_soon("account-notice");
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };

    let ready = Memo::new(move |_| account.with(|a| a.as_ref().map(|a| a.id)));
    dynamic(move || {
        if failure.with(|f| f.as_ref().is_some_and(|f| f.is_status(404))) {
            return view! { <NotFoundPage /> }.into_any();
        }
        let Some(shown) = ready.get().and_then(|_| account.get_untracked()) else {
            return view! {
                {dynamic(move || failure.get().map(|f| view! { <p class="alert" role="alert">{(f.message())(i18n.t())}</p> }))}
                <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
            }
            .into_any();
        };
        // Limited to a company it is that company's referent; otherwise an administrator.
        let role = if shown.company.is_some() {
            Role::Referent
        } else {
            Role::Admin
        };
        let reach = reach_of(i18n.t(), &shown);
        view! {
            <section class="admin-service-accounts" aria-labelledby="page-title">
                <p><a href="/admin/service-accounts">{dynamic(move || i18n.t().service_accounts_title)}</a></p>
                <h1 id="page-title">{shown.name.clone()}</h1>
                <div role="status">
                    {dynamic(move || notice.get().map(|message| view! {
                        <p class="flash" id="account-notice" tabindex="-1">{dynamic(move || message(i18n.t()))}</p>
                    }))}
                </div>
                {dynamic(move || failure.get().map(|f| view! { <p class="alert" role="alert">{(f.message())(i18n.t())}</p> }))}
                <dl class="details panel">
                    <div>
                        <dt>{dynamic(move || i18n.t().service_account_company)}</dt>
                        <dd>{reach}</dd>
                    </div>
                    <div>
                        <dt>{dynamic(move || i18n.t().col_state)}</dt>
                        <dd>{dynamic(move || state_of(i18n.t(), account.with(|a| a.as_ref().is_some_and(|a| a.active))))}</dd>
                    </div>
                </dl>
                <p>
                    <button type="button" class="secondary" on:click=toggle>
                        {dynamic(move || {
                            let t = i18n.t();
                            if account.with(|a| a.as_ref().is_some_and(|a| a.active)) {
                                t.service_account_deactivate
                            } else {
                                t.service_account_reactivate
                            }
                        })}
                    </button>
                </p>
                <section aria-labelledby="account-tokens-title">
                    <h2 id="account-tokens-title">{dynamic(move || i18n.t().service_account_tokens)}</h2>
                    <TokenManager owner=Owner::ServiceAccount(shown.id) role />
                </section>
            </section>
        }
        .into_any()
    })
}
