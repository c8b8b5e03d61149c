//! The support team's "Insérer un article": a small search of the knowledge base whose
//! results each insert "Title: <origin>/help/<slug>" at the cursor of the follow-up's text.
use guichet_types::{ArticleListQuery, ArticleSummary, Locale};
use leptos::{html, prelude::*, task::spawn_local};

use crate::{dom, i18n::use_i18n, reactive::dynamic, session::expect_session};

struct Words {
    open: &'static str,
    search: &'static str,
    go: &'static str,
    none: &'static str,
    /// `{title}`: the article inserted.
    insert: &'static str,
}

const FR: Words = Words {
    open: "Insérer un article",
    search: "Chercher un article de l'aide",
    go: "Chercher",
    none: "Aucun article ne correspond.",
    insert: "Insérer «\u{a0}{title}\u{a0}»",
};

const EN: Words = Words {
    open: "Link an article",
    search: "Search the help's articles",
    go: "Search",
    none: "No article matches.",
    insert: "Insert \"{title}\"",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// `text` with `link` put at `at` (a character offset, as the browser counts UTF-16 units
/// it is clamped to the text and to a character boundary).
pub fn insert_at(text: &str, at: usize, link: &str) -> String {
    let mut units = 0;
    let mut cut = text.len();
    for (index, c) in text.char_indices() {
        if units >= at {
            cut = index;
            break;
        }
        units += c.len_utf16();
    }
    let (before, after) = text.split_at(cut);
    let space_before = if before.is_empty() || before.ends_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    let space_after = if after.is_empty() || after.starts_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    format!("{before}{space_before}{link}{space_after}{after}")
}

#[component]
pub fn ArticleLink(body: RwSignal<String>, textarea: NodeRef<html::Textarea>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let open = RwSignal::new(false);
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ArticleSummary>>);

    let search = move || {
        let query = ArticleListQuery {
            q: Some(q.get_untracked()).filter(|q| !q.trim().is_empty()),
            published: Some(true),
            limit: Some(8),
            ..Default::default()
        };
        spawn_local(async move {
            let answer = session
                .call(|client| {
                    let query = query.clone();
                    async move { client.articles(&query).await }
                })
                .await;
            found.set(Some(answer.map(|page| page.items).unwrap_or_default()));
        });
    };
    let choose = move |article: ArticleSummary| {
        let link = format!("{}: {}/help/{}", article.title, dom::origin(), article.slug);
        let at = textarea
            .get_untracked()
            .and_then(|t| t.selection_start().ok().flatten())
            .map_or(usize::MAX, |at| at as usize);
        body.update(|text| *text = insert_at(text, at, &link));
        open.set(false);
        found.set(None);
        if let Some(t) = textarea.get_untracked() {
            let _ = t.focus();
        }
    };

    view! {
        <div class="article-link">
            <button type="button" class="secondary" aria-expanded=dynamic(move || open.get().to_string())
                on:click=move |_| { open.update(|o| *o = !*o); if open.get_untracked() { dom::focus_soon("article-link-q"); } }>
                {dynamic(move || words(i18n.locale()).open)}
            </button>
            {dynamic(move || open.get().then(|| view! {
                <div class="field inline">
                    <label for="article-link-q">{dynamic(move || words(i18n.locale()).search)}</label>
                    <input id="article-link-q" type="search" autocomplete="off" bind:value=q
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); search(); } />
                    <button type="button" class="secondary" on:click=move |_| search()>{dynamic(move || words(i18n.locale()).go)}</button>
                </div>
                <div aria-live="polite">
                    {dynamic(move || found.get().map(|items| {
                        let w = words(i18n.locale());
                        if items.is_empty() {
                            return view! { <p class="empty">{w.none}</p> }.into_any();
                        }
                        view! {
                            <ul class="article-choices">
                                {items.into_iter().map(|article| {
                                    let label = article.title.replace('{', "(");
                                    let text = w.insert.replace("{title}", &label);
                                    view! { <li><button type="button" class="link" on:click=move |_| choose(article.clone())>{text}</button></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }))}
                </div>
            }))}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_goes_at_the_cursor_between_words() {
        assert_eq!(insert_at("", 0, "A: u"), "A: u");
        assert_eq!(insert_at("Voyez ceci", 5, "A: u"), "Voyez A: u ceci");
        assert_eq!(insert_at("Été", usize::MAX, "A: u"), "Été A: u");
        assert_eq!(insert_at("Voyez ", 6, "A: u"), "Voyez A: u");
    }
}
