//! What became of an action on the ticket, said where the action was made.
use guichet_types::TicketStatus;
use leptos::prelude::*;

use crate::{
    failure::Failure,
    i18n::{fill, use_i18n, Message, Texts},
    reactive::dynamic,
};

#[derive(Debug, Clone)]
pub enum Notice {
    Done(Message),
    Failed(Message),
    /// The ticket's status no longer allows the action (409, `invalid_transition`).
    NotPossible(Option<TicketStatus>),
    /// The ticket changed since it was shown (412 on `If-Match`).
    Stale,
    /// These files of a message could not be attached; they stay chosen.
    FilesFailed(Vec<String>),
}

impl Notice {
    /// A failure that is not about one field.
    pub fn of(failure: &Failure) -> Self {
        match failure.status {
            Some(412) => Notice::Stale,
            Some(409) => Notice::NotPossible(failure.current_status),
            _ => Notice::Failed(failure.message()),
        }
    }

    /// The page shows an outdated ticket: it must be loaded again.
    pub fn outdated(&self) -> bool {
        matches!(self, Notice::NotPossible(_) | Notice::Stale)
    }

    pub fn is_failure(&self) -> bool {
        !matches!(self, Notice::Done(_))
    }

    pub fn text(&self, t: &Texts) -> String {
        match self {
            Notice::Done(message) | Notice::Failed(message) => message(t).to_owned(),
            Notice::NotPossible(Some(status)) => fill(t.not_possible, "status", t.status(*status)),
            Notice::NotPossible(None) => t.not_possible_now.to_owned(),
            Notice::Stale => t.stale.to_owned(),
            Notice::FilesFailed(files) => fill(t.message_files_failed, "files", &files.join(", ")),
        }
    }
}

/// A live region: successes are read politely, failures as alerts. `id` lets a form move
/// the focus here when the control that was used goes away.
#[component]
pub fn NoticeView(notice: RwSignal<Option<Notice>>, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="live" id=id tabindex="-1" aria-live="polite" aria-atomic="true">
            {dynamic(move || {
                notice
                    .get()
                    .map(|notice| {
                        let failure = notice.is_failure();
                        view! {
                            <p
                                class=if failure { "alert" } else { "flash" }
                                role=failure.then_some("alert")
                            >
                                {dynamic(move || notice.text(i18n.t()))}
                            </p>
                        }
                    })
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::texts;
    use guichet_types::Locale;

    fn failure(status: u16, current: Option<TicketStatus>) -> Failure {
        let mut failure = Failure::status(status);
        failure.current_status = current;
        failure
    }

    #[test]
    fn a_stale_etag_and_a_refused_transition_reload_the_ticket() {
        let t = texts(Locale::Fr);
        let stale = Notice::of(&failure(412, None));
        assert!(stale.outdated());
        assert_eq!(stale.text(t), t.stale);
        let closed = Notice::of(&failure(409, Some(TicketStatus::Closed)));
        assert!(closed.outdated());
        assert_eq!(
            closed.text(t),
            "Cette action n'est plus possible\u{a0}: le ticket est «\u{a0}Clos\u{a0}». Il a été rechargé."
        );
        let broken = Notice::of(&failure(500, None));
        assert!(!broken.outdated() && broken.is_failure());
        assert_eq!(broken.text(t), t.server_error);
        assert!(!Notice::Done(|t| t.followup_done).is_failure());
    }
}
