use guichet_types::{Announcement, ContractLevel, Locale, ProfileContract};
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
            {dynamic(move || {
                session
                    .profile()
                    .filter(|_| !session.is_staff())
                    .map(|profile| view! { <ContractBox contract=profile.contract /> })
            })}
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

/// A customer's assistance contract (seeds 001, 004): its level and end, and from gold up
/// whom to call; without a valid one, what that means.
#[component]
pub(crate) fn ContractBox(contract: Option<ProfileContract>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(contract) = contract else {
        return view! {
            <p class="notice" id="contract-none">{dynamic(move || i18n.t().contract_none)}</p>
        }
        .into_any();
    };
    let level = level_name(contract.level);
    let until = contract.ends_on;
    let call = contract.account_manager;
    view! {
        <section class="contract" aria-labelledby="contract-title">
            <h2 id="contract-title">{dynamic(move || i18n.t().contract_title)}</h2>
            <p>
                <strong>{contract.name}</strong>
                " — "
                {dynamic(move || fill(i18n.t().contract_level, "level", level))}
                " — "
                {dynamic(move || match until {
                    Some(day) => fill(i18n.t().contract_until, "date", &day_label(day, i18n.locale())),
                    None => i18n.t().contract_open_ended.to_owned(),
                })}
            </p>
            {call.map(|manager| {
                view! {
                    <p>
                        {dynamic(move || {
                            fill(
                                &fill(i18n.t().contract_call, "name", &manager.name),
                                "phone",
                                &manager.phone,
                            )
                        })}
                    </p>
                }
            })}
        </section>
    }
    .into_any()
}

pub(super) fn level_name(level: ContractLevel) -> &'static str {
    match level {
        ContractLevel::Standard => "Standard",
        ContractLevel::Silver => "Silver",
        ContractLevel::Gold => "Gold",
        ContractLevel::Platinum => "Platinum",
    }
}

/// A day as each language writes it: `31/12/2026`, `2026-12-31`.
pub(super) fn day_label(day: chrono::NaiveDate, locale: Locale) -> String {
    use chrono::Datelike;
    match locale {
        Locale::Fr => format!("{:02}/{:02}/{}", day.day(), day.month(), day.year()),
        Locale::En => format!("{}-{:02}-{:02}", day.year(), day.month(), day.day()),
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

/// How much of a long announcement shows before its "Plus" button: this many characters, at
/// most this many lines.
const EXCERPT_CHARS: usize = 240;
const EXCERPT_LINES: usize = 3;

/// The start of a long `body`, cut between words, or `None` when it is short enough to show
/// whole.
fn excerpt(body: &str) -> Option<&str> {
    let line_end = body
        .match_indices('\n')
        .nth(EXCERPT_LINES - 1)
        .map(|(at, _)| at);
    let char_end = body.char_indices().nth(EXCERPT_CHARS).map(|(at, _)| at);
    let end = match (line_end, char_end) {
        (Some(line), Some(char)) => line.min(char),
        (line, char) => line.or(char)?,
    };
    if body[end..].trim().is_empty() {
        return None;
    }
    let start = &body[..end];
    // Cut inside a word: back to the space before it, when there is one.
    let cut = if body[end..].starts_with(char::is_whitespace) {
        start
    } else {
        start
            .rfind(char::is_whitespace)
            .map_or(start, |at| &start[..at])
    };
    // The ellipsis replaces a sentence's own ending: "fin.…" would read twice.
    Some(cut.trim_end().trim_end_matches(['.', ',', ';', ':']))
}

#[component]
fn AnnouncementItem(item: Announcement) -> impl IntoView {
    let i18n = use_i18n();
    let at = item.created_at.to_rfc3339();
    let shown = at.clone();
    let title_id = format!("announcement-{}-title", item.id);
    let body_id = format!("announcement-{}-body", item.id);
    let start = excerpt(&item.body).map(|start| format!("{start}…"));
    let long = start.is_some();
    let expanded = RwSignal::new(false);
    let body = item.body;
    let text = move || match &start {
        Some(start) if !expanded.get() => start.clone(),
        _ => body.clone(),
    };
    // The button says what it does, next to the title it belongs to.
    let toggle = long.then(|| {
        view! {
            " "
            <button
                type="button"
                class="link more-toggle"
                aria-expanded=move || if expanded.get() { "true" } else { "false" }
                aria-controls=body_id.clone()
                aria-describedby=title_id.clone()
                on:click=move |_| expanded.update(|open| *open = !*open)
            >
                {dynamic(move || {
                    let t = i18n.t();
                    if expanded.get() { t.announcement_less } else { t.announcement_more }
                })}
            </button>
        }
    });
    view! {
        <li class="announcement">
            <h3 id=title_id.clone()>{item.title}</h3>
            // Plain text, its line breaks kept by the style sheet.
            <p class="prose">
                <span id=body_id.clone()>{dynamic(text)}</span>
                {toggle}
            </p>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_announcement_shows_whole() {
        assert_eq!(excerpt("Bienvenue sur le nouveau portail client."), None);
        assert_eq!(excerpt("Ligne 1\nLigne 2\nLigne 3"), None);
        // Only spaces after the cut: nothing more to show.
        let padded = format!("{}\n\n\n   ", "mot ".repeat(10));
        assert_eq!(excerpt(&padded), None);
    }

    #[test]
    fn a_long_announcement_is_cut_between_words() {
        let body = "maintenance ".repeat(40);
        let start = excerpt(&body).expect("long");
        assert!(start.chars().count() <= EXCERPT_CHARS);
        assert!(start.ends_with("maintenance"));
        assert!(body.starts_with(start));
    }

    #[test]
    fn many_lines_are_cut_after_the_third() {
        let body = "Lundi : fermé\nMardi : 8 h – 18 h\nMercredi : 8 h – 18 h\nJeudi : 8 h – 18 h";
        assert_eq!(
            excerpt(body),
            Some("Lundi : fermé\nMardi : 8 h – 18 h\nMercredi : 8 h – 18 h")
        );
    }

    #[test]
    fn a_cut_after_a_full_stop_drops_it_for_the_ellipsis() {
        assert_eq!(
            excerpt("Ligne 1\nLigne 2\nFin de phrase.\nLigne 4"),
            Some("Ligne 1\nLigne 2\nFin de phrase")
        );
        let body = format!("{} fin, {}", "a".repeat(234), "suite ".repeat(10));
        assert_eq!(excerpt(&body).map(|s| s.ends_with(" fin")), Some(true));
    }

    #[test]
    fn a_word_longer_than_the_excerpt_is_cut_anyway() {
        let body = "é".repeat(EXCERPT_CHARS + 10);
        assert_eq!(
            excerpt(&body).map(|s| s.chars().count()),
            Some(EXCERPT_CHARS)
        );
    }
}
