//! The reactive parts of views: `{dynamic(move || …)}` children, `{dynamic(rows)}` for a
//! closure given as a child, `dynamic(move || …)` returned by a component, and
//! `disabled=dynamic(move || …)` attributes of HTML elements.
//!
//! Leptos compiles each reactive closure into its own copy of the code that renders and
//! re-renders it, one per closure: some 300 copies in this app. A closure given as a shared,
//! type-erased function is rendered by one copy per output type instead, for the same result
//! (the closure runs when what it reads changes, as before). Later Leptos macros do this by
//! themselves under `--cfg erase_components`; the 0.8.16 macros this build uses do not.
use std::sync::{Arc, Mutex};

use leptos::tachys::reactive_graph::SharedReactiveFunction;

/// A view block that re-runs when the signals it reads change.
pub fn dynamic<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> SharedReactiveFunction<T> {
    Arc::new(Mutex::new(f))
}
