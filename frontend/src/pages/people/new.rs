use guichet_types::{policy::roles_to_give, Role, User};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{
    companies,
    form::{label, Fields, PersonFields},
    rules::{new_user, Draft, ORDER},
};
use crate::{
    components::{page_title, ErrorSummary},
    dom,
    forms::FieldErrors,
    i18n::{fill, use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

/// Takes the keyboard to `id` once shown: a notice just written.
pub(super) fn focus_shown(id: &'static str) {
    Effect::new(move || dom::focus_soon(id));
}

/// Shows `found` under their fields and takes the keyboard to the first one.
pub(super) fn show_errors(errors: RwSignal<FieldErrors>, found: FieldErrors) {
    let first = found.first_of(&ORDER);
    errors.set(found);
    dom::focus_soon(first.unwrap_or("error-summary"));
}

/// Invites a person: the account is created without a password, and the invitation mailed
/// in their language. Agents create customers only. The form is empty again afterwards, for
/// the next one.
#[component]
pub fn NewPersonPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.person_invite);
    let companies = companies(session);
    let fields = Fields::new();
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let invited = RwSignal::new(None::<User>);
    let reader = untrack(move || session.profile()).map_or(Role::Customer, |p| p.role);
    let roles = roles_to_give(reader);
    let locale = untrack(move || i18n.locale());
    let empty = move || Draft::empty(locale);
    fields.set(empty());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        let input = match new_user(&fields.draft()) {
            Ok(input) => input,
            Err(found) => return show_errors(fields.errors, found),
        };
        fields.errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let input = input.clone();
                    async move { client.create_user(&input).await }
                })
                .await;
            pending.set(false);
            match result {
                Ok(person) => {
                    invited.set(Some(person));
                    let company = fields.company.get_untracked();
                    let role = fields.role.get_untracked();
                    fields.set(Draft {
                        company,
                        role,
                        ..empty()
                    });
                }
                Err(failure) if !failure.errors.is_empty() => show_errors(
                    fields.errors,
                    FieldErrors::new(failure.errors, |_| false).sorted(&ORDER),
                ),
                Err(failure) => general.set(Some(failure.message())),
            }
        });
    };

    view! {
        <section class="form-page" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().person_invite)}</h1>
            <p class="intro">{dynamic(move || i18n.t().person_invite_intro)}</p>
            <div role="status">
                {dynamic(move || {
                    invited
                        .get()
                        .map(|person| {
                            let name = format!("{} {}", person.first_name, person.last_name);
                            focus_shown("person-invited");
                            view! {
                                <p class="flash" id="person-invited" tabindex="-1">
                                    {dynamic(move || fill(i18n.t().person_invited, "email", &person.email))}
                                    " "
                                    <a href=format!("/people/{}", person.id)>{name}</a>
                                </p>
                            }
                        })
                })}
            </div>
            <ErrorSummary errors=fields.errors general label />
            <form novalidate on:submit=on_submit>
                <PersonFields fields companies email=true roles active=false />
                <div class="actions">
                    <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() { t.sending } else { t.person_invite_submit }
                        })}
                    </button>
                    <a href="/people">{dynamic(move || i18n.t().nav_people)}</a>
                </div>
            </form>
        </section>
    }
}
