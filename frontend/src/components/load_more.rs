use leptos::prelude::*;

use crate::{failure::Failure, i18n::use_i18n, reactive::dynamic};

/// The end of a keyset-paginated list: the failure of the last load, if any, and the
/// "load more" button while there is a next page.
#[component]
pub fn LoadMore(
    next: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
    failure: RwSignal<Option<Failure>>,
    on_load: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {dynamic(move || {
            failure.get().map(|f| view! { <p class="alert" role="alert">{(f.message())(i18n.t())}</p> })
        })}
        {dynamic(move || {
            let on_load = on_load.clone();
            next.with(Option::is_some)
                .then(|| {
                    view! {
                        <p class="more">
                            <button
                                type="button"
                                on:click=move |_| on_load()
                                disabled=dynamic(move || loading.get())
                                aria-busy=dynamic(move || loading.get().then_some("true"))
                            >
                                {dynamic(move || {
                                    let t = i18n.t();
                                    if loading.get() { t.loading } else { t.load_more }
                                })}
                            </button>
                        </p>
                    }
                })
        })}
    }
}
