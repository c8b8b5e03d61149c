use leptos::prelude::*;

use crate::{components::page_title, i18n::use_i18n, reactive::dynamic};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(|t| t.not_found_title);
    view! {
        <section class="narrow">
            <h1>{dynamic(move || i18n.t().not_found_title)}</h1>
            <p>{dynamic(move || i18n.t().not_found_text)}</p>
            <p>
                <a href="/">{dynamic(move || i18n.t().back_home)}</a>
            </p>
        </section>
    }
}
