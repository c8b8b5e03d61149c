use guichet_types::{CategoryId, CategoryNode, CompanyId, Contract, ContractLevel, ListQuery};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{
    fields::{option, CheckField, Notice, SelectField},
    rules::{category_names, form_errors, ContractDraft, CONTRACT_ORDER},
};
use crate::{
    components::{ErrorSummary, LoadMore, TextField},
    dom,
    forms::FieldErrors,
    i18n::{fill, use_i18n, Message, Texts},
    pages::landing::{day_label, level_name},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// A company's contracts, newest first; administrators add and change them.
#[component]
pub fn Contracts(
    company: CompanyId,
    admin: bool,
    tree: RwSignal<Vec<CategoryNode>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let list = Paging::<Contract>::new();
    let notice = RwSignal::new(None::<Message>);
    // `Some(None)`: a new contract; `Some(Some(c))`: `c` changed.
    let editing = RwSignal::new(None::<Option<Contract>>);

    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            let query = ListQuery {
                cursor,
                ..Default::default()
            };
            session
                .call(|client| {
                    let query = query.clone();
                    async move { client.contracts(company, &query).await }
                })
                .await
        });
    };
    load(None);

    let on_done = move |message: Option<Message>| {
        let edited = editing.with_untracked(|e| e.as_ref().map(|c| c.as_ref().map(|c| c.id)));
        editing.set(None);
        match message {
            Some(message) => {
                notice.set(Some(message));
                load(None);
                dom::focus_soon("contracts-notice");
            }
            None => dom::focus_soon_on(match edited.flatten() {
                Some(id) => format!("contract-edit-{id}"),
                None => "contract-add".to_owned(),
            }),
        }
    };

    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets">
                    <caption class="visually-hidden">{t.contracts_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.name_label}</th>
                            <th scope="col">{t.contract_level_label}</th>
                            <th scope="col">{t.contract_dates}</th>
                            <th scope="col">{t.contract_phone}</th>
                            <th scope="col">{t.contract_categories}</th>
                            <th scope="col">{t.col_state}</th>
                            {admin.then(|| view! { <th scope="col">{t.col_actions}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || list.items.get()
                            key=|c| (c.id, c.updated_at)
                            children=move |contract| view! { <ContractRow contract admin tree editing /> }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <section class="panel" aria-labelledby="contracts-title">
            <h2 id="contracts-title">{dynamic(move || i18n.t().contracts_title)}</h2>
            <Notice id="contracts-notice" notice />
            {dynamic(move || {
                if !list.loaded.get() {
                    ().into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().contracts_none)}</p> }.into_any()
                } else {
                    table().into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
            {dynamic(move || match editing.get() {
                Some(contract) => view! { <ContractForm company contract tree on_done /> }.into_any(),
                None if admin => view! {
                    <p>
                        <button
                            type="button"
                            id="contract-add"
                            on:click=move |_| {
                                notice.set(None);
                                editing.set(Some(None));
                                dom::focus_soon("contract-form-title");
                            }
                        >
                            {dynamic(move || i18n.t().contract_new)}
                        </button>
                    </p>
                }
                .into_any(),
                None => ().into_any(),
            })}
        </section>
    }
}

/// "From … to …", or "From …" without an end.
fn dates(t: &Texts, contract: &Contract, locale: guichet_types::Locale) -> String {
    let start = day_label(contract.starts_on, locale);
    match contract.ends_on {
        None => fill(t.period_open, "start", &start),
        Some(end) => fill(
            &fill(t.period_closed, "start", &start),
            "end",
            &day_label(end, locale),
        ),
    }
}

#[component]
fn ContractRow(
    contract: Contract,
    admin: bool,
    tree: RwSignal<Vec<CategoryNode>>,
    editing: RwSignal<Option<Option<Contract>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = contract.id;
    let valid = contract.valid_today;
    let phone = contract.phone_support;
    let level = level_name(contract.level);
    let shown = contract.clone();
    let ids = contract.category_ids.clone();
    let name = contract.name.clone();
    view! {
        <tr>
            <td data-label=dynamic(move || i18n.t().name_label) class="company-name">{contract.name.clone()}</td>
            <td data-label=dynamic(move || i18n.t().contract_level_label)>{level}</td>
            <td data-label=dynamic(move || i18n.t().contract_dates)>
                {dynamic(move || dates(i18n.t(), &shown, i18n.locale()))}
            </td>
            <td data-label=dynamic(move || i18n.t().contract_phone)>
                {dynamic(move || if phone { i18n.t().yes } else { i18n.t().no })}
            </td>
            <td data-label=dynamic(move || i18n.t().contract_categories)>
                {dynamic(move || {
                    if ids.is_empty() {
                        i18n.t().contract_all.to_owned()
                    } else {
                        tree.with(|tree| category_names(tree, &ids)).join(", ")
                    }
                })}
            </td>
            <td data-label=dynamic(move || i18n.t().col_state)>
                {dynamic(move || {
                    let t = i18n.t();
                    if valid {
                        view! { <span class="status state-current">{t.contract_valid}</span> }.into_any()
                    } else {
                        view! { <span class="status state-expired">{t.contract_invalid}</span> }.into_any()
                    }
                })}
            </td>
            {admin
                .then(|| {
                    view! {
                        <td data-label=dynamic(move || i18n.t().col_actions)>
                            <button
                                type="button"
                                id=format!("contract-edit-{id}")
                                aria-label=dynamic(move || fill(i18n.t().edit_label, "title", &name))
                                on:click=move |_| {
                                    editing.set(Some(Some(contract.clone())));
                                    dom::focus_soon("contract-form-title");
                                }
                            >
                                {dynamic(move || i18n.t().edit)}
                            </button>
                        </td>
                    }
                })}
        </tr>
    }
}

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "contract_level" => t.contract_level_label,
        "contract_starts_on" => t.contract_starts,
        "contract_ends_on" => t.contract_ends,
        "contract_phone_support" => t.contract_phone,
        "contract_category_ids" => t.contract_categories,
        _ => t.name_label,
    }
}

