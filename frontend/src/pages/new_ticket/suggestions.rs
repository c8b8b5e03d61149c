//! The articles that may answer a ticket before it is written: while the title is typed
//! (after a pause, from 3 letters), up to 5 suggestions, announced politely. Each opens the
//! article marked as coming from this form; a customer's opening is noted, and counts as a
//! ticket avoided if they leave without creating one (see `crate::avoided`).
use std::time::Duration;

use guichet_types::{ArticleSummary, Locale, SUGGESTION_WORD_MIN_CHARS};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    avoided, i18n::use_i18n, pages::FROM_FORM, reactive::dynamic, session::expect_session,
};

/// The pause in typing after which the suggestions are asked for.
const DEBOUNCE: Duration = Duration::from_millis(300);

fn heading(locale: Locale) -> &'static str {
    match locale {
        Locale::Fr => "Ces articles peuvent vous aider",
        Locale::En => "These articles may help",
    }
}

/// Whether `title` has a word long enough to look for.
fn worth_asking(title: &str) -> bool {
    title
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.chars().count() >= SUGGESTION_WORD_MIN_CHARS)
}

#[component]
pub fn ArticleSuggestions(title: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let found = RwSignal::new(Vec::<ArticleSummary>::new());
    // Each keystroke starts a new wait; only the last one asks.
    let typed = StoredValue::new(0_u64);

    Effect::new(move |_| {
        let text = title.get();
        typed.update_value(|n| *n += 1);
        let this = typed.get_value();
        if !worth_asking(&text) {
            found.set(Vec::new());
            return;
        }
        // The form may be gone when the wait ends (a ticket sent, a suggestion opened): the
        // `try_` reads then answer nothing rather than panic.
        set_timeout(
            move || {
                // The form may be gone by now (a ticket created, a page left): its values with it.
                if typed.try_get_value() != Some(this) {
                    return;
                }
                spawn_local(async move {
                    let answer = session
                        .call(|client| {
                            let text = text.clone();
                            async move { client.article_suggestions(&text).await }
                        })
                        .await;
                    if typed.try_get_value() == Some(this) {
                        found.try_set(answer.unwrap_or_default());
                    }
                });
            },
            DEBOUNCE,
        );
    });

    view! {
        <div class="suggestions" aria-live="polite">
            {dynamic(move || (!found.with(Vec::is_empty)).then(|| view! {
                <section aria-labelledby="suggestions-title">
                    <h2 id="suggestions-title">{dynamic(move || heading(i18n.locale()))}</h2>
                    <ul>
                        {found.get().into_iter().map(|article| {
                            let href = format!("/help/{}?from={FROM_FORM}", article.slug);
                            let slug = article.slug;
                            let open = move |_| {
                                if session.avoids_tickets() {
                                    avoided::opened(&slug);
                                }
                            };
                            view! {
                                <li lang=article.locale.as_str()>
                                    <a href=href on:click=open>{article.title}</a>
                                    <p class="excerpt">{article.excerpt}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }))}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_needs_a_word_of_three_letters() {
        assert!(!worth_asking("Ma b"));
        assert!(worth_asking("Ma box"));
        assert!(worth_asking("été"));
    }
}
