//! An endpoint's page: its state, its settings (the same form as a new one), the rotation
//! of its secret and its deletion (each confirmed inline), a test event, and its deliveries
//! newest first, each redelivered on demand.
use guichet_client::PageAt;
use guichet_types::{DeliveryState, Webhook, WebhookDelivery, WebhookId};
use leptos::{prelude::*, task::spawn_local};

use super::{
    company_of, events::event_label, state_of, FreshSecret, Saved, SecretPanel, WebhookForm,
    SECRET_ID,
};
use crate::{
    components::{page_title, LoadMore},
    dom,
    failure::Failure,
    i18n::{use_i18n, Message, Texts},
    pages::NotFoundPage,
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

const NOTICE_ID: &str = "webhook-notice";
const CONFIRM_ID: &str = "webhook-confirm";

/// The acts that ask first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Rotate,
    Delete,
}

fn delivery_state(t: &Texts, state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Delivered => t.delivery_delivered,
        DeliveryState::Pending => t.delivery_pending,
        DeliveryState::Dead => t.delivery_dead,
    }
}

/// The state with what the last attempt came to: its HTTP status, else its error.
fn delivery_outcome(t: &Texts, delivery: &WebhookDelivery) -> String {
    let state = delivery_state(t, delivery.state);
    match (delivery.status_code, &delivery.error) {
        (Some(code), _) => format!("{state} · HTTP {code}"),
        (None, Some(error)) => format!("{state} · {error}"),
        (None, None) => state.to_owned(),
    }
}

