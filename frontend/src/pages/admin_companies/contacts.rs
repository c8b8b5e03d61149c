use guichet_types::{CompanyId, Contact, ContactId, ContactUpdate, ListQuery, NewContact};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{
    fields::Notice,
    rules::{form_errors, ContactDraft, CONTACT_ORDER},
};
use crate::{
    components::{ErrorSummary, LoadMore, TextField},
    dom,
    forms::FieldErrors,
    i18n::{fill, use_i18n, Message, Texts},
    paging::Paging,
    reactive::dynamic,
    session::expect_session,
};

/// A company's known contacts (addresses without an account), by address; administrators
/// add, change and delete them.
#[component]
pub fn Contacts(company: CompanyId, admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let list = Paging::<Contact>::new();
    let notice = RwSignal::new(None::<Message>);
    let editing = RwSignal::new(None::<Option<Contact>>);
    let confirming = RwSignal::new(None::<ContactId>);

    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            let query = ListQuery {
                cursor,
                ..Default::default()
            };
            session
                .call(|client| {
                    let query = query.clone();
                    async move { client.contacts(company, &query).await }
                })
                .await
        });
    };
    load(None);

    let conclude = move |message: Message| {
        confirming.set(None);
        notice.set(Some(message));
        load(None);
        dom::focus_soon("contacts-notice");
    };
    let on_done = move |message: Option<Message>| {
        let edited = editing.with_untracked(|e| e.as_ref().map(|c| c.as_ref().map(|c| c.id)));
        editing.set(None);
        match message {
            Some(message) => conclude(message),
            None => dom::focus_soon_on(match edited.flatten() {
                Some(id) => format!("contact-edit-{id}"),
                None => "contact-add".to_owned(),
            }),
        }
    };
    let delete = move |id: ContactId| {
        spawn_local(async move {
            let result = session
                .call(|client| async move { client.delete_contact(id).await })
                .await;
            match result {
                Ok(()) => {}
                Err(error) if error.is_status(404) => {}
                Err(error) => return list.failure.set(Some(error)),
            }
            if editing.with_untracked(|e| e.as_ref().and_then(|c| c.as_ref().map(|c| c.id)))
                == Some(id)
            {
                editing.set(None);
            }
            conclude(|t| t.done_deleted);
        });
    };

    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets">
                    <caption class="visually-hidden">{t.contacts_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.email}</th>
                            <th scope="col">{t.full_name}</th>
                            <th scope="col">{t.phone}</th>
                            {admin.then(|| view! { <th scope="col">{t.col_actions}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || list.items.get()
                            key=|c| (c.id, c.email.clone(), c.full_name.clone(), c.phone.clone())
                            children=move |contact| view! { <ContactRow contact admin editing confirming delete /> }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <section class="panel" aria-labelledby="contacts-title">
            <h2 id="contacts-title">{dynamic(move || i18n.t().contacts_title)}</h2>
            <Notice id="contacts-notice" notice />
            {dynamic(move || {
                if !list.loaded.get() {
                    ().into_any()
                } else if list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().contacts_none)}</p> }.into_any()
                } else {
                    table().into_any()
                }
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
            {dynamic(move || match editing.get() {
                Some(contact) => view! { <ContactForm company contact on_done /> }.into_any(),
                None if admin => view! {
                    <p>
                        <button
                            type="button"
                            id="contact-add"
                            on:click=move |_| {
                                notice.set(None);
                                editing.set(Some(None));
                                dom::focus_soon("contact-form-title");
                            }
                        >
                            {dynamic(move || i18n.t().contact_new)}
                        </button>
                    </p>
                }
                .into_any(),
                None => ().into_any(),
            })}
        </section>
    }
}

