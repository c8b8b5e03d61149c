//! Pieces shared by the pages.
mod error_summary;
mod field_message;
mod flash;
mod header;
mod language_switch;
mod load_more;
mod password_checklist;
mod protected;
mod queue_filters;
mod send_once_page;
mod text_field;
mod ticket_table;

pub use error_summary::ErrorSummary;
pub use field_message::FieldMessage;
pub use flash::{expect_flash, provide_flash, Flash, FlashMessage, FlashSlot};
pub use header::Header;
pub use language_switch::LanguageSwitch;
pub use load_more::LoadMore;
pub use password_checklist::PasswordChecklist;
pub use protected::{Access, Protected};
pub use queue_filters::{QueueFilters, RequesterFilter};
pub use send_once_page::SendOncePage;
pub use text_field::TextField;
pub use ticket_table::TicketTable;

use leptos::prelude::*;

use crate::{
    dom,
    i18n::{use_i18n, Message},
};

/// Keeps the browser tab's title on the current page, in the current language.
pub fn page_title(title: Message) {
    let i18n = use_i18n();
    Effect::new(move || {
        let t = i18n.t();
        dom::set_document_title(&format!("{} — {}", title(t), t.app_name));
    });
}
