//! Tickets avoided, as the issue words it: a customer who opens an article the new-ticket
//! form suggested and then leaves without creating a ticket avoided one.
//!
//! Opening a suggestion notes its slug as pending in `sessionStorage` (this tab only, over a
//! reload). Creating a ticket from the form forgets the pending slugs uncounted. Leaving counts
//! each pending slug once (`POST /articles/{slug}/avoided-tickets`) and forgets it; leaving is
//! going within the app to a page other than the form and the help centre, signing out, or the
//! page being closed or left for another site (`pagehide`), where the request is a `fetch` with
//! `keepalive` so that it outlives the page. A tab merely hidden is not left: its customer may
//! come back and write the ticket. Only a customer acting as themself
//! counts: the server refuses the support team, and an assisted session is the agent's work.
use guichet_client::Client;
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_location;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use crate::{
    dom,
    session::{expect_session, AuthState, Session},
};

const STORAGE_KEY: &str = "guichet.avoided";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn pending() -> Vec<String> {
    session_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Notes that the article `slug` was opened from the new-ticket form's suggestions.
pub fn opened(slug: &str) {
    let mut slugs = pending();
    if slugs.iter().any(|s| s == slug) {
        return;
    }
    slugs.push(slug.to_owned());
    if let (Some(storage), Ok(json)) = (session_storage(), serde_json::to_string(&slugs)) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}

/// The pending slugs, forgotten here: each is counted at most once.
pub fn take() -> Vec<String> {
    let slugs = pending();
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(STORAGE_KEY);
    }
    slugs
}

/// A ticket was created: the articles opened did not avoid it.
pub fn ticket_created() {
    take();
}

/// Whether going to `path` leaves the form and the articles it suggested.
fn leaves(path: &str) -> bool {
    path != "/tickets/new" && path != "/help" && !path.starts_with("/help/")
}

/// Tells the server that each of `slugs` avoided a ticket; a refusal changes nothing here.
pub async fn count(client: &Client, slugs: Vec<String>) {
    for slug in slugs {
        let _ = client.count_avoided_ticket(&slug).await;
    }
}

/// The same, from a page being closed or left: requests the browser finishes without it.
fn count_on_exit(session: Session) {
    let slugs = take();
    if slugs.is_empty() || !session.avoids_tickets() {
        return;
    }
    let (Some(token), Some(window)) = (session.access_token(), web_sys::window()) else {
        return;
    };
    let origin = dom::origin();
    for slug in slugs {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        // web-sys 0.3.83 has no setter for it.
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
        let headers = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &headers,
            &"Authorization".into(),
            &format!("Bearer {token}").into(),
        );
        init.set_headers(&headers);
        let url = format!(
            "{origin}/api/v1/articles/{}/avoided-tickets",
            js_sys::encode_uri_component(&slug)
        );
        let sent = window.fetch_with_str_and_init(&url, &init);
        // Awaited only so that a failure is not an unhandled rejection.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(sent).await;
        });
    }
}

/// Counts the pending articles when the customer leaves (see the module); in the router.
#[component]
pub fn AvoidedTickets() -> impl IntoView {
    let session = expect_session();
    let path = use_location().pathname;
    Effect::new(move |_| {
        let path = path.get();
        if session.state() == AuthState::Restoring || !leaves(&path) {
            return;
        }
        let slugs = take();
        if slugs.is_empty() || !session.avoids_tickets() {
            return;
        }
        spawn_local(async move {
            for slug in slugs {
                let _ = session
                    .call(|client| {
                        let slug = slug.clone();
                        async move { client.count_avoided_ticket(&slug).await }
                    })
                    .await;
            }
        });
    });
    if let Some(window) = web_sys::window() {
        // For the app's whole life: never removed.
        let on_exit = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
            count_on_exit(session);
        });
        let _ =
            window.add_event_listener_with_callback("pagehide", on_exit.as_ref().unchecked_ref());
        on_exit.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_and_the_help_centre_are_not_leaving() {
        assert!(!leaves("/tickets/new"));
        assert!(!leaves("/help"));
        assert!(!leaves("/help/redemarrer-la-box-fibre"));
        assert!(leaves("/tickets"));
        assert!(leaves("/tickets/2026-00012"));
        assert!(leaves("/"));
        assert!(leaves("/login"));
        assert!(leaves("/helpdesk"));
    }
}
