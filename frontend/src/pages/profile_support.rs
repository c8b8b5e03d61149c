//! The profile's "Activer l'assistance" section (issue 17): the caller's pending and granted
//! support accesses (`GET /me/support-access`), each with its ticket and the same answer as
//! on the ticket page.
use guichet_client::PageAt;
use guichet_types::SupportAccess;
use leptos::prelude::*;

use crate::{
    i18n::{use_i18n, AccessTexts},
    pages::support_access::{AccessAnswer, AccessNotice, AccessNoticeView},
    reactive::dynamic,
    session::expect_session,
};

const NOTICE_ID: &str = "profile-access-notice";

#[component]
pub fn ProfileSupportAccess() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let notice = RwSignal::new(None::<AccessNotice>);
    let accesses = LocalResource::new(move || async move {
        session
            .call(|client| async move { client.my_support_accesses(&PageAt::default()).await })
            .await
            .map(|page| page.items)
    });
    let changed = Callback::new(move |()| accesses.refetch());
    let staff = session.is_staff();

    let list = move || {
        let items = match accesses.get() {
            Some(Ok(items)) => items,
            // The rest of the profile does not depend on it: say nothing rather than fail.
            _ => return None,
        };
        if items.is_empty() {
            // The support team is rarely a requester: no empty section for them.
            return (!staff).then(|| {
                view! {
                    <section class="panel support-access" aria-labelledby="profile-access-heading">
                        <h2 id="profile-access-heading">{dynamic(move || i18n.access().profile_heading)}</h2>
                        <p class="muted">{dynamic(move || i18n.access().profile_none)}</p>
                    </section>
                }
                .into_any()
            });
        }
        let rows = items
            .into_iter()
            .map(|access| view! { <ProfileAccess access notice changed /> })
            .collect_view();
        Some(
            view! {
                <section class="panel support-access" aria-labelledby="profile-access-heading">
                    <h2 id="profile-access-heading">{dynamic(move || i18n.access().profile_heading)}</h2>
                    <ul class="access-list">{rows}</ul>
                </section>
            }
            .into_any(),
        )
    };
    view! {
        {dynamic(list)}
        <AccessNoticeView notice id=NOTICE_ID.to_owned() />
    }
}

#[component]
fn ProfileAccess(
    access: SupportAccess,
    notice: RwSignal<Option<AccessNotice>>,
    changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let number = access.ticket.number.to_string();
    let title = access.ticket.title.clone();
    let href = format!("/tickets/{number}");
    let heading_id = format!("profile-access-{}", access.id);
    let link = move || {
        AccessTexts::fill_all(
            i18n.access().ticket_link,
            &[("number", &number), ("title", &title)],
        )
    };
    view! {
        <li>
            <h3 id=heading_id><a href=href>{dynamic(link)}</a></h3>
            <AccessAnswer
                prefix=format!("access-{}", access.id)
                access
                notice
                notice_id=NOTICE_ID.to_owned()
                changed
            />
        </li>
    }
}
