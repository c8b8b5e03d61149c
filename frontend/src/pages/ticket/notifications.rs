//! The requester's choice of mails about their ticket: on or off, and to which address.
use guichet_types::{validation_errors, TicketUpdate};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use validator::Validate;

use super::{
    notice::{Notice, NoticeView},
    state::expect_ticket_state,
};
use crate::{
    components::FieldMessage,
    dom,
    forms::{described_by, FieldErrors},
    i18n::use_i18n,
    reactive::dynamic,
};

const NOTIFY: &str = "ticket-notify";
const EMAIL: &str = "ticket-notify-email";

/// What the form sends: the address only while mails are on (hidden, it is not the choice).
pub fn notification_update(notify: bool, email: &str) -> TicketUpdate {
    TicketUpdate {
        notify: Some(notify),
        notify_email: notify.then(|| email.trim().to_owned()),
        ..Default::default()
    }
}

/// Field errors of `update` by the shared rules, an empty address read as a missing one.
pub fn notification_errors(update: &TicketUpdate) -> FieldErrors {
    let found = update
        .validate()
        .err()
        .map(|e| validation_errors(&e))
        .unwrap_or_default();
    FieldErrors::new(found, |field| {
        field == "notify_email" && update.notify_email.as_deref().is_some_and(str::is_empty)
    })
}

#[component]
pub fn NotificationsForm() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_ticket_state();
    let notify = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(false);
    // The form starts from the ticket's choice, and follows it when a reload changes it.
    let saved = Memo::new(move |_| state.ticket.with(|t| (t.notify, t.notify_email.clone())));
    Effect::new(move || {
        let (on, address) = saved.get();
        notify.set(on);
        email.set(address);
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let update = notification_update(notify.get_untracked(), &email.get_untracked());
        let found = notification_errors(&update);
        if !found.is_empty() {
            errors.set(found);
            notice.set(None);
            dom::focus_soon(EMAIL);
            return;
        }
        errors.set(FieldErrors::default());
        pending.set(true);
        spawn_local(async move {
            let result = state.patch(update).await;
            pending.set(false);
            let refused = state.conclude(result, notice, |t| t.notifications_done);
            if !refused.is_empty() {
                errors.set(FieldErrors::new(refused, |_| false));
                dom::focus_soon(EMAIL);
            }
        });
    };

    let invalid = move || errors.with(|e| e.has("notify_email"));
    view! {
        <section class="panel" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">{dynamic(move || i18n.t().notifications_heading)}</h2>
            <form novalidate on:submit=on_submit>
                <div class="field choice">
                    <input id=NOTIFY name="notify" type="checkbox" bind:checked=notify />
                    <label for=NOTIFY>{dynamic(move || i18n.t().notifications_toggle)}</label>
                </div>
                <Show when=move || notify.get()>
                    <div class="field">
                        <label for=EMAIL>{dynamic(move || i18n.t().notify_email)}</label>
                        <input
                            id=EMAIL
                            name="notify_email"
                            type="email"
                            autocomplete="email"
                            inputmode="email"
                            bind:value=email
                            aria-invalid=dynamic(move || invalid().then_some("true"))
                            aria-describedby=dynamic(move || described_by(EMAIL, false, invalid()))
                        />
                        <FieldMessage id=EMAIL field="notify_email" errors />
                    </div>
                </Show>
                <NoticeView notice id="notifications-notice" />
                <button type="submit" disabled=dynamic(move || pending.get())>
                    {dynamic(move || {
                        let t = i18n.t();
                        if pending.get() { t.sending } else { t.notifications_save }
                    })}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_sent_only_while_mails_are_on() {
        let on = notification_update(true, "  suivi@acme.test ");
        assert_eq!(on.notify, Some(true));
        assert_eq!(on.notify_email.as_deref(), Some("suivi@acme.test"));
        let off = notification_update(false, "not an address");
        assert_eq!(off.notify, Some(false));
        assert_eq!(off.notify_email, None);
        assert!(notification_errors(&off).is_empty());
        assert!(off.agent_members().is_empty());
    }

    #[test]
    fn a_bad_or_missing_address_is_refused_before_sending() {
        assert_eq!(
            notification_errors(&notification_update(true, "suivi@")).listed(),
            [("notify_email", "email")]
        );
        assert_eq!(
            notification_errors(&notification_update(true, "   ")).listed(),
            [("notify_email", "required")]
        );
        assert!(notification_errors(&notification_update(true, "suivi@acme.test")).is_empty());
    }
}
