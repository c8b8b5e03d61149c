//! One component per screen.
mod change_password;
mod new_ticket;
mod not_found;
mod sign_in;
mod ticket;
mod tickets;

pub use change_password::ChangePasswordPage;
pub use new_ticket::NewTicketPage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
pub use ticket::{TicketPage, UploadProgress};
pub use tickets::TicketsPage;
