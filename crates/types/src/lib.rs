//! The public vocabulary of the Guichet API: every request and response body, the enums of
//! SPEC.md, id newtypes and the validation rules. The server, the typed client and the SPA all
//! use these types, so a form in the browser checks exactly what the server will check.
//!
//! Nothing here knows about HTTP frameworks or databases; the crate builds for wasm32.

pub mod accounts;
pub mod announcements;
pub mod articles;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod companies;
pub mod contracts;
pub mod email;
pub mod enums;
pub mod events;
pub mod exports;
pub mod feed;
pub mod ids;
pub mod inbound;
pub mod jobs;
pub mod lenient;
pub mod life;
pub mod page;
pub mod password;
pub mod people;
pub mod policy;
pub mod problem;
pub mod recovery;
pub mod support_access;
pub mod text;
pub mod tickets;
pub mod tokens;
pub mod webhooks;

pub use accounts::*;
pub use announcements::*;
pub use articles::*;
pub use assets::*;
pub use audit::*;
pub use auth::*;
pub use categories::*;
pub use companies::*;
pub use contracts::*;
pub use email::{
    is_valid_email, normalize_email, EmailAddress, InvalidEmail, EMAIL_ERROR_CODE, EMAIL_MAX_CHARS,
};
pub use enums::*;
pub use events::{CategoryRef, TicketEvent, UserRef, TICKET_EVENT_VERSION};
pub use exports::{CsvSeparator, TicketExportQuery};
pub use feed::{EventFeed, EventFeedQuery, FeedEvent, FeedTicket};
pub use ids::*;
pub use inbound::*;
pub use jobs::*;
pub use lenient::{parse_lenient, validation_errors};
pub use life::*;
pub use page::{page_limit, Page, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX};
pub use password::{PasswordRule, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
pub use people::*;
pub use policy::{Permission, TokenScope};
pub use problem::{FieldError, Problem};
pub use recovery::*;
pub use support_access::*;
pub use text::{company_search_text, fold, person_search_text};
pub use tickets::*;
pub use tokens::*;
pub use webhooks::*;
