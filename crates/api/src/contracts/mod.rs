//! Assistance contracts of the client companies. A customer or referent opens tickets only
//! while their company has a contract valid today, and only in the categories its valid
//! contracts cover ([`coverage`]); agents opening a ticket for a customer are not held to
//! it. Referents are told of a contract's end ahead ([`ending_notice`]).
pub mod coverage;
pub mod ending_notice;
pub mod routes;
pub mod service;
