use leptos::prelude::*;

use crate::{
    dom,
    forms::FieldErrors,
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
};

/// The list of what is wrong with a form, read out as soon as it appears; each line is a link
/// that takes the keyboard to its field.
#[component]
pub fn ErrorSummary(
    errors: RwSignal<FieldErrors>,
    /// A failure that is not about one field (unreachable server, too many attempts, ...).
    general: RwSignal<Option<Message>>,
    /// The label of a field, for the list.
    label: fn(&Texts, &str) -> &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="live" aria-live="assertive" aria-atomic="true">
            {dynamic(move || {
                general
                    .get()
                    .map(|message| {
                        view! { <p class="alert" id="form-alert">{message(i18n.t())}</p> }
                    })
            })}
            {dynamic(move || {
                let t = i18n.t();
                errors
                    .with(|errors| {
                        (!errors.is_empty())
                            .then(|| {
                                let items = errors
                                    .iter()
                                    .map(|e| {
                                        let text = format!("{}{}{}", label(t, &e.field), t.colon, t.field_error(&e.code));
                                        let field = e.field.clone();
                                        // The router leaves `rel="external"` links alone; the
                                        // browser's own jump to a fragment would not focus.
                                        view! {
                                            <li>
                                                <a
                                                    href=format!("#{field}")
                                                    rel="external"
                                                    on:click=move |ev| {
                                                        ev.prevent_default();
                                                        dom::focus_field(&field);
                                                    }
                                                >
                                                    {text}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <div class="error-summary" id="error-summary">
                                        <p>{t.errors_summary(errors.len())}</p>
                                        <ul>{items}</ul>
                                    </div>
                                }
                            })
                    })
            })}
        </div>
    }
}
