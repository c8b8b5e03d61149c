use leptos::prelude::*;

use crate::{
    components::FieldMessage,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message},
    reactive::dynamic,
};

/// A labelled one-line input with its optional hint and its error. `field` is the API's
/// name of the member, and the input's id.
#[component]
pub fn TextField(
    field: &'static str,
    label: Message,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    /// The `autocomplete` token, e.g. `name`, `organization`, `email`, `tel`.
    autocomplete: &'static str,
    maxlength: usize,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<Message>,
    #[prop(default = true)] required: bool,
    /// Says "(required)" after the label, for forms where most fields are optional.
    #[prop(optional)]
    mark_required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move || errors.with(|e| e.has(field));
    let mark = (required && mark_required).then(|| {
        view! { " " <span class="required">{dynamic(move || i18n.t().required_mark)}</span> }
    });
    view! {
        <div class="field">
            <label for=field>{dynamic(move || label(i18n.t()))} {mark}</label>
            {hint
                .map(|hint| {
                    view! {
                        <p class="hint" id=format!("{field}-hint")>
                            {dynamic(move || hint(i18n.t()))}
                        </p>
                    }
                })}
            <input
                id=field
                name=field
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength.to_string()
                required=required
                bind:value=value
                aria-invalid=dynamic(move || invalid().then_some("true"))
                aria-describedby=dynamic(move || described_by(field, hint.is_some(), invalid()))
            />
            <FieldMessage id=field field errors />
        </div>
    }
}
