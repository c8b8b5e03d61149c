//! Tickets: numbering, creation, visibility, lists with filters, full-text search and
//! keyset pagination, the timeline.
pub mod auto_close;
pub mod cursor;
pub mod life;
pub mod lifecycle;
pub mod number;
pub mod queries;
pub mod routes;
pub mod search;
pub mod service;
