use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    components::{page_title, ErrorSummary},
    forms::SendOnce,
    i18n::{use_i18n, Message, Texts},
    reactive::dynamic,
};

/// The frame of a page reached without signing in whose form is sent once: the form with
/// its error summary and submit button, replaced once sent by what happens next. `children`
/// are the form's fields.
#[component]
pub fn SendOncePage(
    form: SendOnce,
    title: Message,
    intro: Message,
    submit: Message,
    /// Said once the form is sent.
    done: Message,
    /// The label of a field, for the error summary.
    label: fn(&Texts, &str) -> &'static str,
    on_submit: impl Fn(SubmitEvent) + Clone + Send + Sync + 'static,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    page_title(title);
    let SendOnce {
        errors,
        general,
        pending,
        sent,
        ..
    } = form;
    view! {
        <section class="narrow card">
            <h1>{dynamic(move || title(i18n.t()))}</h1>
            <div role="status">
                <Show when=move || sent.get()>
                    <p class="flash" id="sent" tabindex="-1">{dynamic(move || done(i18n.t()))}</p>
                </Show>
            </div>
            <Show when=move || !sent.get()>
                <p class="intro">{dynamic(move || intro(i18n.t()))}</p>
                <ErrorSummary errors general label />
                <form novalidate on:submit=on_submit.clone()>
                    {children()}
                    <button type="submit" class="primary" disabled=dynamic(move || pending.get())>
                        {dynamic(move || {
                            let t = i18n.t();
                            if pending.get() { t.sending } else { submit(t) }
                        })}
                    </button>
                </form>
            </Show>
            <p>
                <a href="/login">{dynamic(move || i18n.t().back_to_sign_in)}</a>
            </p>
        </section>
    }
}
