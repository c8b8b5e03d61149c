use guichet_types::Announcement;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_navigate;

use crate::{
    components::page_title,
    dom,
    i18n::{fill, use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

/// "Que voulez-vous faire ?" (seed 004): the support team's current announcements, then the
/// three ways in: create a ticket, see one's tickets, search them.
#[component]
pub fn LandingPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let navigate = use_navigate();
    page_title(|t| t.landing_title);

    // Announcements come in the profile's language: reload them when it changes.
    let locale = Memo::new(move |_| session.profile().map(|p| p.locale));
    let announcements = LocalResource::new(move || {
        locale.track();
        async move {
            session
                .call(|client| async move { client.announcements(false).await })
                .await
        }
    });

    let words = RwSignal::new(String::new());
    let on_search = move |ev: SubmitEvent| {
        ev.prevent_default();
        navigate(&search_path(&words.get_untracked()), Default::default());
    };

    let news = move || {
        Suspend::new(async move {
            match announcements.await {
                Ok(list) if list.is_empty() => ().into_any(),
                Ok(list) => view! {
                    <aside class="announcements" aria-labelledby="announcements-title">
                        <h2 id="announcements-title">{dynamic(move || i18n.t().announcements_title)}</h2>
                        <ul>
                            {list.into_iter().map(|item| view! { <AnnouncementItem item /> }).collect_view()}
                        </ul>
                    </aside>
                }
                .into_any(),
                // The choices below work without them: say so, and offer to retry.
                Err(failure) => view! {
                    <div class="alert" role="alert">
                        <p>{dynamic(move || i18n.t().load_failed)} " " {dynamic(move || (failure.message())(i18n.t()))}</p>
                        <button type="button" on:click=move |_| announcements.refetch()>
                            {dynamic(move || i18n.t().retry)}
                        </button>
                    </div>
                }
                .into_any(),
            }
        })
    };

    // The support team works every company's tickets, not their own.
    let (tickets, tickets_hint): (Message, Message) = if untrack(move || session.is_staff()) {
        (
            |t| t.landing_tickets_staff,
            |t| t.landing_tickets_staff_hint,
        )
    } else {
        (|t| t.landing_tickets, |t| t.landing_tickets_hint)
    };

    view! {
        <section class="landing" aria-labelledby="page-title">
            <Transition fallback=|| ()>{dynamic(news)}</Transition>
            <h1 id="page-title">{dynamic(move || i18n.t().landing_title)}</h1>
            <ul class="choices">
                <ChoiceCard
                    href="/tickets/new"
                    id="choice-create"
                    title=|t| t.landing_create
                    hint=|t| t.landing_create_hint
                />
                <ChoiceCard href="/tickets" id="choice-tickets" title=tickets hint=tickets_hint />
                <li class="choice-card">
                    <form role="search" novalidate on:submit=on_search>
                        <label for="landing-search" class="choice-title">
                            {dynamic(move || i18n.t().landing_search)}
                        </label>
                        <p id="landing-search-hint" class="hint">{dynamic(move || i18n.t().search_hint)}</p>
                        <div class="inline">
                            <input
                                id="landing-search"
                                name="q"
                                type="search"
                                aria-describedby="landing-search-hint"
                                bind:value=words
                            />
                            <button type="submit">{dynamic(move || i18n.t().search_submit)}</button>
                        </div>
                    </form>
                </li>
            </ul>
        </section>
    }
}

/// One of the large choices: the whole card follows its link.
#[component]
fn ChoiceCard(
    href: &'static str,
    id: &'static str,
    title: Message,
    hint: Message,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    view! {
        <li class="choice-card">
            <a class="choice-title" href=href id=id aria-describedby=hint_id.clone()>
                {dynamic(move || title(i18n.t()))}
            </a>
            <p class="hint" id=hint_id>{dynamic(move || hint(i18n.t()))}</p>
        </li>
    }
}

#[component]
fn AnnouncementItem(item: Announcement) -> impl IntoView {
    let i18n = use_i18n();
    let at = item.created_at.to_rfc3339();
    let shown = at.clone();
    view! {
        <li class="announcement">
            <h3>{item.title}</h3>
            // Plain text, its line breaks kept by the style sheet.
            <p class="prose">{item.body}</p>
            <p class="posted">
                <time datetime=at>
                    {dynamic(move || {
                        let t = i18n.t();
                        fill(t.announcement_posted, "date", &dom::format_date_time(&shown, t.tag))
                    })}
                </time>
            </p>
        </li>
    }
}

/// The ticket list searching for `words`, or the whole list when there are none.
fn search_path(words: &str) -> String {
    let words = words.trim();
    if words.is_empty() {
        return "/tickets".to_owned();
    }
    let encoded = String::from(js_sys::encode_uri_component(words));
    format!("/tickets?q={encoded}")
}
