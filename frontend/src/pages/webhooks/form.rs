//! The form of an endpoint, to register one (POST) or to change one (PATCH): its URL, the
//! events as boxes, the company, internal notes and whether it is active. The rules are
//! `NewWebhook`'s, checked before sending; the server adds why it refuses a URL.
use guichet_types::{
    validation_errors, Company, CompanyId, NewWebhook, Webhook, WebhookUpdate, WebhookWithSecret,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use super::events::{all_events, event_label};
use crate::{
    components::{ErrorSummary, FieldMessage},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// The fields in the order the form shows them.
pub const ORDER: [&str; 3] = ["url", "events", "company_id"];

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "url" => t.webhook_url,
        "events" => t.webhook_events,
        "company_id" => t.field_company,
        _ => t.webhooks_title,
    }
}

/// The request of the form as typed, or every error the server's rules would answer.
pub fn request_of(
    url: &str,
    events: Vec<String>,
    company_id: Option<CompanyId>,
    include_internal: bool,
    active: bool,
) -> Result<NewWebhook, FieldErrors> {
    let request = NewWebhook {
        url: url.trim().to_owned(),
        events,
        company_id,
        include_internal: Some(include_internal),
        active: Some(active),
    };
    match request.validate() {
        Ok(()) => Ok(request),
        Err(found) => {
            let url_empty = request.url.is_empty();
            Err(FieldErrors::new(validation_errors(&found), |field| {
                field == "url" && url_empty
            })
            .sorted(&ORDER))
        }
    }
}

/// The same request as a change of every member (`company_id: null` for every company).
pub fn update_of(request: NewWebhook) -> WebhookUpdate {
    WebhookUpdate {
        url: Some(request.url),
        events: Some(request.events),
        company_id: Some(request.company_id),
        include_internal: request.include_internal,
        active: request.active,
    }
}

/// What the form made.
#[derive(Debug, Clone)]
pub enum Saved {
    Created(WebhookWithSecret),
    Updated(Webhook),
}

