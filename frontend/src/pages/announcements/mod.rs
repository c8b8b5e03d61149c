//! Administrators: the announcements of the landing page ("Announcement: Bienvenue sur le
//! nouveau portail client", seed 004), past, current and upcoming, written and removed here.
mod form;
mod rules;
mod table;

use guichet_types::Announcement;
use leptos::{prelude::*, task::spawn_local};

use form::{AnnouncementForm, Outcome};
use table::{AnnouncementTable, RowAction};

use crate::{
    components::page_title,
    dom,
    failure::Failure,
    i18n::{use_i18n, Message},
    reactive::dynamic,
    session::expect_session,
};

#[component]
pub fn AnnouncementsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.announcements_admin_title);
    let items = RwSignal::new(Vec::<Announcement>::new());
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);
    // What the last change did, said once by the status region.
    let notice = RwSignal::new(None::<Message>);
    let editing = RwSignal::new(None::<Announcement>);
    let confirming = RwSignal::new(None::<i64>);

    let load = move || {
        spawn_local(async move {
            let result = session
                .call(|client| async move { client.announcements(true).await })
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

    // After a change the list is read again: the server orders it and may have trimmed texts.
    let conclude = move |message: Message| {
        confirming.set(None);
        notice.set(Some(message));
        load();
        dom::focus_soon("announcements-notice");
    };

    let on_done = move |outcome: Outcome| {
        let edited = editing.with_untracked(|a| a.as_ref().map(|a| a.id));
        editing.set(None);
        match outcome {
            Outcome::Created => conclude(|t| t.announcement_created),
            Outcome::Saved => conclude(|t| t.announcement_saved),
            Outcome::Gone => conclude(|t| t.announcement_gone),
            // Back to the button that opened the edit.
            Outcome::Cancelled => {
                if let Some(id) = edited {
                    dom::focus_soon_on(format!("edit-{id}"));
                }
            }
        }
    };

    let on_action = move |action: RowAction| match action {
        RowAction::Edit(announcement) => {
            notice.set(None);
            confirming.set(None);
            editing.set(Some(announcement));
            dom::focus_soon("announcement-form-title");
        }
        RowAction::AskDelete(id) => {
            notice.set(None);
            confirming.set(Some(id));
            dom::focus_soon("delete-confirm");
        }
        RowAction::KeepIt(id) => {
            confirming.set(None);
            dom::focus_soon_on(format!("delete-{id}"));
        }
        RowAction::Delete(id) => {
            spawn_local(async move {
                let result = session
                    .call(|client| async move { client.delete_announcement(id).await })
                    .await;
                match result {
                    // Already gone is gone all the same.
                    Ok(()) => {}
                    Err(error) if error.is_status(404) => {}
                    Err(error) => {
                        failure.set(Some(error));
                        return;
                    }
                }
                // Its edit, if under way, has nothing left to save.
                if editing.with_untracked(|a| a.as_ref().map(|a| a.id)) == Some(id) {
                    editing.set(None);
                }
                conclude(|t| t.announcement_deleted);
            });
        }
    };

    view! {
        <section class="admin-announcements" aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().announcements_admin_title)}</h1>
            <p class="intro">{dynamic(move || i18n.t().announcements_admin_intro)}</p>
            <div role="status">
                {dynamic(move || {
                    notice
                        .get()
                        .map(|message| {
                            view! {
                                <p class="flash" id="announcements-notice" tabindex="-1">
                                    {dynamic(move || message(i18n.t()))}
                                </p>
                            }
                        })
                })}
            </div>
            <div role="alert">
                {dynamic(move || {
                    failure
                        .get()
                        .map(|f| {
                            view! {
                                <p class="alert">
                                    {dynamic(move || (f.message())(i18n.t()))}
                                </p>
                            }
                        })
                })}
            </div>
            <section aria-labelledby="announcements-list-title">
                <h2 id="announcements-list-title">
                    {dynamic(move || i18n.t().announcements_list_title)}
                </h2>
                {dynamic(move || {
                    if !loaded.get() {
                        let waiting = failure.with(Option::is_none);
                        waiting
                            .then(|| {
                                view! {
                                    <p class="loading" role="status">
                                        {dynamic(move || i18n.t().loading)}
                                    </p>
                                }
                            })
                            .into_any()
                    } else if items.with(Vec::is_empty) {
                        view! {
                            <p class="empty">{dynamic(move || i18n.t().announcements_none)}</p>
                        }
                            .into_any()
                    } else {
                        view! { <AnnouncementTable items confirming on_action /> }.into_any()
                    }
                })}
            </section>
            <AnnouncementForm editing on_done />
        </section>
    }
}
