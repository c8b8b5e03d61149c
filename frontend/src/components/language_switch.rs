use guichet_types::Locale;
use leptos::prelude::*;

use crate::{i18n::use_i18n, reactive::dynamic, session::expect_session};

/// Two buttons, each named in its own language.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let button = move |locale: Locale, tag: &'static str, name: &'static str| {
        view! {
            <button
                type="button"
                class="lang"
                lang=tag
                aria-pressed=dynamic(move || if i18n.locale() == locale { "true" } else { "false" })
                on:click=move |_| session.set_locale(locale)
            >
                {name}
            </button>
        }
    };
    view! {
        <div class="language-switch" role="group" aria-labelledby="language-label">
            <span id="language-label" class="visually-hidden">{dynamic(move || i18n.t().language)}</span>
            {button(Locale::Fr, "fr", "Français")}
            {button(Locale::En, "en", "English")}
        </div>
    }
}
