use guichet_types::{Category, CategoryNode, TicketKind};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::rules::{new_category, places, update_of, Draft, ORDER};
use crate::{
    components::{ErrorSummary, FieldMessage, TextField},
    dom,
    forms::{described_by, FieldErrors},
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "name_fr" => t.category_name_fr,
        "name_en" => t.category_name_en,
        "parent_id" => t.category_parent,
        "kind" => t.category_kind,
        "position" => t.category_position,
        _ => t.admin_categories,
    }
}

/// Adds a category, or changes `editing` when it holds one. `on_done` hears the notice to
/// give once the server has answered (`None`: the edit was given up).
#[component]
pub fn CategoryForm(
    tree: RwSignal<Option<Vec<CategoryNode>>>,
    editing: RwSignal<Option<Category>>,
    on_done: impl Fn(Option<Message>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let name_fr = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let position = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    Effect::new(move || {
        let chosen = editing.get();
        errors.set(FieldErrors::default());
        general.set(None);
        let c = chosen.as_ref();
        name_fr.set(c.map(|c| c.name_fr.clone()).unwrap_or_default());
        name_en.set(c.map(|c| c.name_en.clone()).unwrap_or_default());
        parent.set(
            c.and_then(|c| c.parent_id)
                .map(|p| p.0.to_string())
                .unwrap_or_default(),
        );
        kind.set(
            c.and_then(|c| c.kind)
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
        );
        position.set(c.map(|c| c.position.to_string()).unwrap_or_default());
    });

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ORDER);
        errors.set(found);
        dom::focus_soon(first.unwrap_or("error-summary"));
    };

    let on_cancel = on_done.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let typed = (
            name_fr.get_untracked(),
            name_en.get_untracked(),
            parent.get_untracked(),
            kind.get_untracked(),
            position.get_untracked(),
        );
        let draft = Draft {
            name_fr: &typed.0,
            name_en: &typed.1,
            parent: &typed.2,
            kind: &typed.3,
            position: &typed.4,
        };
        let input = match new_category(&draft) {
            Ok(input) => input,
            Err(found) => return show_errors(found),
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let id = editing.with_untracked(|c| c.as_ref().map(|c| c.id));
        let on_done = on_done.clone();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let input = input.clone();
                    async move {
                        match id {
                            Some(id) => client.update_category(id, &update_of(input)).await,
                            None => client.create_category(&input).await,
                        }
                    }
                })
                .await;
            pending.set(false);
            match result {
                Ok(_) => on_done(Some(if id.is_some() {
                    |t: &Texts| t.category_saved
                } else {
                    |t: &Texts| t.category_created
                })),
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(FieldErrors::new(failure.errors, |_| false).sorted(&ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let has = move |field: &'static str| move || errors.with(|e| e.has(field));
    let invalid = move |field: &'static str| move || has(field)().then_some("true");
    let select =
        move |field: &'static str, value: RwSignal<String>, name: Message, options: AnyView| {
            view! {
                <div class="field">
                    <label for=field>{dynamic(move || name(i18n.t()))}</label>
                    <select
                        id=field
                        name=field
                        on:change=move |ev| value.set(event_target_value(&ev))
                        prop:value=move || value.get()
                        aria-invalid=invalid(field)
                        aria-describedby=move || described_by(field, false, has(field)())
                    >
                        {options}
                    </select>
                    <FieldMessage id=field field errors />
                </div>
            }
        };
    let option = move |of: RwSignal<String>, value: String, text: Message| {
        let shown = value.clone();
        view! {
            <option value=value selected=move || of.get() == shown>
                {dynamic(move || text(i18n.t()))}
            </option>
        }
    };
    let parent_options = move || {
        let moving = editing.with(|c| c.as_ref().map(|c| c.id));
        let top = option(parent, String::new(), |t| t.category_top);
        let others = tree
            .with(|nodes| places(nodes.as_deref().unwrap_or_default(), moving))
            .into_iter()
            .map(|(id, path)| {
                let value = id.0.to_string();
                let shown = value.clone();
                view! { <option value=value selected=move || parent.get() == shown>{path}</option> }
            })
            .collect_view();
        view! { {top} {others} }.into_any()
    };
    let kind_options = view! {
        {option(kind, String::new(), |t| t.category_both_kinds)}
        {option(kind, TicketKind::Incident.as_str().to_owned(), |t| t.kind_incident)}
        {option(kind, TicketKind::Request.as_str().to_owned(), |t| t.kind_request)}
    }
    .into_any();

    view! {
        <section class="panel" aria-labelledby="category-form-title">
            <h2 id="category-form-title" tabindex="-1">
                {dynamic(move || {
                    let t = i18n.t();
                    if editing.with(Option::is_some) { t.category_edit_heading } else { t.category_new_heading }
                })}
            </h2>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField field="name_fr" label=|t| t.category_name_fr value=name_fr errors autocomplete="off" maxlength=100 mark_required=true />
                <TextField field="name_en" label=|t| t.category_name_en value=name_en errors autocomplete="off" maxlength=100 mark_required=true />
                {dynamic(move || select("parent_id", parent, |t| t.category_parent, parent_options()))}
                {select("kind", kind, |t| t.category_kind, kind_options)}
                <TextField
                    field="position"
                    label=|t| t.category_position
                    value=position
                    errors
                    autocomplete="off"
                    inputmode="numeric"
                    maxlength=5
                    hint=|t| t.category_position_hint
                    required=false
                />
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() {
                                t.sending
                            } else if editing.with(Option::is_some) {
                                t.category_save
                            } else {
                                t.category_add
                            }
                        })}
                    </button>
                    {dynamic(move || {
                        let on_done = on_cancel.clone();
                        editing.with(Option::is_some).then(|| {
                            view! {
                                <button type="button" on:click=move |_| on_done(None)>
                                    {dynamic(move || i18n.t().cancel)}
                                </button>
                            }
                        })
                    })}
                </div>
            </form>
        </section>
    }
}
