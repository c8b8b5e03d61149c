//! The ticket shown by the page, shared by its sections: the ticket and its ETag, its history
//! and its files, reloaded together after every change.
use guichet_types::{
    AttachmentInfo, FieldError, Ticket, TicketNumber, TicketUpdate, TimelineEntry,
};
use leptos::{prelude::*, task::spawn_local};

use super::notice::Notice;
use crate::{
    components::{expect_flash, FlashSlot},
    dom,
    failure::Failure,
    i18n::Message,
    session::{expect_session, Session},
};

/// The id of the page's own notice, under the ticket's title.
pub const PAGE_NOTICE: &str = "ticket-notice";

type Loaded<T> = Option<Result<T, Failure>>;

#[derive(Clone, Copy)]
pub struct TicketState {
    pub ticket: RwSignal<Ticket>,
    /// The version `PATCH` must name in `If-Match`.
    pub etag: RwSignal<String>,
    pub timeline: RwSignal<Loaded<Vec<TimelineEntry>>>,
    pub attachments: RwSignal<Loaded<Vec<AttachmentInfo>>>,
    /// Outcomes of the actions whose controls go away with the change they make.
    pub notice: RwSignal<Option<Notice>>,
    /// The banner of the latest action: the next one replaces it, wherever it was shown.
    shown: StoredValue<Option<RwSignal<Option<Notice>>>>,
    /// The banner the previous page left (e.g. "ticket created").
    flash: FlashSlot,
    session: Session,
}

pub fn provide_ticket_state(ticket: Ticket, etag: String) -> TicketState {
    let state = TicketState {
        ticket: RwSignal::new(ticket),
        etag: RwSignal::new(etag),
        timeline: RwSignal::new(None),
        attachments: RwSignal::new(None),
        notice: RwSignal::new(None),
        shown: StoredValue::new(None),
        flash: expect_flash(),
        session: expect_session(),
    };
    provide_context(state);
    state.load_history();
    state
}

pub fn expect_ticket_state() -> TicketState {
    expect_context::<TicketState>()
}

impl TicketState {
    pub fn number(&self) -> TicketNumber {
        self.ticket.with_untracked(|t| t.number.clone())
    }

    /// Changes the ticket (`PATCH`, with the ETag shown as `If-Match`) and keeps what the
    /// server answered, the ticket and its new ETag.
    pub async fn patch(self, update: TicketUpdate) -> Result<(Ticket, String), Failure> {
        let number = self.number();
        let etag = self.etag.get_untracked();
        let result = self
            .session
            .call(|client| {
                let (number, update, etag) = (number.clone(), update.clone(), etag.clone());
                async move { client.update_ticket(&number, &update, &etag).await }
            })
            .await;
        if let Ok((ticket, etag)) = &result {
            self.ticket.set(ticket.clone());
            self.etag.set(etag.clone());
        }
        result
    }

    /// Loads the ticket (and its ETag), its history and its files again.
    pub fn reload(&self) {
        let state = *self;
        let number = self.number();
        spawn_local(async move {
            let loaded = state
                .session
                .call(|client| {
                    let number = number.clone();
                    async move { client.ticket_with_etag(&number).await }
                })
                .await;
            // A failed reload keeps what is shown; the next action will tell.
            if let Ok((ticket, etag)) = loaded {
                state.ticket.set(ticket);
                state.etag.set(etag);
            }
        });
        self.load_history();
    }

    fn load_history(&self) {
        let state = *self;
        let number = self.number();
        spawn_local(async move {
            let session = state.session;
            let (timeline, attachments) = futures::join!(
                session.call(|client| {
                    let number = number.clone();
                    async move { client.timeline(&number).await }
                }),
                session.call(|client| {
                    let number = number.clone();
                    async move { client.attachments(&number).await }
                }),
            );
            state.timeline.set(Some(timeline));
            state.attachments.set(Some(attachments));
        });
    }

    /// Shows `shown` in `notice` as the one banner of the page: the previous action's and the
    /// previous page's go.
    fn show(&self, notice: RwSignal<Option<Notice>>, shown: Option<Notice>) {
        self.flash.clear();
        if let Some(previous) = self.shown.get_value() {
            // Its form may be gone with the change it made.
            let _ = previous.try_set(None);
        }
        notice.set(shown);
        self.shown.set_value(Some(notice));
    }

    /// Shows what an action's answer means in `notice` (the page's own when the ticket was
    /// found outdated) and reloads the ticket when it changed. Gives back the field errors, for
    /// the form to place.
    pub fn conclude<T>(
        &self,
        result: Result<T, Failure>,
        notice: RwSignal<Option<Notice>>,
        done: Message,
    ) -> Vec<FieldError> {
        match result {
            Ok(_) => {
                self.show(notice, Some(Notice::Done(done)));
                self.reload();
                Vec::new()
            }
            Err(failure) if !failure.errors.is_empty() => {
                self.show(notice, None);
                failure.errors
            }
            Err(failure) => {
                let shown = Notice::of(&failure);
                if shown.outdated() {
                    // The reloaded ticket may no longer offer this form: say it under the title.
                    self.reload();
                    notice.set(None);
                    self.show(self.notice, Some(shown));
                    dom::focus_soon(PAGE_NOTICE);
                } else {
                    self.show(notice, Some(shown));
                }
                Vec::new()
            }
        }
    }

    /// Shows `shown` in `notice` as the page's one banner, and reloads the ticket: for
    /// actions done in several requests, some of which changed it.
    pub fn conclude_with(&self, notice: RwSignal<Option<Notice>>, shown: Notice) {
        self.show(notice, Some(shown));
        self.reload();
    }

    /// Like `conclude`, for actions whose control goes away: the page's notice says it, and
    /// takes the focus so that the keyboard does not fall back to the top of the page.
    pub fn conclude_on_page<T>(
        &self,
        result: Result<T, Failure>,
        done: Message,
    ) -> Vec<FieldError> {
        let errors = self.conclude(result, self.notice, done);
        if errors.is_empty() {
            dom::focus_soon(PAGE_NOTICE);
        }
        errors
    }
}
