//! A company's assets ("Mes matériels"): the list customers pick from ([`service::list`]),
//! the admins' writes ([`service::create`], [`service::update`]) and the CSV import
//! ([`import`]), all or nothing.
pub mod import;
pub mod routes;
pub mod service;
