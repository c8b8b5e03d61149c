//! The reactive parts of views (`{dynamic(move || …)}` in `view!`).
//!
//! Leptos compiles a `{move || …}` block into its own copy of the code that renders and
//! re-renders it, one per closure: some 180 copies in this app. A block given as a shared,
//! type-erased function is rendered by one copy per output type instead, for the same result
//! (the closure runs when what it reads changes, as before). Later Leptos macros do this by
//! themselves under `--cfg erase_components`; the 0.8.16 macros this build uses do not.
use std::sync::{Arc, Mutex};

use leptos::tachys::reactive_graph::SharedReactiveFunction;

/// A view block that re-runs when the signals it reads change.
pub fn dynamic<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> SharedReactiveFunction<T> {
    Arc::new(Mutex::new(f))
}
