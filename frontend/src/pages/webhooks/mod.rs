//! Administrators: the webhooks (issue 15) — the endpoints listed with their state, a new
//! one (its signing secret shown once), and an endpoint's page: its settings, the secret's
//! rotation, a test event and the deliveries with their redelivery.
mod endpoint;
mod events;
mod form;

pub use events::event_label;

use endpoint::WebhookPage;
use form::{Saved, WebhookForm};

use guichet_types::{Webhook, WebhookWithSecret};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    components::{page_title, LoadMore},
    dom,
    i18n::{fill, use_i18n, Texts},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

const SECRET_ID: &str = "webhook-secret";

/// The secret of the endpoint just made or rotated, shown once on its page.
#[derive(Clone, Copy)]
struct FreshSecret(RwSignal<Option<WebhookWithSecret>>);

/// `/admin/webhooks` or `/admin/webhooks/{id}`: one route and one chunk.
#[component]
pub fn WebhookScreens() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    // Here rather than in a page: it outlives the move from the list to the new endpoint.
    provide_context(FreshSecret(RwSignal::new(None)));
    dynamic(move || match id.get() {
        None => view! { <WebhooksPage /> }.into_any(),
        Some(id) => view! { <WebhookPage id /> }.into_any(),
    })
}

/// "Actif", "Désactivé", or "Coupé par le serveur" with its reason.
fn state_of(t: &Texts, webhook: &Webhook) -> String {
    if webhook.disabled_at.is_some() {
        match &webhook.disabled_reason {
            Some(reason) => format!("{}{}{reason}", t.webhook_disabled, t.colon),
            None => t.webhook_disabled.to_owned(),
        }
    } else if webhook.active {
        t.person_active.to_owned()
    } else {
        t.person_inactive.to_owned()
    }
}

fn company_of(t: &Texts, webhook: &Webhook) -> String {
    webhook
        .company
        .as_ref()
        .map_or_else(|| t.webhook_all_companies.to_owned(), |c| c.name.clone())
}

#[component]
fn WebhooksPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let fresh = expect_context::<FreshSecret>();
    page_title(|t| t.webhooks_title);
    let list = Paging::<Webhook>::new();
    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let page = guichet_client::PageAt {
                        cursor: cursor.clone(),
                        limit: None,
                    };
                    async move { client.webhooks(&page).await }
                })
                .await
        });
    };
    load(None);
    let navigate = leptos_router::hooks::use_navigate();
    let on_saved = move |saved: Saved| {
        if let Saved::Created(made) = saved {
            let href = format!("/admin/webhooks/{}", made.webhook.id);
            fresh.0.set(Some(made));
            navigate(&href, Default::default());
        }
    };

    let rows = move || {
        list.items
            .get()
            .into_iter()
            .map(|webhook| {
                let t = i18n.t();
                let href = format!("/admin/webhooks/{}", webhook.id);
                let events = if webhook.events.len() > 3 {
                    fill(
                        t.webhook_events_count,
                        "n",
                        &webhook.events.len().to_string(),
                    )
                } else {
                    webhook
                        .events
                        .iter()
                        .map(|name| events::event_label(i18n.locale(), name))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let failing = webhook
                    .failing_since
                    .map(|at| dom::format_date_time(&at.to_rfc3339(), t.tag))
                    .unwrap_or_default();
                view! {
                    <tr>
                        <td data-label=t.webhook_url><a href=href>{webhook.url.clone()}</a></td>
                        <td data-label=t.webhook_events>{events}</td>
                        <td data-label=t.field_company>{company_of(t, &webhook)}</td>
                        <td data-label=t.col_state>{state_of(t, &webhook)}</td>
                        <td data-label=t.webhook_failing_since>{failing}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <section class="webhooks" aria-labelledby="page-title">
            <p><a href="/admin">{dynamic(move || i18n.t().nav_admin)}</a></p>
            <h1 id="page-title">{dynamic(move || i18n.t().webhooks_title)}</h1>
            <p class="intro">{dynamic(move || i18n.t().webhooks_intro)}</p>
            {dynamic(move || {
                if !list.loaded.get() {
                    list.failure.with(Option::is_none).then(|| view! {
                        <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                    }).into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().webhooks_none)}</p> }.into_any()
                } else {
                    let t = i18n.t();
                    view! {
                        <div class="table-wrap">
                            <table class="tickets">
                                <caption class="visually-hidden">{t.webhooks_title}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{t.webhook_url}</th>
                                        <th scope="col">{t.webhook_events}</th>
                                        <th scope="col">{t.field_company}</th>
                                        <th scope="col">{t.col_state}</th>
                                        <th scope="col">{t.webhook_failing_since}</th>
                                    </tr>
                                </thead>
                                <tbody>{dynamic(rows)}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
            <WebhookForm editing=None on_saved />
        </section>
    }
}

/// The secret just made, shown this once, with a button that copies it.
#[component]
fn SecretPanel(secret: String) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let to_copy = secret.clone();
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&to_copy);
            copied.set(true);
        }
    };
    view! {
        <section class="panel secret-panel" aria-labelledby="secret-title">
            <h2 id="secret-title">{dynamic(move || i18n.t().webhook_secret_title)}</h2>
            <p class="warning" id="secret-warning">{dynamic(move || i18n.t().webhook_secret_warning)}</p>
            <div class="field">
                <label for=SECRET_ID>{dynamic(move || i18n.t().webhook_secret_title)}</label>
                <input
                    id=SECRET_ID
                    type="text"
                    readonly
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby="secret-warning"
                    value=secret
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                />
            </div>
            <button type="button" on:click=copy>{dynamic(move || i18n.t().webhook_copy)}</button>
            <p role="status" class="live">
                {dynamic(move || copied.get().then(|| i18n.t().webhook_copied))}
            </p>
        </section>
    }
}
