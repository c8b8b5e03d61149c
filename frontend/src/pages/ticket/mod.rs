//! One ticket: its fields, its history, its files, and every action its status and the
//! viewer's role allow.
mod agent_panel;
mod article_link;
mod attachments;
mod details;
mod followup;
mod history;
mod linked_text;
mod notice;
mod notifications;
mod previews;
mod rating;
mod share;
mod solution;
mod state;
mod support_access;
mod text_action;
mod timeline;

use guichet_types::policy::{available, Actions, TicketFacts, Viewer};
use guichet_types::{Ticket, TicketNumber};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub use attachments::UploadProgress;

use self::{
    agent_panel::AgentPanel,
    attachments::Attachments,
    details::TicketDetails,
    followup::FollowupForm,
    linked_text::LinkedText,
    notice::NoticeView,
    notifications::NotificationsForm,
    rating::RatingForm,
    share::Sharing,
    solution::DecideBox,
    state::{provide_ticket_state, PAGE_NOTICE},
    support_access::TicketSupportAccess,
    text_action::{TextAction, TextActionForm},
    timeline::Timeline,
};
use crate::{
    components::FlashMessage,
    dom,
    failure::Failure,
    i18n::{fill, use_i18n},
    pages::NotFoundPage,
    reactive::dynamic,
    session::expect_session,
};

#[component]
pub fn TicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let params = use_params_map();
    let number = Memo::new(move |_| {
        params.with(|p| p.get("number").and_then(|n| n.parse::<TicketNumber>().ok()))
    });
    let loaded = LocalResource::new(move || {
        let number = number.get();
        // Starting or ending an assisted session changes who reads the ticket.
        session.is_assisted();
        async move {
            // Not a ticket number: not a ticket, as the server would say.
            let Some(number) = number else {
                return Err(Failure::status(404));
            };
            session
                .call(|client| {
                    let number = number.clone();
                    async move { client.ticket_with_etag(&number).await }
                })
                .await
        }
    });

    let content = move || {
        Suspend::new(async move {
            match loaded.await {
                Ok((ticket, etag)) => view! { <TicketView ticket etag /> }.into_any(),
                Err(failure) if failure.is_status(404) => view! { <NotFoundPage /> }.into_any(),
                Err(failure) => view! {
                    <div class="alert" role="alert">
                        <p>{dynamic(move || i18n.t().load_failed)} " " {dynamic(move || (failure.message())(i18n.t()))}</p>
                        <button type="button" on:click=move |_| loaded.refetch()>
                            {dynamic(move || i18n.t().retry)}
                        </button>
                    </div>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Transition fallback=move || view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> }>
            {dynamic(content)}
        </Transition>
    }
}

#[component]
fn TicketView(ticket: Ticket, etag: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = provide_ticket_state(ticket, etag);
    previews::provide_previews();
    let ticket = state.ticket;

    Effect::new(move || {
        let t = i18n.t();
        let (number, title) = ticket.with(|tk| (tk.number.to_string(), tk.title.clone()));
        dom::set_document_title(&format!("{number} — {title} — {}", t.app_name));
    });
    // Category names come in the profile's language: reload when it changes.
    let locale = Memo::new(move |_| session.profile().map(|p| p.locale));
    Effect::new(move |previous: Option<Option<guichet_types::Locale>>| {
        let now = locale.get();
        if previous.is_some_and(|previous| previous != now) {
            state.reload();
        }
        now
    });

    let viewer = Memo::new(move |_| session.profile().map(|p| Viewer::from(&p)));
    let actions = Memo::new(move |_| match viewer.get() {
        Some(viewer) => ticket.with(|t| available(&TicketFacts::from(t), &viewer)),
        None => Actions::default(),
    });
    let when = move |pick: fn(&Actions) -> bool| move || actions.with(pick);
    let allowed = move |pick: fn(&Actions) -> bool| Signal::derive(when(pick));
    let me = Signal::derive(move || viewer.with(|v| v.as_ref().map(|v| v.id)));

    view! {
        <article class="ticket" aria-labelledby="page-title">
            <FlashMessage />
            <header class="ticket-head">
                <p class="ticket-number">
                    {dynamic(move || fill(i18n.t().ticket_number, "number", ticket.with(|t| t.number.as_str().to_owned()).as_str()))}
                </p>
                <h1 id="page-title">{dynamic(move || ticket.with(|t| t.title.clone()))}</h1>
                <p>
                    {dynamic(move || {
                        let status = ticket.with(|t| t.status);
                        view! {
                            <span class=format!("status status-{}", status.as_str())>
                                {dynamic(move || i18n.t().status(status))}
                            </span>
                        }
                    })}
                </p>
                <button
                    type="button"
                    class="link print"
                    on:click=|_| {
                        let _ = window().print();
                    }
                >
                    {dynamic(move || i18n.t().print_ticket)}
                </button>
            </header>
            <NoticeView notice=state.notice id=PAGE_NOTICE />
            <div class="ticket-grid">
                <div class="ticket-main">
                    <section class="panel" aria-labelledby="description-heading">
                        <h2 id="description-heading">{dynamic(move || i18n.t().description)}</h2>
                        <div class="prose">
                            {dynamic(move || view! { <LinkedText text=ticket.with(|t| t.description.clone()) /> })}
                        </div>
                    </section>
                    <Show when=when(|a| a.decide)>
                        <DecideBox />
                    </Show>
                    <Show when=when(|a| a.rate)>
                        <RatingForm />
                    </Show>
                    <Timeline decide=allowed(|a| a.decide) />
                    <Show when=when(|a| a.followup)>
                        <FollowupForm internal_allowed=allowed(|a| a.internal_note) />
                    </Show>
                </div>
                <aside class="ticket-side">
                    <Show when=when(Actions::agent_panel)>
                        <AgentPanel actions me />
                    </Show>
                    <TicketSupportAccess />
                    <TicketDetails />
                    <Show when=when(|a| a.notifications)>
                        <NotificationsForm />
                    </Show>
                    <Attachments can_attach=allowed(|a| a.attach) />
                    <Show when=when(|a| a.share)>
                        <Sharing />
                    </Show>
                    <Show when=when(|a| a.withdraw)>
                        <section class="panel" aria-labelledby="withdraw-heading">
                            <h2 id="withdraw-heading">{dynamic(move || i18n.t().withdraw_heading)}</h2>
                            <TextActionForm action=TextAction::Withdraw />
                        </section>
                    </Show>
                </aside>
            </div>
        </article>
    }
}
