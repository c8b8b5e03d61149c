//! The assisted session (issue 17): an agent acting as a customer, with the customer's
//! consent, on one ticket.
//!
//! Its token sits beside the agent's own (never over it) in `sessionStorage`: it survives a
//! reload of this tab, is never shared with other tabs, and dies with the tab. While it is
//! there every call of [`crate::session::Session::call`] carries it, `GET /me` answers the
//! customer, and a banner says for whom the agent acts and until when, and links the access's
//! ticket: the one page the session may use, so the header hides its navigation meanwhile
//! (`components/header.rs`). The token cannot be
//! refreshed: the mode ends at its expiry, when the agent ends it, or when the server answers
//! 401 (the customer ended the access, or the session expired); the agent's own session takes
//! over again.
use chrono::{DateTime, Utc};
use guichet_types::{Profile, TicketNumber};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::{
    dom,
    i18n::{fill, use_i18n},
    reactive::dynamic,
    session::expect_session,
};

const STORAGE_KEY: &str = "guichet.assisted";
/// The banner's id: starting a session brings the keyboard there.
pub const BANNER_ID: &str = "assisted-banner";
/// Where the end of a session is said.
const ENDED_ID: &str = "assisted-ended";

/// A running assisted session, as this tab keeps it over a reload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub token: String,
    pub access_id: i64,
    pub ticket: TicketNumber,
    /// The customer's name as the access names them.
    pub customer_name: String,
    pub expires_at: DateTime<Utc>,
}

impl Kept {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}

/// A running assisted session and the customer it acts as (`GET /me` with its token, read
/// again after a reload rather than kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Assisted {
    pub kept: Kept,
    pub customer: Profile,
}

/// How an assisted session ended, for the agent to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssistedEnd {
    /// The agent ended it.
    Agent,
    /// The server refused its token: the customer ended the access, or it expired.
    Cut,
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The session this tab kept, unless it has expired since.
pub fn load(now: DateTime<Utc>) -> Option<Kept> {
    let kept = session_storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    let kept: Kept = serde_json::from_str(&kept).ok()?;
    if kept.expired(now) {
        forget();
        return None;
    }
    Some(kept)
}

pub fn keep(kept: &Kept) {
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(kept)) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

pub fn forget() {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
}

/// A time of day in the reader's language and time zone, e.g. `14:30` or `2:30 PM`.
pub fn format_time(at: &DateTime<Utc>, tag: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_time_string_with_options(tag, &options))
}

/// The banner of an assisted session, at the top of every page while it runs, and what the
/// agent is told when it ends. Its code comes on demand, as the screens' does: most visits
/// never see it.
#[component]
pub fn AssistedBanner() -> impl IntoView {
    let session = expect_session();
    let shown = move || session.is_assisted() || session.assisted_ended().is_some();
    view! {
        <Show when=shown>
            <Suspense fallback=|| ()>{Suspend::new(SendWrapper::new(assisted_view()))}</Suspense>
        </Show>
    }
}

#[lazy]
fn assisted_view() -> AnyView {
    view! { <AssistedView /> }.into_any()
}

#[component]
fn AssistedView() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let pending = RwSignal::new(false);
    let end = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        leptos::task::spawn_local(async move {
            session.end_assisted().await;
            pending.set(false);
            dom::focus_soon(ENDED_ID);
        });
    };
    let banner = move || {
        session.assisted().map(|assisted| {
            let Kept {
                customer_name,
                expires_at,
                ticket,
                ..
            } = assisted.kept;
            // The one page the session may use; the header has no other link meanwhile.
            let ticket_href = format!("/tickets/{ticket}");
            let ticket_text =
                move || fill(i18n.access().back_to_ticket, "number", &ticket.to_string());
            let text = move || {
                let a = i18n.access();
                let time = format_time(&expires_at, i18n.t().tag);
                crate::i18n::AccessTexts::fill_all(
                    a.banner,
                    &[("customer", &customer_name), ("time", &time)],
                )
            };
            view! {
                <div class="assisted-banner" id=BANNER_ID tabindex="-1">
                    <p><strong>{dynamic(text)}</strong></p>
                    <button type="button" disabled=dynamic(move || pending.get()) on:click=end>
                        {dynamic(move || i18n.access().end_session)}
                    </button>
                    <a href=ticket_href>{dynamic(ticket_text)}</a>
                </div>
            }
        })
    };
    let ended = move || {
        session.assisted_ended().map(|how| {
            let text = move || match how {
                AssistedEnd::Agent => i18n.access().session_ended,
                AssistedEnd::Cut => i18n.access().session_cut,
            };
            view! {
                <p class="flash assisted-ended">
                    {dynamic(text)} " "
                    <button type="button" class="link" on:click=move |_| session.dismiss_assisted_end()>
                        {dynamic(move || i18n.access().dismiss)}
                    </button>
                </p>
            }
        })
    };
    view! {
        {dynamic(banner)}
        <div class="live" id=ENDED_ID tabindex="-1" aria-live="polite" aria-atomic="true">
            {dynamic(ended)}
        </div>
    }
}
