//! "Votre prestataire": the provider's information (how to reach support, hours, phone
//! numbers per contract level, holidays, ways of working), one Markdown page per language
//! that admins write, rendered and sanitised as articles are, shown to every signed-in user
//! with their company's contract.
pub mod routes;
pub mod service;
