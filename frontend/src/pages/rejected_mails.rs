use guichet_types::RejectedMail;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    components::{page_title, LoadMore},
    dom, files,
    i18n::use_i18n,
    paging::Paging,
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
    let list = Paging::<RejectedMail>::new();

    let load = move |cursor: Option<String>| {
        list.load(cursor, |cursor| async move {
            session
                .call(|client| {
                    let cursor = cursor.clone();
                    async move { client.rejected_mails(cursor.as_deref(), None).await }
                })
                .await
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
                            each=move || list.items.get()
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
                if list.loaded.get() && list.items.with(Vec::is_empty) {
                    view! { <p class="empty">{dynamic(move || i18n.t().rejected_mails_none)}</p> }.into_any()
                } else if list.loaded.get() {
                    table().into_any()
                } else {
                    ().into_any()
                }
            })}
            {dynamic(move || {
                (list.loading.get() && !list.loaded.get())
                    .then(|| view! { <p class="loading" role="status">{dynamic(move || i18n.t().loading)}</p> })
            })}
            <LoadMore next=list.next loading=list.loading failure=list.failure on_load=move || load(list.next.get_untracked()) />
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
