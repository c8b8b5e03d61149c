//! The support team's knowledge base: every article (drafts included) with its counters, and
//! the editor — Markdown with a preview rendered by the server as saving would, images,
//! visibility, translations, "vérifié aujourd'hui", deletion and the revision history.
use guichet_client::PageAt;
use guichet_types::{
    Article, ArticleId, ArticleListQuery, ArticlePreviewInput, ArticleRevision, ArticleSummary,
    ArticleUpdate, ArticleVisibility, CategoryId, CategoryNode, Company, CompanyId,
    CompanyListQuery, Locale, NewArticle,
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::{
    components::{page_title, ErrorSummary, FieldMessage, LoadMore},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// The editor's fields in the order shown, by their API names (also their ids).
const ORDER: [&str; 9] = [
    "title",
    "slug",
    "locale",
    "translation_of",
    "category_id",
    "visibility",
    "company_ids",
    "published",
    "body_markdown",
];

struct Words {
    title: &'static str,
    intro: &'static str,
    new: &'static str,
    none: &'static str,
    col_title: &'static str,
    col_state: &'static str,
    draft: &'static str,
    published: &'static str,
    views: &'static str,
    helpful: &'static str,
    unhelpful: &'static str,
    avoided: &'static str,
    new_title: &'static str,
    edit_title: &'static str,
    f_title: &'static str,
    f_slug: &'static str,
    slug_hint: &'static str,
    f_locale: &'static str,
    f_translation: &'static str,
    translation_hint: &'static str,
    f_category: &'static str,
    no_category: &'static str,
    f_visibility: &'static str,
    v_public: &'static str,
    v_customers: &'static str,
    v_companies: &'static str,
    f_companies: &'static str,
    f_published: &'static str,
    f_reviewed: &'static str,
    f_body: &'static str,
    write: &'static str,
    preview: &'static str,
    image: &'static str,
    image_add: &'static str,
    image_failed: &'static str,
    save: &'static str,
    saved: &'static str,
    delete: &'static str,
    confirm_delete: &'static str,
    cancel: &'static str,
    revisions: &'static str,
    revision: &'static str,
    view_article: &'static str,
    back: &'static str,
}

const FR: Words = Words {
    title: "Articles de l'aide",
    intro: "Tous les articles, brouillons compris, avec leurs lectures, votes et tickets évités.",
    new: "Nouvel article",
    none: "Aucun article.",
    col_title: "Titre",
    col_state: "État",
    draft: "Brouillon",
    published: "Publié",
    views: "Lectures",
    helpful: "Utile",
    unhelpful: "Pas utile",
    avoided: "Tickets évités",
    new_title: "Nouvel article",
    edit_title: "Modifier l'article",
    f_title: "Titre",
    f_slug: "Adresse (slug)",
    slug_hint: "Minuscules, chiffres et tirets\u{a0}; laissée vide, elle vient du titre.",
    f_locale: "Langue",
    f_translation: "Traduction de l'article n°",
    translation_hint: "Le numéro de l'original dans l'autre langue, ou vide.",
    f_category: "Catégorie",
    no_category: "Aucune",
    f_visibility: "Visible par",
    v_public: "Tout le monde, sans connexion",
    v_customers: "Tous les clients connectés",
    v_companies: "Les clients de certaines sociétés",
    f_companies: "Sociétés",
    f_published: "Publié (sinon brouillon)",
    f_reviewed: "Marquer comme vérifié aujourd'hui",
    f_body: "Contenu (Markdown)",
    write: "Rédaction",
    preview: "Aperçu",
    image: "Image à insérer",
    image_add: "Envoyer et insérer l'image",
    image_failed: "L'image n'a pas pu être envoyée.",
    save: "Enregistrer",
    saved: "L'article est enregistré.",
    delete: "Supprimer l'article",
    confirm_delete: "Confirmer la suppression",
    cancel: "Annuler",
    revisions: "Historique des versions",
    revision: "Version",
    view_article: "Voir l'article",
    back: "Articles de l'aide",
};

const EN: Words = Words {
    title: "Help articles",
    intro: "Every article, drafts included, with their readings, votes and tickets avoided.",
    new: "New article",
    none: "No articles.",
    col_title: "Title",
    col_state: "State",
    draft: "Draft",
    published: "Published",
    views: "Readings",
    helpful: "Helpful",
    unhelpful: "Not helpful",
    avoided: "Tickets avoided",
    new_title: "New article",
    edit_title: "Edit the article",
    f_title: "Title",
    f_slug: "Address (slug)",
    slug_hint: "Lower-case letters, digits and hyphens; left empty, it comes from the title.",
    f_locale: "Language",
    f_translation: "Translation of article no.",
    translation_hint: "The number of the original in the other language, or empty.",
    f_category: "Category",
    no_category: "None",
    f_visibility: "Visible to",
    v_public: "Everyone, signed out too",
    v_customers: "Every signed-in customer",
    v_companies: "The customers of some companies",
    f_companies: "Companies",
    f_published: "Published (else a draft)",
    f_reviewed: "Mark as checked today",
    f_body: "Content (Markdown)",
    write: "Write",
    preview: "Preview",
    image: "Image to insert",
    image_add: "Upload and insert the image",
    image_failed: "The image could not be uploaded.",
    save: "Save",
    saved: "The article is saved.",
    delete: "Delete the article",
    confirm_delete: "Confirm the deletion",
    cancel: "Cancel",
    revisions: "Revision history",
    revision: "Revision",
    view_article: "View the article",
    back: "Help articles",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::Fr => &FR,
        Locale::En => &EN,
    }
}

/// The label of a field for the error summary.
fn label(t: &Texts, field: &str) -> &'static str {
    let w = if t.tag.starts_with("en") { &EN } else { &FR };
    match field {
        "title" => w.f_title,
        "slug" => w.f_slug,
        "locale" => w.f_locale,
        "translation_of" => w.f_translation,
        "category_id" => w.f_category,
        "visibility" => w.f_visibility,
        "company_ids" => w.f_companies,
        "published" => w.f_published,
        "body_markdown" => w.f_body,
        _ => w.f_body,
    }
}

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