#[component]
fn ContactRow(
    contact: Contact,
    admin: bool,
    editing: RwSignal<Option<Option<Contact>>>,
    confirming: RwSignal<Option<ContactId>>,
    delete: impl Fn(ContactId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = contact.id;
    let email = contact.email.clone();
    let shown = contact.clone();
    let actions = move || {
        let (edit_name, delete_name, chosen) = (email.clone(), email.clone(), shown.clone());
        if confirming.get() == Some(id) {
            view! {
                <div class="confirm" role="group" aria-labelledby=format!("contact-question-{id}")>
                    <p id=format!("contact-question-{id}")>{dynamic(move || i18n.t().contact_delete_question)}</p>
                    <div class="buttons">
                        <button type="button" class="danger" id="contact-delete-confirm" on:click=move |_| delete(id)>
                            {dynamic(move || i18n.t().delete_confirm)}
                        </button>
                        <button
                            type="button"
                            on:click=move |_| {
                                confirming.set(None);
                                dom::focus_soon_on(format!("contact-delete-{id}"));
                            }
                        >
                            {dynamic(move || i18n.t().cancel)}
                        </button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="buttons">
                    <button
                        type="button"
                        id=format!("contact-edit-{id}")
                        aria-label=dynamic(move || fill(i18n.t().edit_label, "title", &edit_name))
                        on:click=move |_| {
                            confirming.set(None);
                            editing.set(Some(Some(chosen.clone())));
                            dom::focus_soon("contact-form-title");
                        }
                    >
                        {dynamic(move || i18n.t().edit)}
                    </button>
                    <button
                        type="button"
                        id=format!("contact-delete-{id}")
                        aria-label=dynamic(move || fill(i18n.t().delete_label, "title", &delete_name))
                        on:click=move |_| {
                            confirming.set(Some(id));
                            dom::focus_soon("contact-delete-confirm");
                        }
                    >
                        {dynamic(move || i18n.t().delete)}
                    </button>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <tr>
            <td data-label=dynamic(move || i18n.t().email) class="company-name">{contact.email}</td>
            <td data-label=dynamic(move || i18n.t().full_name)>{contact.full_name}</td>
            <td data-label=dynamic(move || i18n.t().phone)>{contact.phone}</td>
            {admin.then(|| view! { <td data-label=dynamic(move || i18n.t().col_actions)>{dynamic(actions)}</td> })}
        </tr>
    }
}

fn label(t: &Texts, field: &str) -> &'static str {
    match field {
        "contact_full_name" => t.full_name,
        "contact_phone" => t.phone,
        _ => t.email,
    }
}

#[derive(Clone)]
enum Request {
    Create(NewContact),
    Update(ContactId, ContactUpdate),
}

#[component]
fn ContactForm(
    company: CompanyId,
    contact: Option<Contact>,
    on_done: impl Fn(Option<Message>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let id = contact.as_ref().map(|c| c.id);
    let text =
        |f: fn(&Contact) -> String| RwSignal::new(contact.as_ref().map(f).unwrap_or_default());
    let email = text(|c| c.email.clone());
    let full_name = text(|c| c.full_name.clone());
    let phone = text(|c| c.phone.clone());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);

    let show_errors = move |found: FieldErrors| {
        let first = found.first_of(&CONTACT_ORDER);
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
        let (e, n, p) = (
            email.get_untracked(),
            full_name.get_untracked(),
            phone.get_untracked(),
        );
        let draft = ContactDraft {
            email: &e,
            full_name: &n,
            phone: &p,
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
                            Request::Create(new) => client.create_contact(company, &new).await,
                            Request::Update(id, update) => client.update_contact(id, &update).await,
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
                    show_errors(form_errors(failure.errors, "contact_", &[], &CONTACT_ORDER));
                }
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    let heading: Message = if id.is_some() {
        |t| t.contact_edit
    } else {
        |t| t.contact_new
    };
    view! {
        <section aria-labelledby="contact-form-title">
            <h3 id="contact-form-title" tabindex="-1">{dynamic(move || heading(i18n.t()))}</h3>
            <ErrorSummary errors general label />
            <form novalidate on:submit=on_submit>
                <TextField field="contact_email" label=|t| t.email value=email errors autocomplete="off" input_type="email" maxlength=254 />
                <TextField field="contact_full_name" label=|t| t.full_name value=full_name errors autocomplete="off" maxlength=200 required=false />
                <TextField
                    field="contact_phone"
                    label=|t| t.phone
                    value=phone
                    errors
                    autocomplete="off"
                    input_type="tel"
                    maxlength=40
                    hint=|t| t.phone_hint
                    required=false
                />
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
