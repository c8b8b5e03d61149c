use leptos::prelude::*;

use crate::{forms::FieldErrors, i18n::use_i18n, reactive::dynamic};

/// The error under one input, with the id its `aria-describedby` points at.
#[component]
pub fn FieldMessage(
    /// The id of the input; the message gets `{id}-error`.
    id: &'static str,
    /// The API name of the field.
    field: &'static str,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    dynamic(move || {
        errors.with(|e| e.code(field)).map(|code| {
            view! {
                <p id=format!("{id}-error") class="field-error">
                    {i18n.t().field_error(&code)}
                </p>
            }
        })
    })
}