#[component]
pub fn WebhookForm(
    /// The endpoint to change; `None` for a new one.
    editing: Option<Webhook>,
    on_saved: impl Fn(Saved) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let editing_id = editing.as_ref().map(|w| w.id);
    let url = RwSignal::new(editing.as_ref().map(|w| w.url.clone()).unwrap_or_default());
    let chosen = RwSignal::new(
        editing
            .as_ref()
            .map(|w| w.events.clone())
            .unwrap_or_default(),
    );
    let company = RwSignal::new(
        editing
            .as_ref()
            .and_then(|w| w.company_id)
            .map(|c| c.0.to_string())
            .unwrap_or_default(),
    );
    let internal = RwSignal::new(editing.as_ref().is_some_and(|w| w.include_internal));
    let active = RwSignal::new(editing.as_ref().is_none_or(|w| w.active));
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let companies = LocalResource::new(move || async move {
        session
            .call(|client| async move { client.all_companies().await })
            .await
    });
    let companies =
        Signal::derive(move || companies.get().and_then(Result::ok).unwrap_or_default());

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ORDER);
        errors.set(found);
        dom::focus_soon(match first {
            Some("events") => "event-0",
            Some(field) => field,
            None => "error-summary",
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let request = match request_of(
            &url.get_untracked(),
            chosen.get_untracked(),
            company.get_untracked().parse().ok().map(CompanyId),
            internal.get_untracked(),
            active.get_untracked(),
        ) {
            Ok(request) => request,
            Err(found) => {
                show_errors(found);
                return;
            }
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let on_saved = on_saved.clone();
        spawn_local(async move {
            let result = match editing_id {
                None => session
                    .call(|client| {
                        let request = request.clone();
                        async move { client.create_webhook(&request).await }
                    })
                    .await
                    .map(Saved::Created),
                Some(id) => {
                    let update = update_of(request);
                    session
                        .call(|client| {
                            let update = update.clone();
                            async move { client.update_webhook(id, &update).await }
                        })
                        .await
                        .map(Saved::Updated)
                }
            };
            pending.set(false);
            match result {
                Ok(saved) => on_saved(saved),
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(FieldErrors::new(failure.errors, |_| false).sorted(&ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    // Why the server refused the URL, as it says it (addresses and their kind).
    let url_reason = move || {
        errors.with(|e| {
            e.iter()
                .find(|e| e.field == "url" && e.code == "refused")
                .map(|e| e.message.clone())
        })
    };
    let boxes = all_events()
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let id = format!("event-{index}");
            view! {
                <div class="choice">
                    <input
                        type="checkbox"
                        id=id.clone()
                        name="events"
                        value=*name
                        prop:checked=move || chosen.with(|c| c.iter().any(|n| n == name))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|c| {
                                c.retain(|n| n != name);
                                if on {
                                    c.push((*name).to_owned());
                                }
                            });
                        }
                    />
                    <label for=id>{dynamic(move || event_label(i18n.locale(), name))}</label>
                </div>
            }
        })
        .collect_view();
    let (heading, submit): (Message, Message) = if editing_id.is_some() {
        (|t| t.edit, |t| t.save)
    } else {
        (|t| t.webhook_new, |t| t.webhook_create)
    };
    let chosen_company = company.get_untracked();

    view! {
        <section class="panel" aria-labelledby="webhook-form-title">
            <h2 id="webhook-form-title">{dynamic(move || heading(i18n.t()))}</h2>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for="url">{dynamic(move || i18n.t().webhook_url)}</label>
                    <input
                        id="url"
                        name="url"
                        type="url"
                        inputmode="url"
                        autocomplete="off"
                        spellcheck="false"
                        maxlength="2048"
                        required
                        bind:value=url
                        aria-invalid=move || has("url")().then_some("true")
                        aria-describedby=move || described_by("url", false, has("url")())
                    />
                    {dynamic(move || {
                        errors.with(|e| e.code("url")).map(|code| view! {
                            <p id="url-error" class="field-error">
                                {i18n.t().field_error(&code)}
                                {url_reason().map(|reason| view! { {i18n.t().colon} <span lang="en">{reason}</span> })}
                            </p>
                        })
                    })}
                </div>
                <fieldset
                    class="group"
                    aria-invalid=move || has("events")().then_some("true")
                    aria-describedby=move || described_by("events", false, has("events")())
                >
                    <legend>{dynamic(move || i18n.t().webhook_events)}</legend>
                    {boxes}
                    <FieldMessage id="events" field="events" errors />
                </fieldset>
                <div class="field">
                    <label for="company_id">{dynamic(move || i18n.t().field_company)}</label>
                    <select
                        id="company_id"
                        name="company_id"
                        aria-invalid=move || has("company_id")().then_some("true")
                        aria-describedby=move || described_by("company_id", false, has("company_id")())
                        on:change=move |ev| company.set(event_target_value(&ev))
                    >
                        <option value="">{dynamic(move || i18n.t().webhook_all_companies)}</option>
                        {move || {
                            let chosen_company = chosen_company.clone();
                            companies.get().into_iter().map(|c: Company| {
                                let value = c.id.0.to_string();
                                let selected = value == chosen_company;
                                view! { <option value=value selected=selected>{c.name}</option> }
                            }).collect_view()
                        }}
                    </select>
                    <FieldMessage id="company_id" field="company_id" errors />
                </div>
                <div class="choice">
                    <input type="checkbox" id="include_internal" name="include_internal" bind:checked=internal />
                    <label for="include_internal">{dynamic(move || i18n.t().webhook_internal)}</label>
                </div>
                <div class="choice">
                    <input type="checkbox" id="active" name="active" bind:checked=active />
                    <label for="active">{dynamic(move || i18n.t().webhook_active)}</label>
                </div>
                <button type="submit" disabled=move || pending.get()>
                    {dynamic(move || submit(i18n.t()))}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_and_an_event_are_needed() {
        let refused = request_of("  ", Vec::new(), None, false, true).expect_err("refused");
        assert_eq!(refused.listed(), [("url", "required"), ("events", "event")]);
        let refused =
            request_of("ftp://x", vec!["followup".into()], None, false, true).expect_err("refused");
        assert_eq!(refused.listed(), [("url", "url")]);
    }

    #[test]
    fn a_change_sends_every_member_and_null_for_every_company() {
        let request = request_of(
            " https://hooks.example.com/in ",
            vec!["followup".into()],
            None,
            true,
            false,
        )
        .expect("accepted");
        assert_eq!(request.url, "https://hooks.example.com/in");
        let update = update_of(request);
        assert_eq!(update.company_id, Some(None));
        assert_eq!(update.active, Some(false));
        assert_eq!(update.include_internal, Some(true));
    }
}
