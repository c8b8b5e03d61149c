//! Guichet's web front end: a Leptos single-page app, rendered in the browser, that talks to
//! the API through `guichet-client`. `app` holds the routes, `pages` one component per screen,
//! `components` the shared pieces, `paging` the lists read page by page, `i18n` every string
//! in French and English, `session` the signed-in user and the authenticated calls, `files`
//! the uploads with progress, `avoided` the tickets the help centre avoided, and `lazy_pages` the screens loaded on demand.
mod app;
mod assisted;
mod avoided;
mod categories;
mod components;
mod dom;
mod failure;
mod files;
mod forms;
mod i18n;
mod lazy_pages;
mod pages;
mod paging;
mod reactive;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    dom::remove_element("boot");
    leptos::mount::mount_to_body(app::App);
}
