//! The state of a keyset-paginated list, shared by the screens that show one with
//! [`LoadMore`](crate::components::LoadMore).
use std::future::Future;

use guichet_types::Page;
use leptos::{prelude::*, task::spawn_local};

use crate::failure::Failure;

/// A list read page by page: its items so far, the cursor of the next page, whether a first
/// page came (`loaded`), a load in flight and the failure of the last one. A first page
/// (no cursor) replaces the items; a next one extends them.
pub struct Paging<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub loaded: RwSignal<bool>,
    pub loading: RwSignal<bool>,
    pub failure: RwSignal<Option<Failure>>,
}

impl<T: Send + Sync + 'static> Clone for Paging<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paging<T> {}

impl<T: Send + Sync + 'static> Default for Paging<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + Sync + 'static> Paging<T> {
    /// An empty list, not loaded yet.
    pub fn new() -> Self {
        Self::holding(Vec::new(), None, false)
    }

    /// A list whose first page was read elsewhere.
    pub fn of(page: Page<T>) -> Self {
        Self::holding(page.items, page.next_cursor, true)
    }

    fn holding(items: Vec<T>, next: Option<String>, loaded: bool) -> Self {
        Self {
            items: RwSignal::new(items),
            next: RwSignal::new(next),
            loaded: RwSignal::new(loaded),
            loading: RwSignal::new(false),
            failure: RwSignal::new(None),
        }
    }

    /// Reads the page at `cursor` (the first one when `None`) with `fetch`, which is given
    /// that cursor and usually calls the API through `Session::call`.
    pub fn load<Fut>(self, cursor: Option<String>, fetch: impl FnOnce(Option<String>) -> Fut)
    where
        Fut: Future<Output = Result<Page<T>, Failure>> + 'static,
    {
        self.loading.set(true);
        self.failure.set(None);
        let first = cursor.is_none();
        let request = fetch(cursor);
        spawn_local(async move {
            match request.await {
                Ok(page) => {
                    if first {
                        self.items.set(page.items);
                    } else {
                        self.items.update(|items| items.extend(page.items));
                    }
                    self.next.set(page.next_cursor);
                    self.loaded.set(true);
                }
                Err(error) => self.failure.set(Some(error)),
            }
            self.loading.set(false);
        });
    }
}
