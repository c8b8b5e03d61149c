use guichet_types::{Actor, Company, CompanyId, CompanyUpdate, NewCompany};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{
    fields::{option, AreaField, CheckField, SelectField},
    rules::{form_errors, CompanyDraft, COMPANY_ORDER},
};
use crate::{
    components::{ErrorSummary, TextField},
    dom,
    forms::FieldErrors,
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
    session::expect_session,
};

#[derive(Clone)]
enum Request {
    Create(NewCompany),
    Update(CompanyId, CompanyUpdate),
}

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "service_code" => t.service_code,
        "account_manager_id" => t.company_manager,
        "phone" => t.company_phone,
        "notes" => t.company_notes,
        "active" => t.company_active_label,
        _ => t.name_label,
    }
}

/// The form that creates a company, or changes `editing` when given one. `staff` are the
/// account managers offered; `on_done` gets the company the server answered.
#[component]
pub fn CompanyForm(
    editing: Option<Company>,
    staff: RwSignal<Vec<Actor>>,
    on_done: impl Fn(Company) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let id = editing.as_ref().map(|c| c.id);
    let text =
        |f: fn(&Company) -> String| RwSignal::new(editing.as_ref().map(f).unwrap_or_default());
    let name = text(|c| c.name.clone());
    let service_code = text(|c| c.service_code.clone());
    let manager = text(|c| {
        c.account_manager_id
            .map(|m| m.to_string())
            .unwrap_or_default()
    });
    let phone = text(|c| c.phone.clone());
    let notes = text(|c| c.notes.clone());
    let active = RwSignal::new(editing.as_ref().is_none_or(|c| c.active));
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&COMPANY_ORDER);
        errors.set(found);
        dom::focus_soon(first.unwrap_or("error-summary"));
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let (n, s, m, p, o) = (
            name.get_untracked(),
            service_code.get_untracked(),
            manager.get_untracked(),
            phone.get_untracked(),
            notes.get_untracked(),
        );
        let draft = CompanyDraft {
            name: &n,
            service_code: &s,
            manager: &m,
            phone: &p,
            notes: &o,
            active: active.get_untracked(),
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
                            Request::Update(id, update) => client.update_company(id, &update).await,
                            Request::Create(create) => client.create_company(&create).await,
                        }
                    }
                })
                .await;
            pending.set(false);
            match result {
                Ok(company) => on_done(company),
                Err(failure) if !failure.errors.is_empty() => {
                    show_errors(form_errors(failure.errors, "", &[], &COMPANY_ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let heading: Message = if id.is_some() {
        |t| t.company_edit
    } else {
        |t| t.company_new
    };
    view! {
        <section class="panel" aria-labelledby="company-form-title">
            <h2 id="company-form-title">{dynamic(move || heading(i18n.t()))}</h2>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField field="name" label=|t| t.name_label value=name errors autocomplete="organization" maxlength=200 />
                <TextField
                    field="service_code"
                    label=|t| t.service_code
                    value=service_code
                    errors
                    autocomplete="off"
                    inputmode="numeric"
                    maxlength=4
                    hint=|t| t.company_code_hint
                />
                <SelectField field="account_manager_id" label=|t| t.company_manager value=manager errors>
                    {option(String::new(), dynamic(move || i18n.t().none_option), manager)}
                    {dynamic(move || {
                        staff
                            .get()
                            .into_iter()
                            .map(|actor| option(actor.id.to_string(), actor.name, manager))
                            .collect_view()
                    })}
                </SelectField>
                <TextField
                    field="phone"
                    label=|t| t.company_phone
                    value=phone
                    errors
                    autocomplete="off"
                    input_type="tel"
                    maxlength=40
                    hint=|t| t.phone_hint
                    required=false
                />
                <AreaField field="notes" label=|t| t.company_notes value=notes errors maxlength=5000 />
                {id.map(|_| view! { <CheckField field="active" label=|t| t.company_active_label checked=active hint=|t| t.company_active_hint /> })}
                <div class="actions">
                    <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() {
                                t.sending
                            } else if id.is_some() {
                                t.save
                            } else {
                                t.company_create
                            }
                        })}
                    </button>
                </div>
            </form>
        </section>
    }
}
