//! The help centre ("Aide / FAQ"): the articles' search with its filters, and an article's
//! page with "Cet article a-t-il été utile ?". Both work signed out (public articles only).
//!
//! Tickets avoided: the new-ticket form's suggestions open `/help/{slug}?from=new-ticket`,
//! and opening one is noted as pending; leaving without creating a ticket counts it
//! (`crate::avoided`). "Oui" is only a vote. On such a visit a signed-in customer also gets
//! "Problème résolu, ne pas créer de ticket", which leaves at once for the tickets list, where
//! the article (and any other opened from the form) is counted.
use guichet_types::{
    Article, ArticleFeedbackInput, ArticleListQuery, ArticleSummary, CategoryId, CategoryNode,
    Locale,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::{
    avoided,
    components::{page_title, LoadMore},
    dom,
    failure::Failure,
    i18n::{fill, texts, use_i18n},
    paging::Paging,
    reactive::dynamic,
    session::{expect_session, AuthState},
};

/// The query parameter the new-ticket form's suggestions add to an article's address.
pub const FROM_FORM: &str = "new-ticket";
/// Where the browser keeps the id of its anonymous votes.
const VOTER_KEY: &str = "guichet.voter";

/// This screen's own words, kept in its chunk. Both tables have every member.
struct Words {
    title: &'static str,
    intro: &'static str,
    search: &'static str,
    search_button: &'static str,
    category: &'static str,
    language: &'static str,
    any: &'static str,
    french: &'static str,
    english: &'static str,
    none: &'static str,
    /// `{n}`: how many articles are shown.
    found: &'static str,
    back: &'static str,
    reviewed: &'static str,
    other_language_fr: &'static str,
    other_language_en: &'static str,
    useful: &'static str,
    yes: &'static str,
    no: &'static str,
    comment: &'static str,
    send_comment: &'static str,
    thanks: &'static str,
    thanks_comment: &'static str,
    solved: &'static str,
    counters: &'static str,
    views: &'static str,
    helpful: &'static str,
    unhelpful: &'static str,
    avoided: &'static str,
    edit: &'static str,
    draft: &'static str,
    not_found: &'static str,
    editor: &'static str,
}

const FR: Words = Words {
    title: "Aide / FAQ",
    intro: "Les réponses aux questions les plus fréquentes. Cherchez par mots, par catégorie ou par langue.",
    search: "Rechercher dans l'aide",
    search_button: "Rechercher",
    category: "Catégorie",
    language: "Langue",
    any: "Toutes",
    french: "Français",
    english: "English",
    none: "Aucun article ne correspond.",
    found: "{n} article(s) affiché(s).",
    back: "Retour à l'aide",
    reviewed: "Vérifié le",
    other_language_fr: "Version française",
    other_language_en: "English version",
    useful: "Cet article a-t-il été utile\u{a0}?",
    yes: "Oui",
    no: "Non",
    comment: "Un commentaire (facultatif)",
    send_comment: "Envoyer le commentaire",
    thanks: "Merci pour votre réponse.",
    thanks_comment: "Merci, votre commentaire est enregistré.",
    solved: "Problème résolu, ne pas créer de ticket",
    counters: "Statistiques",
    views: "Lectures",
    helpful: "Utile",
    unhelpful: "Pas utile",
    avoided: "Tickets évités",
    edit: "Modifier",
    draft: "Brouillon",
    not_found: "Cet article n'existe pas ou ne vous est pas accessible.",
    editor: "Gérer les articles",
};

const EN: Words = Words {
    title: "Help / FAQ",
    intro: "Answers to the most frequent questions. Search by words, category or language.",
    search: "Search the help",
    search_button: "Search",
    category: "Category",
    language: "Language",
    any: "All",
    french: "Français",
    english: "English",
    none: "No article matches.",
    found: "{n} article(s) shown.",
    back: "Back to the help",
    reviewed: "Checked on",
    other_language_fr: "Version française",
    other_language_en: "English version",
    useful: "Was this article helpful?",
    yes: "Yes",
    no: "No",
    comment: "A comment (optional)",
    send_comment: "Send the comment",
    thanks: "Thank you for your answer.",
    thanks_comment: "Thank you, your comment is saved.",
    solved: "Problem solved, no ticket needed",
    counters: "Statistics",
    views: "Readings",
    helpful: "Helpful",
    unhelpful: "Not helpful",
    avoided: "Tickets avoided",
    edit: "Edit",
    draft: "Draft",
    not_found: "This article does not exist or is not available to you.",
    editor: "Manage the articles",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// The categories as a flat list of choices, each named by its path.
fn flatten(nodes: &[CategoryNode], parent: &str, out: &mut Vec<(CategoryId, String)>) {
    for node in nodes {
        let name = if parent.is_empty() {
            node.name.clone()
        } else {
            format!("{parent} › {}", node.name)
        };
        out.push((node.id, name.clone()));
        flatten(&node.children, &name, out);
    }
}

/// The browser's anonymous voter id: a random UUID (version 4) kept in localStorage.
fn voter() -> String {
    if let Some(known) = dom::storage_get(VOTER_KEY).filter(|v| guichet_types::is_valid_voter(v)) {
        return known;
    }
    let made = uuid_v4(|| (js_sys::Math::random() * 256.0) as u8);
    dom::storage_set(VOTER_KEY, &made);
    made
}

/// A version 4 UUID from 16 random bytes.
fn uuid_v4(mut byte: impl FnMut() -> u8) -> String {
    let mut bytes: [u8; 16] = std::array::from_fn(|_| byte());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `/help` (the search) and `/help/{slug}` (an article).
#[component]
pub fn HelpScreens() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").is_some()));
    dynamic(move || {
        if slug.get() {
            view! { <ArticlePage /> }.into_any()
        } else {
            view! { <HelpPage /> }.into_any()
        }
    })
}

#[component]
fn HelpPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.nav_help);
    let q = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let locale = RwSignal::new(String::new());
    let list = Paging::<ArticleSummary>::new();
    let categories = RwSignal::new(Vec::<(CategoryId, String)>::new());

    let load = move |cursor: Option<String>| {
        let query = ArticleListQuery {
            q: Some(q.get_untracked()).filter(|q| !q.trim().is_empty()),
            category_id: category.get_untracked().parse().ok().map(CategoryId),
            locale: Locale::parse(&locale.get_untracked()),
            published: None,
            cursor: None,
            limit: Some(20),
        };
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let query = ArticleListQuery {
                        cursor: cursor.clone(),
                        ..query.clone()
                    };
                    async move { client.articles(&query).await }
                })
                .await
        });
    };
    // Once the session is known: a signed-in reader gets more articles than a visitor. The
    // category tree needs a session.
    Effect::new(move |_| {
        let state = session.state();
        if state == AuthState::Restoring {
            return;
        }
        load(None);
        if state == AuthState::SignedIn {
            spawn_local(async move {
                if let Ok(tree) = session
                    .call(|client| async move { client.categories().await })
                    .await
                {
                    let mut flat = Vec::new();
                    flatten(&tree, "", &mut flat);
                    categories.set(flat);
                }
            });
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    let results = move || {
        let locale = i18n.locale();
        let w = words(locale);
        list.items
            .get()
            .into_iter()
            .map(|article| {
                let href = format!("/help/{}", article.slug);
                let lang = article.locale.as_str();
                let category = article.category.map(|c| c.name);
                let draft = (!article.published).then_some(w.draft);
                view! {
                    <li lang=lang>
                        <h2><a href=href>{article.title}</a></h2>
                        <p class="excerpt">{article.excerpt}</p>
                        <p class="meta">
                            {category}
                            {draft.map(|d| view! { " " <span class="badge">{d}</span> })}
                        </p>
                    </li>
                }
            })
            .collect_view()
    };
    let option =
        move |value: &'static str, label: fn(&Words) -> &'static str, chosen: RwSignal<String>| {
            view! {
                <option value=value prop:selected=dynamic(move || chosen.get() == value)>
                    {dynamic(move || label(words(i18n.locale())))}
                </option>
            }
        };

    view! {
        <section class="help" aria-labelledby="page-title">
            <h1 id="page-title" tabindex="-1">{dynamic(move || words(i18n.locale()).title)}</h1>
            <p class="intro">{dynamic(move || words(i18n.locale()).intro)}</p>
            {dynamic(move || session.is_staff().then(|| view! {
                <p><a href="/admin/articles">{dynamic(move || words(i18n.locale()).editor)}</a></p>
            }))}
            <form class="filters help-search" role="search" on:submit=on_submit>
                <div class="field">
                    <label for="help-q">{dynamic(move || words(i18n.locale()).search)}</label>
                    <input id="help-q" name="q" type="search" autocomplete="off" bind:value=q />
                </div>
                {dynamic(move || (!categories.with(Vec::is_empty)).then(|| view! {
                    <div class="field">
                        <label for="help-category">{dynamic(move || words(i18n.locale()).category)}</label>
                        <select id="help-category" name="category_id" on:change=move |ev| { category.set(event_target_value(&ev)); load(None); }>
                            {option("", |w| w.any, category)}
                            {categories.get().into_iter().map(|(id, name)| {
                                let value = id.to_string();
                                let selected = value.clone();
                                view! { <option value=value prop:selected=dynamic(move || category.get() == selected)>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                }))}
                <div class="field">
                    <label for="help-locale">{dynamic(move || words(i18n.locale()).language)}</label>
                    <select id="help-locale" name="locale" on:change=move |ev| { locale.set(event_target_value(&ev)); load(None); }>
                        {option("", |w| w.any, locale)}
                        {option("fr", |w| w.french, locale)}
                        {option("en", |w| w.english, locale)}
                    </select>
                </div>
                <div class="actions">
                    <button type="submit">{dynamic(move || words(i18n.locale()).search_button)}</button>
                </div>
            </form>
            <p role="status" class="visually-hidden">
                {dynamic(move || list.loaded.get().then(|| fill(words(i18n.locale()).found, "n", &list.items.with(Vec::len).to_string())))}
            </p>
            {dynamic(move || {
                if !list.loaded.get() {
                    list.failure.with(Option::is_none).then(|| view! {
                        <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                    }).into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || words(i18n.locale()).none)}</p> }.into_any()
                } else {
                    view! { <ul class="articles">{dynamic(results)}</ul> }.into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
        </section>
    }
}

#[component]
fn ArticlePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let navigate = use_navigate();
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()));
    let from_form = Memo::new(move |_| query.with(|q| q.get("from").as_deref() == Some(FROM_FORM)));
    let article = RwSignal::new(None::<Article>);
    let failure = RwSignal::new(None::<Failure>);
    let vote = RwSignal::new(None::<bool>);
    let comment = RwSignal::new(String::new());
    let comment_sent = RwSignal::new(false);
    let vote_failure = RwSignal::new(None::<Failure>);

    Effect::new(move |_| {
        let title = article.with(|a| a.as_ref().map(|a| a.title.clone()));
        let t = i18n.t();
        dom::set_document_title(&format!(
            "{} — {}",
            title.unwrap_or_else(|| words(i18n.locale()).title.to_owned()),
            t.app_name
        ));
    });
    Effect::new(move |_| {
        let slug = slug.get();
        if session.state() == AuthState::Restoring {
            return;
        }
        article.set(None);
        failure.set(None);
        vote.set(None);
        comment.set(String::new());
        comment_sent.set(false);
        spawn_local(async move {
            let slug_sent = slug.clone();
            match session
                .call(|client| {
                    let slug = slug_sent.clone();
                    async move { client.article(&slug).await }
                })
                .await
            {
                Ok(found) => article.set(Some(found)),
                Err(error) => failure.set(Some(error)),
            }
        });
    });

    let customer = move || session.state() == AuthState::SignedIn && !session.is_staff();
    let send_vote = move |helpful: bool, with_comment: bool| {
        let slug = slug.get_untracked();
        let input = ArticleFeedbackInput {
            helpful,
            comment: with_comment
                .then(|| comment.get_untracked())
                .filter(|c| !c.trim().is_empty()),
            voter: Some(voter()),
        };
        vote_failure.set(None);
        spawn_local(async move {
            let sent = session
                .call(|client| {
                    let (slug, input) = (slug.clone(), input.clone());
                    async move { client.vote_on_article(&slug, &input).await }
                })
                .await;
            match sent {
                Ok(_) => {
                    vote.set(Some(helpful));
                    if with_comment {
                        comment_sent.set(true);
                    }
                }
                Err(error) => vote_failure.set(Some(error)),
            }
        });
    };
    // Leaving for the tickets list counts the article (`crate::avoided`); noted again in case
    // this visit did not start with the form's link (a new tab).
    let on_solved = move |_| {
        if session.avoids_tickets() {
            avoided::opened(&slug.get_untracked());
        }
        navigate("/tickets", Default::default());
    };

    let feedback = move || {
        let w = words(i18n.locale());
        view! {
            <section class="feedback" aria-labelledby="feedback-title">
                <h2 id="feedback-title">{w.useful}</h2>
                <div class="actions">
                    <button type="button" class="secondary" aria-pressed=dynamic(move || (vote.get() == Some(true)).to_string()) on:click=move |_| send_vote(true, false)>{w.yes}</button>
                    <button type="button" class="secondary" aria-pressed=dynamic(move || (vote.get() == Some(false)).to_string()) on:click=move |_| send_vote(false, false)>{w.no}</button>
                </div>
                <div role="status">
                    {dynamic(move || vote.get().map(|_| {
                        let w = words(i18n.locale());
                        view! { <p class="flash">{if comment_sent.get() { w.thanks_comment } else { w.thanks }}</p> }
                    }))}
                </div>
                <div role="alert">
                    {dynamic(move || vote_failure.get().map(|f| view! { <p class="alert">{(f.message())(i18n.t())}</p> }))}
                </div>
                {dynamic(move || vote.get().map(|helpful| view! {
                    <div class="field">
                        <label for="feedback-comment">{dynamic(move || words(i18n.locale()).comment)}</label>
                        <textarea id="feedback-comment" name="comment" rows="3" maxlength="2000" bind:value=comment></textarea>
                    </div>
                    <p><button type="button" on:click=move |_| send_vote(helpful, true)>{dynamic(move || words(i18n.locale()).send_comment)}</button></p>
                }))}
            </section>
        }
    };

    let staff_box = move |a: &Article| {
        let w = words(i18n.locale());
        let edit = format!("/admin/articles/{}", a.slug);
        let value = |v: Option<i64>| v.unwrap_or_default().to_string();
        view! {
            <section class="article-counters" aria-labelledby="counters-title">
                <h2 id="counters-title">{w.counters}</h2>
                <dl class="details">
                    <dt>{w.views}</dt><dd class="views">{value(a.views)}</dd>
                    <dt>{w.helpful}</dt><dd class="helpful">{value(a.helpful_count)}</dd>
                    <dt>{w.unhelpful}</dt><dd class="unhelpful">{value(a.unhelpful_count)}</dd>
                    <dt>{w.avoided}</dt><dd class="avoided">{value(a.avoided_tickets)}</dd>
                </dl>
                <p><a href=edit>{w.edit}</a></p>
            </section>
        }
    };

    let page = move || {
        let w = words(i18n.locale());
        let tag = texts(i18n.locale()).tag;
        if let Some(f) = failure.get() {
            let text = if f.is_status(404) {
                w.not_found
            } else {
                (f.message())(i18n.t())
            };
            return view! {
                <h1 id="page-title" tabindex="-1">{w.title}</h1>
                <p class="alert" role="alert">{text}</p>
            }
            .into_any();
        }
        let Some(a) = article.get() else {
            return view! { <p class="loading" role="status">{i18n.t().loading}</p> }.into_any();
        };
        let reviewed = a.reviewed_on.to_string();
        let reviewed_shown = dom::format_date_time(&format!("{reviewed}T12:00:00Z"), tag);
        let reviewed_shown = reviewed_shown
            .split(' ')
            .next()
            .unwrap_or_default()
            .trim_end_matches(',')
            .to_owned();
        let translations = a
            .translations
            .iter()
            .map(|tr| {
                let label = match tr.locale {
                    Locale::Fr => w.other_language_fr,
                    Locale::En => w.other_language_en,
                };
                let href = format!("/help/{}", tr.slug);
                view! { <li><a href=href hreflang=tr.locale.as_str() lang=tr.locale.as_str()>{label}</a></li> }
            })
            .collect_view();
        let staff = session.is_staff().then(|| staff_box(&a));
        let solved_button = (from_form.get() && customer()).then(|| view! {
            <p class="article-tools"><button type="button" on:click=on_solved.clone()>{w.solved}</button></p>
        });
        view! {
            <article lang=a.locale.as_str()>
                <h1 id="page-title" tabindex="-1">{a.title.clone()}</h1>
                <p class="meta">
                    {a.category.clone().map(|c| view! { <span class="category">{c.name}</span> " · " })}
                    {w.reviewed} " " <time datetime=reviewed>{reviewed_shown}</time>
                    {(!a.published).then(|| view! { " " <span class="badge">{w.draft}</span> })}
                </p>
                <ul class="translations">{translations}</ul>
                <div class="article-body" inner_html=a.body_html.clone()></div>
            </article>
            {solved_button}
            {feedback()}
            {staff}
        }
        .into_any()
    };

    view! {
        <section class="help-article" aria-labelledby="page-title">
            <p class="article-tools"><a href="/help">{dynamic(move || words(i18n.locale()).back)}</a></p>
            {dynamic(page)}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_voter_id_is_a_version_4_uuid() {
        let mut n = 0u8;
        let made = uuid_v4(|| {
            n = n.wrapping_add(37);
            n
        });
        assert!(guichet_types::is_valid_voter(&made), "{made}");
        assert_eq!(&made[14..15], "4");
    }

    #[test]
    fn categories_are_named_by_their_path() {
        let node = |id, name: &str, children| CategoryNode {
            id: CategoryId(id),
            name: name.into(),
            kind: None,
            active: true,
            position: 0,
            name_fr: None,
            name_en: None,
            children,
        };
        let tree = vec![node(1, "Réseau", vec![node(2, "Wi-Fi", vec![])])];
        let mut flat = Vec::new();
        flatten(&tree, "", &mut flat);
        assert_eq!(flat[1], (CategoryId(2), "Réseau › Wi-Fi".to_owned()));
    }
}
