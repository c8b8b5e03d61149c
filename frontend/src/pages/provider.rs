//! "Votre prestataire": the provider's page in the reader's language, with the reader's
//! contract (its gold-and-above phone line when they may see it). Administrators edit both
//! languages here, in Markdown with a preview.
use guichet_types::{ArticlePreviewInput, Locale, ProviderPage, ProviderPageInput};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::page_title, failure::Failure, i18n::use_i18n, pages::landing::ContractBox,
    reactive::dynamic, session::expect_session,
};

struct Words {
    title: &'static str,
    empty: &'static str,
    edit: &'static str,
    body_fr: &'static str,
    body_en: &'static str,
    preview: &'static str,
    write: &'static str,
    save: &'static str,
    cancel: &'static str,
    saved: &'static str,
}

const FR: Words = Words {
    title: "Votre prestataire",
    empty: "Cette page n'a pas encore été rédigée.",
    edit: "Modifier la page",
    body_fr: "Page en français (Markdown)",
    body_en: "Page en anglais (Markdown)",
    preview: "Aperçu",
    write: "Rédaction",
    save: "Enregistrer",
    cancel: "Annuler",
    saved: "La page est enregistrée.",
};

const EN: Words = Words {
    title: "Your provider",
    empty: "This page has not been written yet.",
    edit: "Edit the page",
    body_fr: "Page in French (Markdown)",
    body_en: "Page in English (Markdown)",
    preview: "Preview",
    write: "Write",
    save: "Save",
    cancel: "Cancel",
    saved: "The page is saved.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// One language's Markdown with its preview tab.
#[component]
fn MarkdownEditor(
    id: &'static str,
    label: fn(&Words) -> &'static str,
    text: RwSignal<String>,
    lang: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let preview = RwSignal::new(None::<String>);
    let show_preview = move |_| {
        let body_markdown = text.get_untracked();
        spawn_local(async move {
            let input = ArticlePreviewInput { body_markdown };
            if let Ok(done) = session
                .call(|client| {
                    let input = input.clone();
                    async move { client.preview_article(&input).await }
                })
                .await
            {
                preview.set(Some(done.body_html));
            }
        });
    };
    view! {
        <div class="field markdown-editor">
            <label for=id>{dynamic(move || label(words(i18n.locale())))}</label>
            <div class="actions">
                <button type="button" class="secondary" aria-pressed=dynamic(move || preview.with(Option::is_none).to_string()) on:click=move |_| preview.set(None)>
                    {dynamic(move || words(i18n.locale()).write)}
                </button>
                <button type="button" class="secondary" aria-pressed=dynamic(move || preview.with(Option::is_some).to_string()) on:click=show_preview>
                    {dynamic(move || words(i18n.locale()).preview)}
                </button>
            </div>
            {dynamic(move || match preview.get() {
                Some(html) => view! { <div class="article-body preview" lang=lang inner_html=html></div> }.into_any(),
                None => view! { <textarea id=id name=id rows="14" lang=lang bind:value=text></textarea> }.into_any(),
            })}
        </div>
    }
}

#[component]
pub fn ProviderScreen() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.nav_provider);
    let page = RwSignal::new(None::<ProviderPage>);
    let failure = RwSignal::new(None::<Failure>);
    let editing = RwSignal::new(false);
    let fr = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let saved = RwSignal::new(false);

    Effect::new(move |_| {
        let locale = i18n.locale();
        spawn_local(async move {
            match session
                .call(|client| async move { client.provider_page(Some(locale)).await })
                .await
            {
                Ok(found) => page.set(Some(found)),
                Err(error) => failure.set(Some(error)),
            }
        });
    });

    let start_editing = move |_| {
        saved.set(false);
        spawn_local(async move {
            for (locale, text) in [(Locale::Fr, fr), (Locale::En, en)] {
                if let Ok(found) = session
                    .call(|client| async move { client.provider_page(Some(locale)).await })
                    .await
                {
                    text.set(found.body_markdown);
                }
            }
            editing.set(true);
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        spawn_local(async move {
            for (locale, text) in [(Locale::Fr, fr), (Locale::En, en)] {
                let input = ProviderPageInput {
                    body_markdown: text.get_untracked(),
                };
                let done = session
                    .call(|client| {
                        let input = input.clone();
                        async move { client.put_provider_page(locale, &input).await }
                    })
                    .await;
                match done {
                    Ok(written) if written.locale == i18n.locale() => page.set(Some(written)),
                    Ok(_) => {}
                    Err(error) => {
                        failure.set(Some(error));
                        return;
                    }
                }
            }
            editing.set(false);
            saved.set(true);
        });
    };

    view! {
        <section class="provider" aria-labelledby="page-title">
            <h1 id="page-title" tabindex="-1">{dynamic(move || words(i18n.locale()).title)}</h1>
            <div role="status">
                {dynamic(move || saved.get().then(|| view! { <p class="flash">{words(i18n.locale()).saved}</p> }))}
            </div>
            <div role="alert">
                {dynamic(move || failure.get().map(|f| view! { <p class="alert">{(f.message())(i18n.t())}</p> }))}
            </div>
            {dynamic(move || {
                if editing.get() {
                    return view! {
                        <form class="provider-editor" on:submit=save>
                            <MarkdownEditor id="provider-fr" label=|w| w.body_fr text=fr lang="fr" />
                            <MarkdownEditor id="provider-en" label=|w| w.body_en text=en lang="en" />
                            <div class="actions">
                                <button type="submit">{dynamic(move || words(i18n.locale()).save)}</button>
                                <button type="button" class="secondary" on:click=move |_| editing.set(false)>
                                    {dynamic(move || words(i18n.locale()).cancel)}
                                </button>
                            </div>
                        </form>
                    }
                    .into_any();
                }
                let Some(found) = page.get() else {
                    return view! { <p class="loading" role="status">{i18n.t().loading}</p> }.into_any();
                };
                let body = if found.body_html.is_empty() {
                    view! { <p class="empty">{words(i18n.locale()).empty}</p> }.into_any()
                } else {
                    view! { <div class="article-body" inner_html=found.body_html></div> }.into_any()
                };
                let contract = (!session.is_staff()).then(|| view! { <ContractBox contract=found.contract /> });
                let edit = session.is_admin().then(|| view! {
                    <p><button type="button" class="secondary" on:click=start_editing>{words(i18n.locale()).edit}</button></p>
                });
                view! { {edit} {body} {contract} }.into_any()
            })}
        </section>
    }
}