#[derive(Clone)]
enum Request {
    Create(guichet_types::NewContract),
    Update(guichet_types::ContractId, guichet_types::ContractUpdate),
}

/// The form of a new contract (`contract` empty) or of a change to one.
#[component]
fn ContractForm(
    company: CompanyId,
    contract: Option<Contract>,
    tree: RwSignal<Vec<CategoryNode>>,
    on_done: impl Fn(Option<Message>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let id = contract.as_ref().map(|c| c.id);
    let text =
        |f: fn(&Contract) -> String| RwSignal::new(contract.as_ref().map(f).unwrap_or_default());
    let name = text(|c| c.name.clone());
    let level = text(|c| c.level.as_str().to_owned());
    let starts_on = text(|c| c.starts_on.to_string());
    let ends_on = text(|c| c.ends_on.map(|d| d.to_string()).unwrap_or_default());
    let phone = RwSignal::new(contract.as_ref().is_some_and(|c| c.phone_support));
    let chosen = RwSignal::new(contract.map(|c| c.category_ids).unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&CONTRACT_ORDER);
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
        let (n, l, s, e) = (
            name.get_untracked(),
            level.get_untracked(),
            starts_on.get_untracked(),
            ends_on.get_untracked(),
        );
        let draft = ContractDraft {
            name: &n,
            level: &l,
            starts_on: &s,
            ends_on: &e,
            category_ids: chosen.get_untracked(),
            phone_support: phone.get_untracked(),
        };
        let request = match id {
            Some(id) => draft.update().map(|u| Request::Update(id, u)),
            None => draft.create().map(Request::Create),
        };
        let request = match request {
            Ok(request) => request,
            Err(found) => return show_errors(found),
        };
        errors.set(FieldErrors::default());
        pending.set(true);
        let on_done = on_done.clone();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let request = request.clone();
                    async move {
                        match request {
                            Request::Create(new) => client.create_contract(company, &new).await,
                            Request::Update(id, update) => {
                                client.update_contract(id, &update).await
                            }
                        }
                    }
                })
                .await;
            pending.set(false);
            match result {
                Ok(_) => on_done(Some(if id.is_some() {
                    |t| t.done_saved
                } else {
                    |t| t.done_added
                })),
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(form_errors(
                        failure.errors,
                        "contract_",
                        &[],
                        &CONTRACT_ORDER,
                    ));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let heading: Message = if id.is_some() {
        |t| t.contract_edit
    } else {
        |t| t.contract_new
    };
    view! {
        <section aria-labelledby="contract-form-title">
            <h3 id="contract-form-title" tabindex="-1">{dynamic(move || heading(i18n.t()))}</h3>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField field="contract_name" label=|t| t.name_label value=name errors autocomplete="off" maxlength=200 />
                <SelectField field="contract_level" label=|t| t.contract_level_label value=level errors>
                    {option(String::new(), "—", level)}
                    {ContractLevel::ALL
                        .iter()
                        .map(|l| option(l.as_str().to_owned(), level_name(*l), level))
                        .collect_view()}
                </SelectField>
                <TextField field="contract_starts_on" label=|t| t.contract_starts value=starts_on errors autocomplete="off" input_type="date" maxlength=10 />
                <TextField
                    field="contract_ends_on"
                    label=|t| t.contract_ends
                    value=ends_on
                    errors
                    autocomplete="off"
                    input_type="date"
                    maxlength=10
                    hint=|t| t.contract_ends_hint
                    required=false
                />
                <CheckField field="contract_phone_support" label=|t| t.contract_phone checked=phone />
                <fieldset class="field" aria-describedby="contract_category_ids-hint">
                    <legend>{dynamic(move || i18n.t().contract_categories)}</legend>
                    <p class="hint" id="contract_category_ids-hint">
                        {dynamic(move || i18n.t().contract_categories_hint)}
                    </p>
                    {dynamic(move || tree.with(|tree| category_boxes(tree, chosen)))}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                        {dynamic(move || if pending.get() { i18n.t().sending } else { i18n.t().save })}
                    </button>
                    <button type="button" on:click=move |_| on_cancel(None)>
                        {dynamic(move || i18n.t().cancel)}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// A check box per category, nested as the tree; retired ones only while still chosen.
fn category_boxes(nodes: &[CategoryNode], chosen: RwSignal<Vec<CategoryId>>) -> AnyView {
    let items = nodes
        .iter()
        .filter(|node| node.active || chosen.with_untracked(|c| c.contains(&node.id)))
        .map(|node| {
            let id = node.id;
            let input_id = format!("category-{id}");
            let children =
                (!node.children.is_empty()).then(|| category_boxes(&node.children, chosen));
            view! {
                <li>
                    <div class="choice">
                        <input
                            type="checkbox"
                            id=input_id.clone()
                            name="contract_category_ids"
                            prop:checked=dynamic(move || chosen.with(|c| c.contains(&id)))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| *x != id);
                                    if on {
                                        c.push(id);
                                    }
                                });
                            }
                        />
                        <label for=input_id>{node.name.clone()}</label>
                    </div>
                    {children}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="category-boxes">{items}</ul> }.into_any()
}
