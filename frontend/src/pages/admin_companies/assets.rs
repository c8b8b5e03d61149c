use guichet_types::{Asset, AssetId, AssetUpdate, CompanyId, NewAsset};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{
    fields::Notice,
    import::AssetImportForm,
    rules::{form_errors, AssetDraft, ASSET_ORDER},
};
use crate::{
    components::{ErrorSummary, TextField},
    dom,
    failure::Failure,
    forms::FieldErrors,
    i18n::{fill, use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

/// A company's assets, the retired ones too for administrators, who add, change, retire
/// and import them.
#[component]
pub fn Assets(company: CompanyId, admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let items = RwSignal::new(Vec::<Asset>::new());
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);
    let notice = RwSignal::new(None::<Message>);
    let editing = RwSignal::new(None::<Option<Asset>>);

    let load = move || {
        spawn_local(async move {
            let result = session
                .call(|client| async move { client.company_assets(company, admin).await })
                .await;
            match result {
                Ok(list) => {
                    items.set(list);
                    failure.set(None);
                    loaded.set(true);
                }
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    load();

    let conclude = move |message: Message| {
        notice.set(Some(message));
        load();
        dom::focus_soon("assets-notice");
    };
    let on_done = move |message: Option<Message>| {
        let edited = editing.with_untracked(|e| e.as_ref().map(|a| a.as_ref().map(|a| a.id)));
        editing.set(None);
        match message {
            Some(message) => conclude(message),
            None => dom::focus_soon_on(match edited.flatten() {
                Some(id) => format!("asset-edit-{id}"),
                None => "asset-add".to_owned(),
            }),
        }
    };
    let set_active = move |id: AssetId, active: bool| {
        spawn_local(async move {
            let update = AssetUpdate {
                active: Some(active),
                ..Default::default()
            };
            let result = session
                .call(|client| {
                    let update = update.clone();
                    async move { client.update_asset(id, &update).await }
                })
                .await;
            match result {
                Ok(_) => conclude(|t| t.done_saved),
                Err(error) => failure.set(Some(error)),
            }
        });
    };

    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets">
                    <caption class="visually-hidden">{t.assets_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.name_label}</th>
                            <th scope="col">{t.asset_reference}</th>
                            <th scope="col">{t.asset_kind}</th>
                            <th scope="col">{t.asset_location}</th>
                            <th scope="col">{t.col_state}</th>
                            {admin.then(|| view! { <th scope="col">{t.col_actions}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || items.get()
                            key=|a| (a.id, a.name.clone(), a.reference.clone(), a.kind.clone(), a.location.clone(), a.active)
                            children=move |asset| view! { <AssetRow asset admin editing set_active /> }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <section class="panel" aria-labelledby="assets-title">
            <h2 id="assets-title">{dynamic(move || i18n.t().assets_title)}</h2>
            <Notice id="assets-notice" notice />
            {dynamic(move || {
                failure.get().map(|f| view! { <p class="alert" role="alert">{(f.message())(i18n.t())}</p> })
            })}
            {dynamic(move || {
                if !loaded.get() {
                    ().into_any()
                } else if items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().assets_none)}</p> }.into_any()
                } else {
                    table().into_any()
                }
            })}
            {dynamic(move || match editing.get() {
                Some(asset) => view! { <AssetForm company asset on_done /> }.into_any(),
                None if admin => view! {
                    <p>
                        <button
                            type="button"
                            id="asset-add"
                            on:click=move |_| {
                                notice.set(None);
                                editing.set(Some(None));
                                dom::focus_soon("asset-form-title");
                            }
                        >
                            {dynamic(move || i18n.t().asset_new)}
                        </button>
                    </p>
                }
                .into_any(),
                None => ().into_any(),
            })}
            {admin.then(|| view! { <AssetImportForm company on_imported=move |_| load() /> })}
        </section>
    }
}

#[component]
fn AssetRow(
    asset: Asset,
    admin: bool,
    editing: RwSignal<Option<Option<Asset>>>,
    set_active: impl Fn(AssetId, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = asset.id;
    let active = asset.active;
    let (edit_name, toggle_name) = (asset.name.clone(), asset.name.clone());
    let chosen = asset.clone();
    view! {
        <tr>
            <td data-label=dynamic(move || i18n.t().name_label) class="company-name">{asset.name}</td>
            <td data-label=dynamic(move || i18n.t().asset_reference)>{asset.reference}</td>
            <td data-label=dynamic(move || i18n.t().asset_kind)>{asset.kind}</td>
            <td data-label=dynamic(move || i18n.t().asset_location)>{asset.location}</td>
            <td data-label=dynamic(move || i18n.t().col_state)>
                {dynamic(move || {
                    let t = i18n.t();
                    if active {
                        view! { <span class="status state-current">{t.company_active}</span> }.into_any()
                    } else {
                        view! { <span class="status state-expired">{t.asset_retired}</span> }.into_any()
                    }
                })}
            </td>
            {admin
                .then(|| {
                    view! {
                        <td data-label=dynamic(move || i18n.t().col_actions)>
                            <div class="buttons">
                                <button
                                    type="button"
                                    id=format!("asset-edit-{id}")
                                    aria-label=dynamic(move || fill(i18n.t().edit_label, "title", &edit_name))
                                    on:click=move |_| {
                                        editing.set(Some(Some(chosen.clone())));
                                        dom::focus_soon("asset-form-title");
                                    }
                                >
                                    {dynamic(move || i18n.t().edit)}
                                </button>
                                <button
                                    type="button"
                                    aria-label=dynamic(move || {
                                        let t = i18n.t();
                                        fill(if active { t.asset_retire_label } else { t.asset_restore_label }, "title", &toggle_name)
                                    })
                                    on:click=move |_| set_active(id, !active)
                                >
                                    {dynamic(move || if active { i18n.t().asset_retire } else { i18n.t().asset_restore })}
                                </button>
                            </div>
                        </td>
                    }
                })}
        </tr>
    }
}

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "asset_reference" => t.asset_reference,
        "asset_kind" => t.asset_kind,
        "asset_location" => t.asset_location,
        _ => t.name_label,
    }
}

#[derive(Clone)]
enum Request {
    Create(NewAsset),
    Update(AssetId, AssetUpdate),
}

#[component]
fn AssetForm(
    company: CompanyId,
    asset: Option<Asset>,
    on_done: impl Fn(Option<Message>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let id = asset.as_ref().map(|a| a.id);
    let text = |f: fn(&Asset) -> String| RwSignal::new(asset.as_ref().map(f).unwrap_or_default());
    let name = text(|a| a.name.clone());
    let reference = text(|a| a.reference.clone());
    let kind = text(|a| a.kind.clone());
    let location = text(|a| a.location.clone());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&ASSET_ORDER);
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
        let (n, r, k, l) = (
            name.get_untracked(),
            reference.get_untracked(),
            kind.get_untracked(),
            location.get_untracked(),
        );
        let draft = AssetDraft {
            name: &n,
            reference: &r,
            kind: &k,
            location: &l,
        };
        let request = match id {
            Some(id) => draft.update(company).map(|u| Request::Update(id, u)),
            None => draft.create(company).map(Request::Create),
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
                            Request::Create(new) => client.create_asset(&new).await,
                            Request::Update(id, update) => client.update_asset(id, &update).await,
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
                    show_errors(form_errors(failure.errors, "asset_", &[], &ASSET_ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let heading: Message = if id.is_some() {
        |t| t.asset_edit
    } else {
        |t| t.asset_new
    };
    view! {
        <section aria-labelledby="asset-form-title">
            <h3 id="asset-form-title" tabindex="-1">{dynamic(move || heading(i18n.t()))}</h3>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField field="asset_name" label=|t| t.name_label value=name errors autocomplete="off" maxlength=200 />
                <TextField field="asset_reference" label=|t| t.asset_reference value=reference errors autocomplete="off" maxlength=100 required=false />
                <TextField field="asset_kind" label=|t| t.asset_kind value=kind errors autocomplete="off" maxlength=100 required=false />
                <TextField field="asset_location" label=|t| t.asset_location value=location errors autocomplete="off" maxlength=200 required=false />
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