/// `/admin/articles` (the list), `/admin/articles/new` and `/admin/articles/{slug}` (the
/// editor; `new` is a reserved slug).
#[component]
pub fn ArticleAdminScreens() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")));
    dynamic(move || match slug.get() {
        None => view! { <ArticlesAdminPage /> }.into_any(),
        Some(_) => view! { <ArticleEditorPage /> }.into_any(),
    })
}

#[component]
fn ArticlesAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.nav_help);
    let list = Paging::<ArticleSummary>::new();
    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let query = ArticleListQuery {
                        cursor: cursor.clone(),
                        limit: Some(50),
                        ..Default::default()
                    };
                    async move { client.articles(&query).await }
                })
                .await
        });
    };
    load(None);
    let rows = move || {
        let w = words(i18n.locale());
        list.items
            .get()
            .into_iter()
            .map(|a| {
                let href = format!("/admin/articles/{}", a.slug);
                let state = if a.published { w.published } else { w.draft };
                let n = |v: Option<i64>| v.unwrap_or_default();
                view! {
                    <tr>
                        <td data-label=w.col_title><a href=href lang=a.locale.as_str()>{a.title}</a></td>
                        <td data-label=w.f_locale>{a.locale.as_str()}</td>
                        <td data-label=w.col_state>{state}</td>
                        <td data-label=w.views>{n(a.views)}</td>
                        <td data-label=w.helpful>{n(a.helpful_count)}</td>
                        <td data-label=w.unhelpful>{n(a.unhelpful_count)}</td>
                        <td data-label=w.avoided>{n(a.avoided_tickets)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="admin-articles" aria-labelledby="page-title">
            <p><a href="/admin">{dynamic(move || i18n.t().nav_admin)}</a></p>
            <h1 id="page-title" tabindex="-1">{dynamic(move || words(i18n.locale()).title)}</h1>
            <p class="intro">{dynamic(move || words(i18n.locale()).intro)}</p>
            <p><a class="button" href="/admin/articles/new">{dynamic(move || words(i18n.locale()).new)}</a></p>
            {dynamic(move || {
                let w = words(i18n.locale());
                if !list.loaded.get() {
                    view! { <p class="loading" role="status">{i18n.t().loading}</p> }.into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{w.none}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-wrap">
                            <table class="tickets">
                                <caption class="visually-hidden">{w.title}</caption>
                                <thead><tr>
                                    <th scope="col">{w.col_title}</th>
                                    <th scope="col">{w.f_locale}</th>
                                    <th scope="col">{w.col_state}</th>
                                    <th scope="col">{w.views}</th>
                                    <th scope="col">{w.helpful}</th>
                                    <th scope="col">{w.unhelpful}</th>
                                    <th scope="col">{w.avoided}</th>
                                </tr></thead>
                                <tbody>{dynamic(rows)}</tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
        </section>
    }
}

/// The editor's fields as typed.
#[derive(Clone, Copy)]
struct Fields {
    title: RwSignal<String>,
    slug: RwSignal<String>,
    locale: RwSignal<String>,
    translation_of: RwSignal<String>,
    category: RwSignal<String>,
    visibility: RwSignal<String>,
    companies: RwSignal<Vec<CompanyId>>,
    published: RwSignal<bool>,
    reviewed: RwSignal<bool>,
    body: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        Fields {
            title: RwSignal::new(String::new()),
            slug: RwSignal::new(String::new()),
            locale: RwSignal::new("fr".to_owned()),
            translation_of: RwSignal::new(String::new()),
            category: RwSignal::new(String::new()),
            visibility: RwSignal::new("customers".to_owned()),
            companies: RwSignal::new(Vec::new()),
            published: RwSignal::new(false),
            reviewed: RwSignal::new(false),
            body: RwSignal::new(String::new()),
        }
    }

    fn fill(&self, a: &Article) {
        self.title.set(a.title.clone());
        self.slug.set(a.slug.clone());
        self.locale.set(a.locale.as_str().to_owned());
        self.translation_of.set(
            a.translation_of
                .map(|id| id.to_string())
                .unwrap_or_default(),
        );
        self.category
            .set(a.category_id.map(|id| id.to_string()).unwrap_or_default());
        self.visibility.set(a.visibility.as_str().to_owned());
        self.companies.set(a.company_ids.clone());
        self.published.set(a.published);
        self.reviewed.set(false);
        self.body.set(a.body_markdown.clone());
    }

    fn visibility(&self) -> ArticleVisibility {
        ArticleVisibility::parse(&self.visibility.get_untracked()).unwrap_or_default()
    }

    fn translation_of(&self) -> Option<ArticleId> {
        self.translation_of
            .get_untracked()
            .trim()
            .parse()
            .ok()
            .map(ArticleId)
    }

    fn category(&self) -> Option<CategoryId> {
        self.category.get_untracked().parse().ok().map(CategoryId)
    }

    fn company_ids(&self) -> Option<Vec<CompanyId>> {
        (self.visibility() == ArticleVisibility::Companies).then(|| self.companies.get_untracked())
    }

    fn new_article(&self) -> NewArticle {
        NewArticle {
            slug: Some(self.slug.get_untracked().trim().to_owned()).filter(|s| !s.is_empty()),
            title: self.title.get_untracked(),
            body_markdown: self.body.get_untracked(),
            locale: Locale::parse(&self.locale.get_untracked()).unwrap_or(Locale::Fr),
            translation_of: self.translation_of(),
            category_id: self.category(),
            visibility: self.visibility(),
            company_ids: self.company_ids(),
            published: Some(self.published.get_untracked()),
        }
    }

    fn update(&self) -> ArticleUpdate {
        ArticleUpdate {
            slug: Some(self.slug.get_untracked().trim().to_owned()),
            title: Some(self.title.get_untracked()),
            body_markdown: Some(self.body.get_untracked()),
            locale: Locale::parse(&self.locale.get_untracked()),
            translation_of: Some(self.translation_of()),
            category_id: Some(self.category()),
            visibility: Some(self.visibility()),
            company_ids: self.company_ids(),
            published: Some(self.published.get_untracked()),
            reviewed: self.reviewed.get_untracked().then_some(true),
        }
    }
}

/// `/admin/articles/{slug}`, or a new article at `/admin/articles/new`.
#[component]
fn ArticleEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let navigate = use_navigate();
    let params = use_params_map();
    let slug = Memo::new(move |_| params.with(|p| p.get("slug")).filter(|s| s != "new"));
    page_title(|t| t.nav_help);
    let fields = Fields::new();
    let loaded = RwSignal::new(None::<Article>);
    let categories = RwSignal::new(Vec::<(CategoryId, String)>::new());
    let companies = RwSignal::new(Vec::<Company>::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let saved = RwSignal::new(false);
    let preview = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let revisions = RwSignal::new(Vec::<ArticleRevision>::new());
    let image_input = NodeRef::<html::Input>::new();
    let image_failed = RwSignal::new(false);

    spawn_local(async move {
        if let Ok(tree) = session
            .call(|client| async move { client.categories().await })
            .await
        {
            let mut flat = Vec::new();
            flatten(&tree, "", &mut flat);
            categories.set(flat);
        }
        let query = CompanyListQuery {
            limit: Some(100),
            ..Default::default()
        };
        if let Ok(page) = session
            .call(|client| {
                let query = query.clone();
                async move { client.companies(&query).await }
            })
            .await
        {
            companies.set(page.items);
        }
    });
    let load_revisions = move |slug: String| {
        spawn_local(async move {
            if let Ok(page) = session
                .call(|client| {
                    let slug = slug.clone();
                    async move { client.article_revisions(&slug, &PageAt::default()).await }
                })
                .await
            {
                revisions.set(page.items);
            }
        });
    };
    Effect::new(move |_| {
        let Some(slug) = slug.get() else { return };
        spawn_local(async move {
            let wanted = slug.clone();
            if let Ok(article) = session
                .call(|client| {
                    let slug = wanted.clone();
                    async move { client.article(&slug).await }
                })
                .await
            {
                fields.fill(&article);
                loaded.set(Some(article));
            }
            load_revisions(slug);
        });
    });

    let show_errors = move |failure: crate::failure::Failure| {
        if failure.errors.is_empty() {
            general.set(Some(failure.message()));
            return;
        }
        let found = FieldErrors::new(failure.errors, |field| match field {
            "title" => fields.title.get_untracked().trim().is_empty(),
            "body_markdown" => fields.body.get_untracked().trim().is_empty(),
            _ => false,
        })
        .sorted(&ORDER);
        let first = found.first_of(&ORDER);
        errors.set(found);
        if let Some(first) = first {
            dom::focus_field(first);
        }
    };
    let save = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            errors.set(FieldErrors::default());
            general.set(None);
            saved.set(false);
            let navigate = navigate.clone();
            let current = loaded.get_untracked().map(|a| a.slug);
            spawn_local(async move {
                let answer = match current.clone() {
                    None => {
                        let new = fields.new_article();
                        session
                            .call(|client| {
                                let new = new.clone();
                                async move { client.create_article(&new).await }
                            })
                            .await
                    }
                    Some(slug) => {
                        let update = fields.update();
                        session
                            .call(|client| {
                                let (slug, update) = (slug.clone(), update.clone());
                                async move { client.update_article(&slug, &update).await }
                            })
                            .await
                    }
                };
                match answer {
                    Ok(article) => {
                        saved.set(true);
                        let moved = current.as_deref() != Some(article.slug.as_str());
                        fields.fill(&article);
                        let slug = article.slug.clone();
                        loaded.set(Some(article));
                        if moved {
                            navigate(&format!("/admin/articles/{slug}"), Default::default());
                        } else {
                            load_revisions(slug);
                        }
                    }
                    Err(failure) => show_errors(failure),
                }
            });
        }
    };
    let remove = move |_| {
        let Some(slug) = loaded.get_untracked().map(|a| a.slug) else {
            return;
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let done = session
                .call(|client| {
                    let slug = slug.clone();
                    async move { client.delete_article(&slug).await }
                })
                .await;
            match done {
                Ok(()) => navigate("/admin/articles", Default::default()),
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };
    let show_preview = move |_| {
        let body_markdown = fields.body.get_untracked();
        spawn_local(async move {
            let input = ArticlePreviewInput { body_markdown };
            match session
                .call(|client| {
                    let input = input.clone();
                    async move { client.preview_article(&input).await }
                })
                .await
            {
                Ok(done) => preview.set(Some(done.body_html)),
                Err(failure) => show_errors(failure),
            }
        });
    };
    let upload_image = move |_| {
        let Some(slug) = loaded.get_untracked().map(|a| a.slug) else {
            return;
        };
        let Some(file) = image_input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            return;
        };
        image_failed.set(false);
        spawn_local(async move {
            let name = file.name();
            let kind = file.type_();
            let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else {
                image_failed.set(true);
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            let done = session
                .call(|client| {
                    let (slug, name, kind, bytes) =
                        (slug.clone(), name.clone(), kind.clone(), bytes.clone());
                    async move {
                        client
                            .upload_article_image(&slug, &name, &kind, bytes)
                            .await
                    }
                })
                .await;
            match done {
                Ok(image) => {
                    let alt = image.file_name.replace(['[', ']'], "");
                    fields.body.update(|b| {
                        if !b.is_empty() && !b.ends_with('\n') {
                            b.push('\n');
                        }
                        b.push_str(&format!("![{alt}]({})\n", image.url));
                    });
                    if let Some(input) = image_input.get_untracked() {
                        input.set_value("");
                    }
                }
                Err(_) => image_failed.set(true),
            }
        });
    };

    let invalid =
        move |field: &'static str| dynamic(move || errors.with(|e| e.has(field)).then_some("true"));
    let described = move |field: &'static str, hint: bool| {
        dynamic(move || described_by(field, hint, errors.with(|e| e.has(field))))
    };
    let text = move |pick: fn(&Words) -> &'static str| dynamic(move || pick(words(i18n.locale())));
    let choice = move |value: &'static str,
                       pick: fn(&Words) -> &'static str,
                       signal: RwSignal<String>| {
        view! { <option value=value prop:selected=dynamic(move || signal.get() == value)>{text(pick)}</option> }
    };

    view! {
        <section class="article-editor" aria-labelledby="page-title">
            <p><a href="/admin/articles">{text(|w| w.back)}</a></p>
            <h1 id="page-title" tabindex="-1">
                {dynamic(move || { let w = words(i18n.locale()); if slug.get().is_some() { w.edit_title } else { w.new_title } })}
            </h1>
            {dynamic(move || loaded.get().map(|a| view! {
                <p><a href=format!("/help/{}", a.slug)>{text(|w| w.view_article)}</a></p>
            }))}
            <ErrorSummary errors general label />
            <div role="status">
                {dynamic(move || saved.get().then(|| view! { <p class="flash">{text(|w| w.saved)}</p> }))}
            </div>
            <form novalidate on:submit=save>
                <div class="field">
                    <label for="title">{text(|w| w.f_title)}</label>
                    <input id="title" name="title" type="text" maxlength="200" bind:value=fields.title aria-invalid=invalid("title") aria-describedby=described("title", false) />
                    <FieldMessage id="title" field="title" errors />
                </div>
                <div class="field">
                    <label for="slug">{text(|w| w.f_slug)}</label>
                    <input id="slug" name="slug" type="text" maxlength="100" autocomplete="off" bind:value=fields.slug aria-invalid=invalid("slug") aria-describedby=described("slug", true) />
                    <p id="slug-hint" class="hint">{text(|w| w.slug_hint)}</p>
                    <FieldMessage id="slug" field="slug" errors />
                </div>
                <div class="field">
                    <label for="locale">{text(|w| w.f_locale)}</label>
                    <select id="locale" name="locale" on:change=move |ev| fields.locale.set(event_target_value(&ev))>
                        <option value="fr" prop:selected=dynamic(move || fields.locale.get() == "fr")>"Français"</option>
                        <option value="en" prop:selected=dynamic(move || fields.locale.get() == "en")>"English"</option>
                    </select>
                    <FieldMessage id="locale" field="locale" errors />
                </div>
                <div class="field">
                    <label for="translation_of">{text(|w| w.f_translation)}</label>
                    <input id="translation_of" name="translation_of" type="text" inputmode="numeric" bind:value=fields.translation_of aria-invalid=invalid("translation_of") aria-describedby=described("translation_of", true) />
                    <p id="translation_of-hint" class="hint">{text(|w| w.translation_hint)}</p>
                    <FieldMessage id="translation_of" field="translation_of" errors />
                </div>
                <div class="field">
                    <label for="category_id">{text(|w| w.f_category)}</label>
                    <select id="category_id" name="category_id" on:change=move |ev| fields.category.set(event_target_value(&ev)) aria-invalid=invalid("category_id") aria-describedby=described("category_id", false)>
                        {choice("", |w| w.no_category, fields.category)}
                        {dynamic(move || categories.get().into_iter().map(|(id, name)| {
                            let value = id.to_string();
                            let chosen = value.clone();
                            view! { <option value=value prop:selected=dynamic(move || fields.category.get() == chosen)>{name}</option> }
                        }).collect_view())}
                    </select>
                    <FieldMessage id="category_id" field="category_id" errors />
                </div>
                <div class="field">
                    <label for="visibility">{text(|w| w.f_visibility)}</label>
                    <select id="visibility" name="visibility" on:change=move |ev| fields.visibility.set(event_target_value(&ev))>
                        {choice("public", |w| w.v_public, fields.visibility)}
                        {choice("customers", |w| w.v_customers, fields.visibility)}
                        {choice("companies", |w| w.v_companies, fields.visibility)}
                    </select>
                </div>
                {dynamic(move || (fields.visibility.get() == "companies").then(|| view! {
                    <fieldset class="field" id="company_ids" tabindex="-1" aria-describedby=described("company_ids", false)>
                        <legend>{text(|w| w.f_companies)}</legend>
                        {companies.get().into_iter().map(|company| {
                            let id = company.id;
                            let input_id = format!("company-{id}");
                            view! {
                                <div class="choice">
                                    <input id=input_id.clone() type="checkbox"
                                        prop:checked=dynamic(move || fields.companies.with(|c| c.contains(&id)))
                                        on:change=move |ev| { let on = event_target_checked(&ev); fields.companies.update(|c| { c.retain(|x| *x != id); if on { c.push(id); } }); } />
                                    <label for=input_id>{company.name}</label>
                                </div>
                            }
                        }).collect_view()}
                        <FieldMessage id="company_ids" field="company_ids" errors />
                    </fieldset>
                }))}
                <div class="field choice">
                    <input id="published" name="published" type="checkbox" bind:checked=fields.published />
                    <label for="published">{text(|w| w.f_published)}</label>
                </div>
                {dynamic(move || loaded.with(Option::is_some).then(|| view! {
                    <div class="field choice">
                        <input id="reviewed" name="reviewed" type="checkbox" bind:checked=fields.reviewed />
                        <label for="reviewed">{text(|w| w.f_reviewed)}</label>
                    </div>
                }))}
                <div class="field markdown-editor">
                    <label for="body_markdown">{text(|w| w.f_body)}</label>
                    <div class="actions">
                        <button type="button" class="secondary" aria-pressed=dynamic(move || preview.with(Option::is_none).to_string()) on:click=move |_| preview.set(None)>{text(|w| w.write)}</button>
                        <button type="button" class="secondary" aria-pressed=dynamic(move || preview.with(Option::is_some).to_string()) on:click=show_preview>{text(|w| w.preview)}</button>
                    </div>
                    {dynamic(move || match preview.get() {
                        Some(html) => view! { <div class="article-body preview" role="region" aria-label=text(|w| w.preview) inner_html=html></div> }.into_any(),
                        None => view! {
                            <textarea id="body_markdown" name="body_markdown" rows="16" bind:value=fields.body aria-invalid=invalid("body_markdown") aria-describedby=described("body_markdown", false)></textarea>
                        }.into_any(),
                    })}
                    <FieldMessage id="body_markdown" field="body_markdown" errors />
                </div>
                {dynamic(move || loaded.with(Option::is_some).then(|| view! {
                    <div class="field">
                        <label for="article-image">{text(|w| w.image)}</label>
                        <input id="article-image" type="file" accept="image/png,image/jpeg,image/gif,image/webp" node_ref=image_input />
                        <p><button type="button" class="secondary" on:click=upload_image>{text(|w| w.image_add)}</button></p>
                        <div role="alert">{dynamic(move || image_failed.get().then(|| view! { <p class="alert">{text(|w| w.image_failed)}</p> }))}</div>
                    </div>
                }))}
                <div class="actions">
                    <button type="submit">{text(|w| w.save)}</button>
                </div>
            </form>
            {dynamic(move || loaded.with(Option::is_some).then(|| {
                let remove = remove.clone();
                view! {
                    <div class="actions">
                        {dynamic(move || {
                            let remove = remove.clone();
                            if confirming.get() {
                                view! {
                                    <button type="button" class="danger" id="confirm-delete" on:click=remove>{text(|w| w.confirm_delete)}</button>
                                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{text(|w| w.cancel)}</button>
                                }.into_any()
                            } else {
                                view! { <button type="button" class="secondary" on:click=move |_| { confirming.set(true); dom::focus_soon("confirm-delete"); }>{text(|w| w.delete)}</button> }.into_any()
                            }
                        })}
                    </div>
                    <section class="revisions-panel" aria-labelledby="revisions-title">
                        <h2 id="revisions-title">{text(|w| w.revisions)}</h2>
                        <ol class="revisions" reversed>
                            {dynamic(move || revisions.get().into_iter().map(|r| {
                                let at = r.at.to_rfc3339();
                                let shown = dom::format_date_time(&at, i18n.t().tag);
                                let author = r.author.map(|a| a.name).unwrap_or_default();
                                view! {
                                    <li class="revision">
                                        {text(|w| w.revision)} " " {r.number} " — " {r.title} " — "
                                        <time datetime=at>{shown}</time> " " {author}
                                    </li>
                                }
                            }).collect_view())}
                        </ol>
                    </section>
                }
            }))}
        </section>
    }
}
