//! The inputs the company forms share beside `TextField`: a select, a text area, a check
//! box, and the page's status line.
use leptos::prelude::*;

use crate::{
    components::FieldMessage,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message},
    reactive::dynamic,
};

/// One `<option>` of a [`SelectField`], selected when `chosen` holds its value.
pub fn option(
    value: String,
    text: impl IntoView + 'static,
    chosen: RwSignal<String>,
) -> impl IntoView {
    let selected = value.clone();
    view! {
        <option value=value selected=dynamic(move || chosen.get() == selected)>
            {text}
        </option>
    }
}

/// A labelled `<select>`; `field` is its id, `children` its options.
#[component]
pub fn SelectField(
    field: &'static str,
    label: Message,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move || errors.with(|e| e.has(field));
    view! {
        <div class="field">
            <label for=field>{dynamic(move || label(i18n.t()))}</label>
            <select
                id=field
                name=field
                on:change=move |ev| value.set(event_target_value(&ev))
                aria-invalid=dynamic(move || invalid().then_some("true"))
                aria-describedby=dynamic(move || described_by(field, false, invalid()))
            >
                {children()}
            </select>
            <FieldMessage id=field field errors />
        </div>
    }
}

/// A labelled `<textarea>`, optional.
#[component]
pub fn AreaField(
    field: &'static str,
    label: Message,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    maxlength: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move || errors.with(|e| e.has(field));
    view! {
        <div class="field">
            <label for=field>{dynamic(move || label(i18n.t()))}</label>
            <textarea
                id=field
                name=field
                rows="3"
                maxlength=maxlength.to_string()
                bind:value=value
                aria-invalid=dynamic(move || invalid().then_some("true"))
                aria-describedby=dynamic(move || described_by(field, false, invalid()))
            ></textarea>
            <FieldMessage id=field field errors />
        </div>
    }
}

/// A check box with its label and optional hint.
#[component]
pub fn CheckField(
    field: &'static str,
    label: Message,
    checked: RwSignal<bool>,
    #[prop(optional)] hint: Option<Message>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field choice">
            <input
                type="checkbox"
                id=field
                name=field
                bind:checked=checked
                aria-describedby=hint.map(|_| format!("{field}-hint"))
            />
            <label for=field>{dynamic(move || label(i18n.t()))}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="hint" id=format!("{field}-hint")>
                            {dynamic(move || hint(i18n.t()))}
                        </p>
                    }
                })}
        </div>
    }
}

/// The status line that says what the last change did; `id` takes the focus.
#[component]
pub fn Notice(id: &'static str, notice: RwSignal<Option<Message>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div role="status">
            {dynamic(move || {
                notice
                    .get()
                    .map(|message| {
                        view! {
                            <p class="flash" id=id tabindex="-1">
                                {dynamic(move || message(i18n.t()))}
                            </p>
                        }
                    })
            })}
        </div>
    }
}
