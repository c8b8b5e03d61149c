use guichet_types::{Announcement, Locale};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::rules::{request_of, DateField, Draft, ORDER};
use crate::{
    components::{ErrorSummary, FieldMessage, TextField},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

const TITLE_MAX_CHARS: usize = 200;
const BODY_MAX_CHARS: usize = 5000;

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "title" => t.announcement_title,
        "body" => t.announcement_body,
        "locale" => t.announcement_locale,
        "starts_at" => t.announcement_starts_at,
        "ends_at" => t.announcement_ends_at,
        _ => t.announcements_admin_title,
    }
}

fn date_field(value: &str) -> DateField {
    if value.trim().is_empty() {
        DateField::Empty
    } else {
        dom::parse_local_input(value).map_or(DateField::Unreadable, DateField::At)
    }
}

/// What became of a sent form, for the page around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Saved,
    /// The announcement being edited was deleted meanwhile.
    Gone,
    /// The edit was given up.
    Cancelled,
}

/// The form that publishes a new announcement, or rewrites `editing` when it holds one.
/// `on_done` hears what became of it once the server has answered.
#[component]
pub fn AnnouncementForm(
    editing: RwSignal<Option<Announcement>>,
    on_done: impl Fn(Outcome) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let locale = RwSignal::new(String::new());
    let starts_at = RwSignal::new(String::new());
    let ends_at = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    // The form shows the announcement chosen for editing, or starts empty.
    Effect::new(move || {
        let chosen = editing.get();
        errors.set(FieldErrors::default());
        general.set(None);
        let announcement = chosen.as_ref();
        title.set(announcement.map(|a| a.title.clone()).unwrap_or_default());
        body.set(announcement.map(|a| a.body.clone()).unwrap_or_default());
        locale.set(
            announcement
                .and_then(|a| a.locale)
                .map(|l| l.as_str().to_owned())
                .unwrap_or_default(),
        );
        starts_at.set(
            announcement
                .map(|a| dom::local_input_value(&a.starts_at))
                .unwrap_or_default(),
        );
        ends_at.set(
            announcement
                .and_then(|a| a.ends_at.as_ref().map(dom::local_input_value))
                .unwrap_or_default(),
        );
    });

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ORDER);
        errors.set(found);
        dom::focus_soon(first.unwrap_or("error-summary"));
    };

    let on_cancel = on_done.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let (title, body, locale) = (
            title.get_untracked(),
            body.get_untracked(),
            locale.get_untracked(),
        );
        let draft = Draft {
            title: &title,
            body: &body,
            locale: &locale,
            starts_at: date_field(&starts_at.get_untracked()),
            ends_at: date_field(&ends_at.get_untracked()),
        };
        let input = match request_of(&draft, dom::now()) {
            Ok(input) => input,
            Err(found) => {
                show_errors(found);
                return;
            }
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let id = editing.with_untracked(|a| a.as_ref().map(|a| a.id));
        let on_done = on_done.clone();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let input = input.clone();
                    async move {
                        match id {
                            Some(id) => client.replace_announcement(id, &input).await,
                            None => client.create_announcement(&input).await,
                        }
                    }
                })
                .await;
            pending.set(false);
            match result {
                Ok(_) => on_done(if id.is_some() {
                    Outcome::Saved
                } else {
                    Outcome::Created
                }),
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(FieldErrors::new(failure.errors, |_| false).sorted(&ORDER));
                }
                Err(failure) if failure.is_status(404) => on_done(Outcome::Gone),
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let invalid = move |field: &'static str| move || has(field)().then_some("true");
    let required =
        move || view! { <span class="required">{dynamic(move || i18n.t().required_mark)}</span> };
    let locale_option = move |value: Option<Locale>, name: Message| {
        let value = value.map(Locale::as_str).unwrap_or_default();
        view! {
            <option value=value selected=move || locale.get() == value>
                {dynamic(move || name(i18n.t()))}
            </option>
        }
    };
    let date_input =
        move |field: &'static str, value: RwSignal<String>, name: Message, hint: Message| {
            view! {
                <div class="field">
                    <label for=field>{dynamic(move || name(i18n.t()))}</label>
                    <p class="hint" id=format!("{field}-hint")>{dynamic(move || hint(i18n.t()))}</p>
                    <input
                        id=field
                        name=field
                        type="datetime-local"
                        bind:value=value
                        aria-invalid=invalid(field)
                        aria-describedby=move || described_by(field, true, has(field)())
                    />
                    <FieldMessage id=field field errors />
                </div>
            }
        };

    view! {
        <section class="panel" aria-labelledby="announcement-form-title">
            <h2 id="announcement-form-title" tabindex="-1">
                {dynamic(move || {
                    let t = i18n.t();
                    if editing.with(Option::is_some) {
                        t.announcement_edit_heading
                    } else {
                        t.announcement_new_heading
                    }
                })}
            </h2>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField
                    field="title"
                    label=|t| t.announcement_title
                    value=title
                    errors
                    autocomplete="off"
                    maxlength=TITLE_MAX_CHARS
                    hint=|t| t.announcement_title_hint
                    mark_required=true
                />
                <div class="field">
                    <label for="body">{dynamic(move || i18n.t().announcement_body)} " " {required}</label>
                    <p id="body-hint" class="hint">
                        {dynamic(move || i18n.t().announcement_body_hint)}
                    </p>
                    <textarea
                        id="body"
                        name="body"
                        rows="6"
                        maxlength=BODY_MAX_CHARS.to_string()
                        required
                        bind:value=body
                        aria-invalid=invalid("body")
                        aria-describedby=move || described_by("body", true, has("body")())
                    ></textarea>
                    <FieldMessage id="body" field="body" errors />
                </div>
                <div class="field">
                    <label for="locale">{dynamic(move || i18n.t().announcement_locale)}</label>
                    <p class="hint" id="locale-hint">{dynamic(move || i18n.t().announcement_locale_hint)}</p>
                    <select
                        id="locale"
                        name="locale"
                        on:change=move |ev| locale.set(event_target_value(&ev))
                        prop:value=move || locale.get()
                        aria-invalid=invalid("locale")
                        aria-describedby=move || described_by("locale", true, has("locale")())
                    >
                        {locale_option(None, |t| t.locale_all)}
                        {locale_option(Some(Locale::Fr), |t| t.locale_fr)}
                        {locale_option(Some(Locale::En), |t| t.locale_en)}
                    </select>
                    <FieldMessage id="locale" field="locale" errors />
                </div>
                {date_input("starts_at", starts_at, |t| t.announcement_starts_at, |t| t.announcement_starts_at_hint)}
                {date_input("ends_at", ends_at, |t| t.announcement_ends_at, |t| t.announcement_ends_at_hint)}
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() {
                                t.sending
                            } else if editing.with(Option::is_some) {
                                t.announcement_save
                            } else {
                                t.announcement_publish
                            }
                        })}
                    </button>
                    {dynamic(move || {
                        let on_done = on_cancel.clone();
                        editing
                            .with(Option::is_some)
                            .then(|| {
                                view! {
                                    <button type="button" on:click=move |_| on_done(Outcome::Cancelled)>
                                        {dynamic(move || i18n.t().cancel)}
                                    </button>
                                }
                            })
                    })}
                </div>
            </form>
        </section>
    }
}
