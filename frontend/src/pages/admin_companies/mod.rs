//! The support team's client companies ("administration area"): the searchable list, and a
//! company's page with its details, contracts, known contacts and assets (with a CSV import).
//! Administrators change them; agents read them.
mod assets;
mod company;
mod contacts;
mod contracts;
mod details;
mod fields;
mod import;
mod list;
mod rules;

pub use company::CompanyPage;
pub use list::CompaniesPage;
