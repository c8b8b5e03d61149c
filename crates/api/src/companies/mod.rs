//! Client companies (name, 4-digit service code, active flag, account manager, phone line,
//! notes) and their known contacts. Admins write them, the support team reads them; a
//! deactivated company's people are signed out and cannot sign in.
pub mod contacts;
pub mod routes;
pub mod service;
