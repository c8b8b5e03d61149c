use guichet_types::{EmailAddress, ShareOutcome};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{notice::Notice, state::expect_ticket_state};
use crate::{
    components::FieldMessage,
    dom,
    forms::{described_by, FieldErrors},
    i18n::{fill, use_i18n, Texts},
    reactive::dynamic,
    session::expect_session,
};

const ID: &str = "share-email";

/// The addresses the ticket is shared with, and sharing it with one more.
#[component]
pub fn Sharing() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_session();
    let state = expect_ticket_state();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(false);
    // What the latest share's answer said about the address, shown while its notice is.
    let told = RwSignal::new(None::<ShareOutcome>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let typed = email.get_untracked().trim().to_owned();
        let address = match EmailAddress::parse(&typed) {
            Ok(address) => address,
            Err(invalid) => {
                let found = vec![invalid.field_error("email")];
                errors.set(FieldErrors::new(found, |_| typed.is_empty()));
                dom::focus_soon(ID);
                return;
            }
        };
        errors.set(FieldErrors::default());
        notice.set(None);
        told.set(None);
        pending.set(true);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let (number, address) = (number.clone(), address.clone());
                    async move { client.share(&number, &address).await }
                })
                .await;
            pending.set(false);
            let result = result.map(|outcome| told.set(Some(outcome)));
            let succeeded = result.is_ok();
            let refused = state.conclude(result, notice, |t| t.share_done);
            if succeeded {
                email.set(String::new());
            }
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
                dom::focus_soon(ID);
            }
        });
    };

    let unshare = move |address: String| {
        notice.set(None);
        told.set(None);
        let number = state.number();
        spawn_local(async move {
            let result = session
                .call(|client| {
                    let (number, address) = (number.clone(), address.clone());
                    async move { client.unshare(&number, &address).await }
                })
                .await;
            state.conclude(result, notice, |t| t.unshare_done);
            // The button is gone with the address: keep the keyboard near.
            dom::focus_soon("sharing-notice");
        });
    };

    let watchers = move || {
        let list = state.ticket.with(|t| t.watchers.clone());
        if list.is_empty() {
            return view! { <p class="muted">{dynamic(move || i18n.t().nobody)}</p> }.into_any();
        }
        let items = list
            .into_iter()
            .map(|address| {
                let label = address.clone();
                let removed = address.clone();
                view! {
                    <li>
                        <span>{address}</span>
                        " "
                        <button
                            type="button"
                            class="link"
                            aria-label=dynamic(move || fill(i18n.t().unshare_label, "email", &label))
                            on:click=move |_| unshare(removed.clone())
                        >
                            {dynamic(move || i18n.t().unshare)}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="watchers">{items}</ul> }.into_any()
    };

    // The section's live region: a share says which of the two the address is (a warning when
    // the person will not see the ticket); other outcomes read as the page's notices do.
    let banner = move || {
        notice.get().map(|shown| {
            let outcome = matches!(shown, Notice::Done(_))
                .then(|| told.get())
                .flatten();
            let failure = shown.is_failure();
            let class = match &outcome {
                Some(outcome) if !outcome.sees_ticket => "note",
                _ if failure => "alert",
                _ => "flash",
            };
            view! {
                <p class=class role=failure.then_some("alert")>
                    {dynamic(move || match &outcome {
                        Some(outcome) => outcome_text(i18n.t(), outcome),
                        None => shown.text(i18n.t()),
                    })}
                </p>
            }
        })
    };

    let invalid = move || errors.with(|e| e.has("email"));
    view! {
        <section class="panel" aria-labelledby="sharing-heading">
            <h2 id="sharing-heading">{dynamic(move || i18n.t().share_heading)}</h2>
            {dynamic(watchers)}
            <div class="live" id="sharing-notice" tabindex="-1" aria-live="polite" aria-atomic="true">
                {dynamic(banner)}
            </div>
            <form novalidate on:submit=on_submit>
                <div class="field">
                    <label for=ID>{dynamic(move || i18n.t().share_email)}</label>
                    <input
                        id=ID
                        name="email"
                        type="email"
                        inputmode="email"
                        autocomplete="off"
                        bind:value=email
                        aria-invalid=dynamic(move || invalid().then_some("true"))
                        aria-describedby=dynamic(move || described_by(ID, true, invalid()))
                    />
                    <p id=format!("{ID}-hint") class="hint">{dynamic(move || i18n.t().share_hint)}</p>
                    <FieldMessage id=ID field="email" errors />
                </div>
                <button type="submit" disabled=dynamic(move || pending.get())>
                    {dynamic(move || i18n.t().share_submit)}
                </button>
            </form>
        </section>
    }
}

/// What sharing with an address means for that person.
fn outcome_text(t: &Texts, outcome: &ShareOutcome) -> String {
    let template = if outcome.sees_ticket {
        t.share_sees
    } else {
        t.share_notified_only
    };
    fill(template, "email", &outcome.email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::texts;
    use guichet_types::Locale;

    #[test]
    fn the_sharer_is_told_whether_the_person_sees_the_ticket() {
        let colleague = ShareOutcome {
            email: "remi@acme.test".to_owned(),
            sees_ticket: true,
        };
        let outsider = ShareOutcome {
            email: "paul@boreal.test".to_owned(),
            sees_ticket: false,
        };
        assert_eq!(
            outcome_text(texts(Locale::Fr), &colleague),
            "Le ticket est partagé\u{a0}: remi@acme.test verra ce ticket."
        );
        assert_eq!(
            outcome_text(texts(Locale::En), &colleague),
            "The ticket is shared: remi@acme.test will see this ticket."
        );
        for locale in [Locale::Fr, Locale::En] {
            let told = outcome_text(texts(locale), &outsider);
            assert!(told.contains("paul@boreal.test") && told.contains("notifications"));
        }
    }
}
