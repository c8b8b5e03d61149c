//! One component per screen.
mod access_request;
mod change_password;
mod forgot_password;
mod landing;
mod lost_account;
mod new_ticket;
mod not_found;
mod profile;
mod rejected_mails;
mod reset_password;
mod sign_in;
mod ticket;
mod tickets;

pub use access_request::AccessRequestPage;
pub use change_password::ChangePasswordPage;
pub use forgot_password::ForgotPasswordPage;
pub use landing::LandingPage;
pub use lost_account::LostAccountPage;
pub use new_ticket::NewTicketPage;
pub use not_found::NotFoundPage;
pub use profile::ProfilePage;
pub use rejected_mails::RejectedMailsPage;
pub use reset_password::{LinkKind, SetPasswordPage};
pub use sign_in::SignInPage;
pub use ticket::{TicketPage, UploadProgress};
pub use tickets::TicketsPage;
