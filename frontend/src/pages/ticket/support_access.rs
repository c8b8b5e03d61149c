//! Support access on the ticket page (issue 17). The support team asks the requester for
//! access to their account, sees where the access stands, and starts assisted sessions while
//! it is granted; the requester answers in the "Activer l'assistance" panel. An assisted
//! session sees neither: the panel is the customer's, not the session's.
use guichet_client::PageAt;
use guichet_types::{SupportAccess, SupportAccessState};
use leptos::{prelude::*, task::spawn_local};

use super::state::expect_ticket_state;
use crate::{
    assisted::BANNER_ID,
    dom,
    failure::Failure,
    i18n::use_i18n,
    pages::support_access::{state_sentence, AccessAnswer, AccessNotice, AccessNoticeView},
    reactive::dynamic,
    session::expect_session,
};

const NOTICE_ID: &str = "support-access-notice";

/// The ticket's newest access, which tells where things stand (the older ones are closed).
fn latest(page: &Result<Vec<SupportAccess>, Failure>) -> Option<SupportAccess> {
    page.as_ref().ok().and_then(|items| items.first().cloned())
}

#[component]
pub fn TicketSupportAccess() -> impl IntoView {
    let session = expect_session();
    let state = expect_ticket_state();
    let staff = Memo::new(move |_| session.is_staff());
    let requester = Memo::new(move |_| {
        let me = session.profile().map(|p| p.id);
        me.is_some() && state.ticket.with(|t| Some(t.requester.id) == me)
    });
    let shown = move || !session.is_assisted() && (staff.get() || requester.get());
    view! {
        <Show when=shown>
            <Panel staff />
        </Show>
    }
}

#[component]
fn Panel(staff: Memo<bool>) -> impl IntoView {
    let session = expect_session();
    let state = expect_ticket_state();
    let notice = RwSignal::new(None::<AccessNotice>);
    let accesses = LocalResource::new(move || {
        let number = state.number();
        async move {
            session
                .call(|client| {
                    let number = number.clone();
                    async move {
                        let first = PageAt {
                            cursor: None,
                            limit: Some(1),
                        };
                        client.ticket_support_accesses(&number, &first).await
                    }
                })
                .await
                .map(|page| page.items)
        }
    });
    let changed = Callback::new(move |()| accesses.refetch());
    let content = move || {
        let Some(loaded) = accesses.get() else {
            return ().into_any();
        };
        let access = latest(&loaded);
        if staff.get() {
            view! { <StaffView access notice changed /> }.into_any()
        } else {
            match access {
                Some(access) if access.times().state(dom::now()).is_open() => {
                    view! { <CustomerView access notice changed /> }.into_any()
                }
                _ => ().into_any(),
            }
        }
    };
    view! {
        {dynamic(content)}
        <AccessNoticeView notice id=NOTICE_ID.to_owned() />
    }
}

/// The requester's panel: "Activer l'assistance" while asked, the end of the grant while
/// granted.
#[component]
fn CustomerView(
    access: SupportAccess,
    notice: RwSignal<Option<AccessNotice>>,
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel support-access" aria-labelledby="support-access-heading">
            <h2 id="support-access-heading">{dynamic(move || i18n.access().enable_heading)}</h2>
            <AccessAnswer
                access
                prefix="support-access".to_owned()
                notice
                notice_id=NOTICE_ID.to_owned()
                changed
            />
        </section>
    }
}

/// The support team's panel: the access's state, asking for one, starting a session.
#[component]
fn StaffView(
    access: Option<SupportAccess>,
    notice: RwSignal<Option<AccessNotice>>,
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let pending = RwSignal::new(false);
    let now = dom::now();
    let access_state = access.as_ref().map(|a| a.times().state(now));
    let may_ask = !access_state.is_some_and(SupportAccessState::is_open);
    let may_start = access
        .as_ref()
        .filter(|a| a.times().may_start_session(now))
        .map(|a| (a.id, a.customer.name.clone()));

    let ask = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let number = number.clone();
                    async move { client.request_support_access(&number).await }
                })
                .await;
            pending.set(false);
            notice.set(Some(match &result {
                Ok(_) => AccessNotice::Done(|a| a.asked_done),
                Err(failure) => AccessNotice::of(failure),
            }));
            changed.run(());
            dom::focus_soon(NOTICE_ID);
        });
    };
    let start = move |(id, customer): (i64, String)| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        notice.set(None);
        let number = state.number();
        spawn_local(async move {
            let result = session.start_assisted(id, number, customer).await;
            // On success the page is read again as the customer: this panel is gone.
            match result {
                Ok(()) => dom::focus_when_shown(BANNER_ID),
                Err(failure) => {
                    let _ = pending.try_set(false);
                    let _ = notice.try_set(Some(AccessNotice::of(&failure)));
                    changed.run(());
                    dom::focus_soon(NOTICE_ID);
                }
            }
        });
    };

    let described = access.clone().map(|access| {
        let state = access.times().state(now);
        let sentence = {
            let access = access.clone();
            move || state_sentence(&access, dom::now(), i18n)
        };
        let note = access
            .note
            .clone()
            .filter(|_| state == SupportAccessState::Granted)
            .map(|note| {
                let customer = access.customer.name.clone();
                move || {
                    crate::i18n::AccessTexts::fill_all(
                        i18n.access().note_from,
                        &[("customer", &customer), ("note", &note)],
                    )
                }
            });
        view! {
            <p>
                <span class=format!("badge access-{}", state.as_str())>
                    {dynamic(move || i18n.access().state(state))}
                </span>
                " "
                {dynamic(sentence)}
            </p>
            {note.map(|note| view! { <p class="access-note">{dynamic(note)}</p> })}
        }
    });

    view! {
        <section class="panel support-access" aria-labelledby="support-access-heading">
            <h2 id="support-access-heading">{dynamic(move || i18n.access().heading)}</h2>
            {described}
            <div class="buttons">
                {may_start.map(|chosen| view! {
                    <button
                        type="button"
                        disabled=dynamic(move || pending.get())
                        on:click=move |_| start(chosen.clone())
                    >
                        {dynamic(move || i18n.access().start_session)}
                    </button>
                })}
                {may_ask.then(|| view! {
                    <button type="button" disabled=dynamic(move || pending.get()) on:click=ask>
                        {dynamic(move || i18n.access().ask)}
                    </button>
                })}
            </div>
        </section>
    }
}