#[component]
pub fn WebhookPage(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let fresh = expect_context::<FreshSecret>();
    page_title(|t| t.webhooks_title);
    let webhook = RwSignal::new(None::<Webhook>);
    let failure = RwSignal::new(None::<Failure>);
    let notice = RwSignal::new(None::<Message>);
    let confirming = RwSignal::new(None::<Act>);
    let Some(id) = id.parse().ok().map(WebhookId) else {
        return view! { <NotFoundPage /> }.into_any();
    };
    // The secret of the endpoint just made, to show once; forgotten when this page goes.
    let secret = RwSignal::new(
        fresh
            .0
            .get_untracked()
            .filter(|made| made.webhook.id == id)
            .map(|made| made.secret),
    );
    fresh.0.set(None);
    if secret.get_untracked().is_some() {
        dom::focus_when_shown(SECRET_ID);
    }
    spawn_local(async move {
        match session
            .call(|client| async move { client.webhook(id).await })
            .await
        {
            Ok(found) => webhook.set(Some(found)),
            Err(error) => failure.set(Some(error)),
        }
    });

    let deliveries = Paging::<WebhookDelivery>::new();
    let load = move |cursor: Option<String>| {
        deliveries.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let page = PageAt {
                        cursor: cursor.clone(),
                        limit: None,
                    };
                    async move { client.webhook_deliveries(id, &page).await }
                })
                .await
        });
    };
    load(None);

    let tell = move |message: Message| {
        notice.set(Some(message));
        dom::focus_soon(NOTICE_ID);
    };
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    let confirmed = move |act: Act| {
        spawn_local(async move {
            confirming.set(None);
            match act {
                Act::Rotate => {
                    match session
                        .call(|client| async move { client.rotate_webhook_secret(id).await })
                        .await
                    {
                        Ok(rotated) => {
                            notice.set(None);
                            secret.set(Some(rotated.secret));
                            webhook.set(Some(rotated.webhook));
                            dom::focus_when_shown(SECRET_ID);
                        }
                        Err(error) => failure.set(Some(error)),
                    }
                }
                Act::Delete => {
                    match session
                        .call(|client| async move { client.delete_webhook(id).await })
                        .await
                    {
                        Ok(()) => {
                            navigate.with_value(|go| go("/admin/webhooks", Default::default()))
                        }
                        Err(error) => failure.set(Some(error)),
                    }
                }
            }
        });
    };
    let ask = move |act: Act| {
        notice.set(None);
        confirming.set(Some(act));
        dom::focus_soon(CONFIRM_ID);
    };
    let send_test = move |_| {
        spawn_local(async move {
            match session
                .call(|client| async move { client.test_webhook(id).await })
                .await
            {
                Ok(_) => {
                    load(None);
                    tell(|t| t.webhook_test_sent);
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    let redeliver = move |delivery| {
        spawn_local(async move {
            match session
                .call(|client| async move { client.redeliver_webhook(id, delivery).await })
                .await
            {
                Ok(_) => {
                    load(None);
                    tell(|t| t.webhook_redelivered);
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    let on_saved = move |saved: Saved| {
        if let Saved::Updated(saved) = saved {
            webhook.set(Some(saved));
            tell(|t| t.webhook_saved);
        }
    };

    let rows = move || {
        deliveries
            .items
            .get()
            .into_iter()
            .map(|delivery| {
                let t = i18n.t();
                let label = event_label(i18n.locale(), &delivery.event);
                let when = dom::format_date_time(&delivery.created_at.to_rfc3339(), t.tag);
                let answer = delivery
                    .response_excerpt
                    .clone()
                    .filter(|a| !a.is_empty())
                    .map(|answer| {
                        view! {
                            <details>
                                <summary>{t.webhook_answer}</summary>
                                <pre>{answer}</pre>
                            </details>
                        }
                    });
                let button = (delivery.state != DeliveryState::Pending).then(|| {
                    let delivery_id = delivery.id;
                    view! {
                        <button
                            type="button"
                            class="secondary"
                            aria-label=format!("{} {label} {when}", t.webhook_redeliver)
                            on:click=move |_| redeliver(delivery_id)
                        >
                            {t.webhook_redeliver}
                        </button>
                    }
                });
                view! {
                    <tr>
                        <td data-label=t.webhook_when>{when.clone()}</td>
                        <td data-label=t.webhook_events>{label.clone()}</td>
                        <td data-label=t.col_state>{delivery_outcome(t, &delivery)}</td>
                        <td data-label=t.webhook_attempts>{delivery.attempts}</td>
                        <td data-label=t.webhook_answer>{answer}</td>
                        <td>{button}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    let ready = Memo::new(move |_| webhook.with(|w| w.as_ref().map(|w| w.id)));
    dynamic(move || {
        if failure.with(|f| f.as_ref().is_some_and(|f| f.is_status(404))) {
            return view! { <NotFoundPage /> }.into_any();
        }
        let Some(shown) = ready.get().and_then(|_| webhook.get_untracked()) else {
            return view! {
                {dynamic(move || failure.get().map(|f| view! { <p class="alert" role="alert">{(f.message())(i18n.t())}</p> }))}
                <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
            }
            .into_any();
        };
        view! {
            <section class="webhooks" aria-labelledby="page-title">
                <p><a href="/admin/webhooks">{dynamic(move || i18n.t().webhooks_title)}</a></p>
                <h1 id="page-title">{shown.url.clone()}</h1>
                <div role="status">
                    {dynamic(move || notice.get().map(|message| view! {
                        <p class="flash" id=NOTICE_ID tabindex="-1">{dynamic(move || message(i18n.t()))}</p>
                    }))}
                </div>
                <div role="alert">
                    {dynamic(move || failure.get().map(|f| view! { <p class="alert">{(f.message())(i18n.t())}</p> }))}
                </div>
                {dynamic(move || secret.get().map(|secret| view! { <SecretPanel secret /> }))}
                <dl class="details panel">
                    <div>
                        <dt>{dynamic(move || i18n.t().col_state)}</dt>
                        <dd>{dynamic(move || webhook.with(|w| w.as_ref().map(|w| state_of(i18n.t(), w))))}</dd>
                    </div>
                    <div>
                        <dt>{dynamic(move || i18n.t().field_company)}</dt>
                        <dd>{dynamic(move || webhook.with(|w| w.as_ref().map(|w| company_of(i18n.t(), w))))}</dd>
                    </div>
                    {dynamic(move || {
                        let t = i18n.t();
                        webhook.with(|w| w.as_ref().and_then(|w| w.failing_since)).map(|at| view! {
                            <div>
                                <dt>{t.webhook_failing_since}</dt>
                                <dd>{dom::format_date_time(&at.to_rfc3339(), t.tag)}</dd>
                            </div>
                        })
                    })}
                </dl>
                <p class="actions">
                    <button type="button" on:click=send_test>{dynamic(move || i18n.t().webhook_test)}</button>
                    " "
                    <button type="button" class="secondary" id="rotate" on:click=move |_| ask(Act::Rotate)>
                        {dynamic(move || i18n.t().webhook_rotate)}
                    </button>
                    " "
                    <button type="button" class="secondary" id="delete" on:click=move |_| ask(Act::Delete)>
                        {dynamic(move || i18n.t().delete)}
                    </button>
                </p>
                {dynamic(move || confirming.get().map(|act| {
                    let t = i18n.t();
                    let (question, yes, back) = match act {
                        Act::Rotate => (t.webhook_rotate_question, t.webhook_rotate, "rotate"),
                        Act::Delete => (t.webhook_delete_question, t.delete_confirm, "delete"),
                    };
                    view! {
                        <div class="confirm panel">
                            <p id=CONFIRM_ID tabindex="-1">{question}</p>
                            <button type="button" class="danger" on:click=move |_| confirmed(act)>{yes}</button>
                            " "
                            <button type="button" class="secondary" on:click=move |_| {
                                confirming.set(None);
                                dom::focus_soon(back);
                            }>{t.cancel}</button>
                        </div>
                    }
                }))}
                <section aria-labelledby="deliveries-title">
                    <h2 id="deliveries-title">{dynamic(move || i18n.t().webhook_deliveries)}</h2>
                    <p>
                        <button type="button" class="secondary" on:click=move |_| load(None)>
                            {dynamic(move || i18n.t().webhook_refresh)}
                        </button>
                    </p>
                    {dynamic(move || {
                        if !deliveries.loaded.get() {
                            deliveries.failure.with(Option::is_none).then(|| view! {
                                <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                            }).into_any()
                        } else if deliveries.items.with(Vec::is_empty) {
                            view! { <p class="empty">{dynamic(move || i18n.t().webhook_deliveries_none)}</p> }.into_any()
                        } else {
                            let t = i18n.t();
                            view! {
                                <div class="table-wrap">
                                    <table class="tickets deliveries">
                                        <caption class="visually-hidden">{t.webhook_deliveries}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t.webhook_when}</th>
                                                <th scope="col">{t.webhook_events}</th>
                                                <th scope="col">{t.col_state}</th>
                                                <th scope="col">{t.webhook_attempts}</th>
                                                <th scope="col">{t.webhook_answer}</th>
                                                <th scope="col"><span class="visually-hidden">{t.webhook_redeliver}</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>{dynamic(rows)}</tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }
                    })}
                    <LoadMore
                        next=deliveries.next
                        loading=deliveries.loading
                        failure=deliveries.failure
                        on_load=move || load(deliveries.next.get_untracked())
                    />
                </section>
                <WebhookForm editing=Some(shown) on_saved />
            </section>
        }
        .into_any()
    })
    .into_any()
}
