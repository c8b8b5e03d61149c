//! Who may do what: the one policy the server's guards and the SPA both call, so what the
//! page offers is what the server accepts.
//!
//! - [`Permission`]: what a role may do in general (`GET /me` lists them);
//! - [`TokenScope`] and [`scopes::needed`]: what an API token may do, and which scope each
//!   operation needs;
//! - [`assisted_may`]: what an assisted session (an agent acting as a customer) may call;
//! - [`next_status`]: the ticket's state machine, statuses only;
//! - [`may_act_on`], [`may_give`] and [`may_change_standing`]: who may act on whose account
//!   (`/users`);
//! - [`who_may`] and [`available`]: which actions a viewer may take on one ticket. The server
//!   asks in two layers because it answers them differently: who the caller is to the
//!   ticket ([`who_may`], a 403 with its reason), then whether the status allows the move
//!   ([`next_status`], a 409 with the current status). [`available`] asks both for every
//!   action, for the SPA to show only what will be accepted.
//!
//! Seeing a ticket at all is the visibility rule of the server's queries, checked before
//! any of these (a ticket the caller may not see answers 404).
mod assisted;
mod lifecycle;
mod people;
mod permission;
pub mod scopes;
mod ticket_actions;

pub use assisted::assisted_may;
pub use lifecycle::{next_status, InvalidTransition, Move};
pub use people::{may_act_on, may_change_standing, may_give, roles_to_give, PersonAct};
pub use permission::Permission;
pub use scopes::{Needs, TokenScope};
pub use ticket_actions::{
    available, may, who_may, Action, Actions, Forbidden, TicketFacts, Viewer,
};
