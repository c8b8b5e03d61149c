use guichet_types::TicketNumber;
use leptos::prelude::*;

use crate::{
    i18n::{fill, use_i18n},
    reactive::dynamic,
};

/// A message that one page leaves for the next (e.g. "ticket created" before the list).
#[derive(Debug, Clone, PartialEq)]
pub enum Flash {
    TicketCreated(TicketNumber),
    /// The ticket was created but these files could not be attached.
    FilesFailed(TicketNumber, Vec<String>),
    /// A password was set with a mailed link; the person signs in with it, at the address
    /// asked for on this device if the reset was asked here.
    PasswordSet(Option<String>),
    /// The signed-in user changed their password.
    PasswordChanged,
}

#[derive(Clone, Copy)]
pub struct FlashSlot(RwSignal<Option<Flash>>);

impl FlashSlot {
    pub fn show(&self, flash: Flash) {
        self.0.set(Some(flash));
    }

    /// The address to sign in with, after a password reset asked for on this device.
    pub fn password_set_email(&self) -> Option<String> {
        self.0.with_untracked(|flash| match flash {
            Some(Flash::PasswordSet(email)) => email.clone(),
            _ => None,
        })
    }

    /// Takes the message away: the next action's banner replaces it.
    pub fn clear(&self) {
        if self.0.with_untracked(Option::is_some) {
            self.0.set(None);
        }
    }
}

pub fn provide_flash() {
    provide_context(FlashSlot(RwSignal::new(None)));
}

pub fn expect_flash() -> FlashSlot {
    expect_context::<FlashSlot>()
}

/// Shows the waiting message, once: it is gone when the page that showed it goes.
#[component]
pub fn FlashMessage() -> impl IntoView {
    let i18n = use_i18n();
    let slot = expect_flash();
    on_cleanup(move || slot.0.set(None));
    view! {
        <div role="status">
            {dynamic(move || {
                slot.0
                    .get()
                    .map(|flash| {
                        let t = i18n.t();
                        match flash {
                            Flash::TicketCreated(number) => {
                                let text = fill(t.ticket_created, "number", number.as_str());
                                view! { <p class="flash">{text}</p> }
                            }
                            Flash::FilesFailed(number, files) => {
                                let text = fill(
                                    &fill(t.files_failed, "number", number.as_str()),
                                    "files",
                                    &files.join(", "),
                                );
                                view! { <p class="alert">{text}</p> }
                            }
                            Flash::PasswordSet(_) => {
                                view! { <p class="flash">{t.password_set.to_owned()}</p> }
                            }
                            Flash::PasswordChanged => {
                                view! { <p class="flash">{t.password_changed.to_owned()}</p> }
                            }
                        }
                    })
            })}
        </div>
    }
}
