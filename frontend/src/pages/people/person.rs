use guichet_types::{policy::roles_to_give, Role, User, UserId};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use super::{
    companies,
    form::{label, Fields, PersonFields},
    new::{focus_shown, show_errors},
    rules::{offered, update_of, Draft, ORDER},
};
use crate::{
    components::{page_title, ErrorSummary},
    failure::Failure,
    forms::FieldErrors,
    i18n::{use_i18n, Message, Texts},
    pages::NotFoundPage,
    reactive::dynamic,
    session::expect_session,
};

/// An act on the person's account, and what the page says once it is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AccountAct {
    Invitation,
    Reset,
    Unlock,
}

impl AccountAct {
    fn button(self, t: &Texts) -> &'static str {
        match self {
            AccountAct::Invitation => t.person_resend,
            AccountAct::Reset => t.person_reset,
            AccountAct::Unlock => t.person_unlock,
        }
    }

    fn done(self) -> Message {
        match self {
            AccountAct::Invitation => |t| t.person_resent,
            AccountAct::Reset => |t| t.person_reset_sent,
            AccountAct::Unlock => |t| t.person_unlocked,
        }
    }
}

/// The sentence for a refusal that is not about one field.
fn refusal(failure: &Failure) -> Message {
    if failure.code == "last_admin" {
        |t| t.person_last_admin
    } else {
        failure.message()
    }
}

/// One person: their details, the form that changes them and the acts on their account, as
/// far as the reader may (`rules::offered`).
#[component]
pub fn PersonPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.nav_people);
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .map(UserId)
        })
    });
    let person = RwSignal::new(None::<User>);
    let failure = RwSignal::new(None::<Failure>);
    // Kept here: a saved change shows the person afresh, and the page says it was saved.
    let notice = RwSignal::new(None::<Message>);
    Effect::new(move || {
        let Some(id) = id.get() else {
            failure.set(Some(Failure::status(404)));
            return;
        };
        spawn_local(async move {
            match session
                .call(|client| async move { client.user(id).await })
                .await
            {
                Ok(found) => person.set(Some(found)),
                Err(error) => failure.set(Some(error)),
            }
        });
    });

    view! {
        <section class="form-page person-page" aria-labelledby="page-title">
            {dynamic(move || match (person.get(), failure.get()) {
                (Some(found), _) => view! { <PersonView person=found shown=person notice /> }.into_any(),
                (None, Some(f)) if f.is_status(404) => view! { <NotFoundPage /> }.into_any(),
                (None, Some(f)) => view! {
                    <h1 id="page-title">{dynamic(move || i18n.t().nav_people)}</h1>
                    <p class="alert" role="alert">{dynamic(move || (f.message())(i18n.t()))}</p>
                }
                .into_any(),
                (None, None) => view! {
                    <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p>
                }
                .into_any(),
            })}
        </section>
    }
}

#[component]
fn PersonView(
    person: User,
    shown: RwSignal<Option<User>>,
    notice: RwSignal<Option<Message>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let reader =
        untrack(move || session.profile()).map_or((UserId(0), Role::Customer), |p| (p.id, p.role));
    let may = offered(reader, &person);
    let id = person.id;
    let fields = Fields::new();
    fields.set(Draft::of(&person));
    // Only a reader who may move the person to another company needs the list.
    let companies = if may.standing {
        companies(session)
    } else {
        Signal::derive(Vec::new)
    };
    let general = RwSignal::new(None::<Message>);
    let pending = RwSignal::new(false);
    let roles = if may.standing {
        roles_to_give(reader.1)
    } else {
        Vec::new()
    };
    let says = move |message: Message| {
        general.set(None);
        notice.set(Some(message));
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general.set(None);
        notice.set(None);
        let input = match update_of(&fields.draft(), may.standing) {
            Ok(input) => input,
            Err(found) => return show_errors(fields.errors, found),
        };
        fields.errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let input = input.clone();
                    async move { client.update_user(id, &input).await }
                })
                .await;
            pending.set(false);
            match result {
                Ok(saved) => {
                    shown.set(Some(saved));
                    says(|t| t.person_saved);
                }
                Err(failure) if !failure.errors.is_empty() => show_errors(
                    fields.errors,
                    FieldErrors::new(failure.errors, |_| false).sorted(&ORDER),
                ),
                Err(failure) => general.set(Some(refusal(&failure))),
            }
        });
    };

    let act = move |act: AccountAct| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        spawn_local(async move {
            let result = session
                .call(|client| async move {
                    match act {
                        AccountAct::Invitation => client.send_user_invitation(id).await,
                        AccountAct::Reset => client.send_user_password_reset(id).await,
                        AccountAct::Unlock => client.lift_user_lockout(id).await,
                    }
                })
                .await;
            pending.set(false);
            match result {
                Ok(()) => says(act.done()),
                Err(failure) => general.set(Some(refusal(&failure))),
            }
        });
    };
    let act_button = move |which: AccountAct| {
        view! {
            <button type="button" disabled=dynamic(move || pending.get()) on:click=move |_| act(which)>
                {dynamic(move || which.button(i18n.t()))}
            </button>
        }
    };

    let name = format!("{} {}", person.first_name, person.last_name);
    let role = person.role;
    let active = person.active;
    let detail = move |term: Message, value: String| {
        view! {
            <div>
                <dt>{dynamic(move || term(i18n.t()))}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    view! {
        <h1 id="page-title">{name}</h1>
        <div role="status">
            {dynamic(move || notice.get().map(|message| {
                focus_shown("person-notice");
                view! {
                <p class="flash" id="person-notice" tabindex="-1">{dynamic(move || message(i18n.t()))}</p>
            }}))}
        </div>
        <section class="panel" aria-labelledby="person-details">
            <h2 id="person-details">{dynamic(move || i18n.t().profile_account)}</h2>
            <dl class="details">
                {detail(|t| t.email, person.email.clone())}
                {detail(|t| t.field_company, person.company_name.clone().unwrap_or_default())}
                <div>
                    <dt>{dynamic(move || i18n.t().field_role)}</dt>
                    <dd>{dynamic(move || i18n.t().role(role))}</dd>
                </div>
                <div>
                    <dt>{dynamic(move || i18n.t().person_state)}</dt>
                    <dd>
                        {dynamic(move || {
                            let t = i18n.t();
                            if active { t.person_active } else { t.person_inactive }
                        })}
                    </dd>
                </div>
            </dl>
            {may.manage.then(|| view! {
                <div class="buttons account-acts">
                    {act_button(AccountAct::Invitation)}
                    {act_button(AccountAct::Reset)}
                    {act_button(AccountAct::Unlock)}
                </div>
            })}
        </section>
        {may.manage.then(|| view! {
            <section class="panel" aria-labelledby="person-edit">
                <h2 id="person-edit">{dynamic(move || i18n.t().person_edit)}</h2>
                <ErrorSummary errors=fields.errors general label />
                <form novalidate on:submit=on_submit>
                    <PersonFields fields companies email=false roles active=true />
                    <div class="actions">
                        <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                            {dynamic(move || {
                                let t = i18n.t();
                                if pending.get() { t.sending } else { t.profile_submit }
                            })}
                        </button>
                    </div>
                </form>
            </section>
        })}
        <p><a href="/people">{dynamic(move || i18n.t().nav_people)}</a></p>
    }
}
