//! The few browser APIs the app touches directly. Failures (private mode without storage,
//! no `window` in tests) degrade to "nothing remembered" rather than panics.
use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn local_storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

pub fn storage_get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

pub fn storage_remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

pub fn navigator_language() -> String {
    window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// The page's origin, e.g. `http://127.0.0.1:8080`: the API lives there too.
pub fn origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The fragment of the page's address, with its `#` (empty without one).
pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

pub fn set_document_lang(tag: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

pub fn set_document_title(title: &str) {
    if let Some(document) = window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// Removes the "loading" note that `index.html` shows until the app starts.
pub fn remove_element(id: &str) {
    if let Some(element) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        element.remove();
    }
}

/// Moves the keyboard focus to the element with this id, if it exists.
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let element = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Moves the keyboard focus to a form's field: the element with its id or, for a group of
/// choices (radio buttons), the first input of its name. Focusing scrolls it into view.
pub fn focus_field(field: &str) {
    use wasm_bindgen::JsCast;
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let element = document.get_element_by_id(field).or_else(|| {
        document
            .query_selector(&format!("[name=\"{field}\"]"))
            .ok()
            .flatten()
    });
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// A date and time in the reader's language and time zone, e.g. `21/11/2026 09:30`.
pub fn format_date_time(rfc3339: &str, tag: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"short".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_string(tag, &options))
}

/// Focuses after the next paint, once the view shows what was just set (errors, new fields).
pub fn focus_soon(id: &'static str) {
    leptos::prelude::request_animation_frame(move || focus(id));
}

/// [`focus_soon`] for an id made at run time (one button per row of a list).
pub fn focus_soon_on(id: String) {
    leptos::prelude::request_animation_frame(move || focus(&id));
}

/// Focuses `id` as soon as a view shows it, trying at each frame for about a second: for an
/// element a change of state brings in later than the next frame.
pub fn focus_when_shown(id: &'static str) {
    fn attempt(id: &'static str, frames_left: u32) {
        leptos::prelude::request_animation_frame(move || {
            let shown = window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .is_some();
            if shown {
                focus(id);
            } else if frames_left > 0 {
                attempt(id, frames_left - 1);
            }
        });
    }
    attempt(id, 60);
}

/// The browser's clock (chrono's own clock is not available in the browser).
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// The value of an `<input type="datetime-local">` showing `at` in the reader's time zone,
/// e.g. `2026-11-21T09:30`.
pub fn local_input_value(at: &DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// The instant an `<input type="datetime-local">` value means in the reader's time zone;
/// `None` when the browser cannot read it.
pub fn parse_local_input(value: &str) -> Option<DateTime<Utc>> {
    // Without an offset, `Date` reads a date and time as local time.
    let millis = js_sys::Date::new(&JsValue::from_str(value)).get_time();
    if millis.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

/// The `token` of the page's fragment (`#token=…`, from a link mailed to the user), removed
/// from the address bar and the history at once so it is not left behind.
pub fn take_fragment_token() -> Option<String> {
    let window = window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let token = hash
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .map(str::to_owned);
    if !hash.is_empty() {
        let path = location.pathname().unwrap_or_default();
        let search = location.search().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(
                &JsValue::NULL,
                "",
                Some(&format!("{path}{search}")),
            );
        }
    }
    token.filter(|t| !t.is_empty())
}

/// Whether the window is phone-sized (under the style sheet's 40rem breakpoint at the default
/// 16 px), where long forms fold. Off the browser: no.
pub fn is_narrow_screen() -> bool {
    window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|width| width.as_f64())
        .is_some_and(|width| width < 640.0)
}
