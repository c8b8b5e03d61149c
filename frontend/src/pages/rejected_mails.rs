use guichet_types::RejectedMail;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::{page_title, LoadMore},
    dom,
    failure::Failure,
    files,
    i18n::use_i18n,
    reactive::dynamic,
    session::expect_session,
};

/// Support team: the received mails that created nothing (forged or unsigned reply
/// addresses, unknown senders, closed tickets…), newest first, each downloadable whole.
#[component]
pub fn RejectedMailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    page_title(|t| t.rejected_mails_title);
    let items = RwSignal::new(Vec::<RejectedMail>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let failure = RwSignal::new(None::<Failure>);

    let load = move |cursor: Option<String>| {
        loading.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let cursor = cursor.clone();
                    async move { client.rejected_mails(cursor.as_deref(), None).await }
                })
                .await;
            match result {
                Ok(page) => {
                    items.update(|items| items.extend(page.items));
                    next.set(page.next_cursor);
                    loaded.set(true);
                }
                Err(error) => failure.set(Some(error)),
            }
            loading.set(false);
        });
    };
    load(None);

    let table = move || {
        let t = i18n.t();
        view! {
            <div class="table-wrap">
                <table class="tickets">
                    <caption class="visually-hidden">{t.rejected_mails_title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.col_received}</th>
                            <th scope="col">{t.col_sender}</th>
                            <th scope="col">{t.col_subject}</th>
                            <th scope="col">{t.col_reason}</th>
                            <th scope="col">{t.col_message}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || items.get()
                            key=|mail| mail.id
                            children=move |mail| view! { <RejectedRow mail /> }
                        />
                    </tbody>
                </table>
            </div>
        }
    };

    view! {
        <section aria-labelledby="page-title">
            <h1 id="page-title">{dynamic(move || i18n.t().rejected_mails_title)}</h1>
            <p class="intro">{dynamic(move || i18n.t().rejected_mails_intro)}</p>
            {dynamic(move || {
                if loaded.get() && items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().rejected_mails_none)}</p> }.into_any()
                } else if loaded.get() {
                    table().into_any()
                } else {
                    ().into_any()
                }
            })}
            {dynamic(move || {
                (loading.get() && !loaded.get())
                    .then(|| view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> })
            })}
            <LoadMore next loading failure on_load=move || load(next.get_untracked()) />
        </section>
    }
}

#[component]
fn RejectedRow(mail: RejectedMail) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let received = mail.received_at.to_rfc3339();
    let shown = received.clone();
    let reason = mail.reason;
    let id = mail.id;
    let failed = RwSignal::new(false);
    let download = move |_| {
        failed.set(false);
        spawn_local(async move {
            let raw = session
                .call(|client| async move { client.rejected_mail_raw(id).await })
                .await;
            let saved = raw.is_ok_and(|bytes| {
                files::save(&bytes, &format!("rejected-{id}.eml"), "message/rfc822").is_ok()
            });
            failed.set(!saved);
        });
    };
    view! {
        <tr>
            <td data-label=dynamic(move || i18n.t().col_received)>
                <time datetime=received>{dynamic(move || dom::format_date_time(&shown, i18n.t().tag))}</time>
            </td>
            <td data-label=dynamic(move || i18n.t().col_sender)>{mail.sender}</td>
            <td data-label=dynamic(move || i18n.t().col_subject)>{mail.subject}</td>
            <td data-label=dynamic(move || i18n.t().col_reason)>{dynamic(move || i18n.t().reject_reason(reason))}</td>
            <td data-label=dynamic(move || i18n.t().col_message)>
                <button type="button" class="link" on:click=download>
                    {dynamic(move || i18n.t().download_message)}
                </button>
                {dynamic(move || failed.get().then(|| view! { <span class="alert" role="alert">{dynamic(move || i18n.t().download_failed)}</span> }))}
            </td>
        </tr>
    }
}
