//! The event feed, `GET /events`: every ticket event the caller may see, oldest first, read
//! from a cursor, so that an integrator who stores the last cursor and polls gets each event
//! exactly once, including events whose transaction commits after a later one's.
//!
//! # Why the order is (txid, id), and what is read
//! Ids are handed out when a row is written, not when its transaction commits: a feed read
//! "after id 41" could return 42 while 41 is still uncommitted, then never return 41.
//!
//! - PostgreSQL: each event keeps the id of the transaction that wrote it (`txid`, a column
//!   default, `pg_current_xact_id()`: no insert names it). A read returns only events with
//!   `txid < pg_snapshot_xmin(pg_current_snapshot())`: every transaction with such an id has
//!   ended, so those events are all visible (or rolled back, and never will be). An event that
//!   commits later belongs to a transaction running now or yet to start, whose id is at least
//!   that xmin, so it sorts after every event returned, by (txid, id). The cursor is that pair.
//!   The cost: a long transaction (on any database of the server) holds the feed back until
//!   it ends; events are late, never lost.
//! - SQLite: one writer at a time, so id order is commit order; `txid` stays 0 and the order
//!   is the id.
//!
//! The cursor is opaque (base64 of the pair). `next_cursor` is the last item's, or, when
//! nothing new came, the request's `after` echoed, so the integrator always has one to store;
//! `null` only when the feed is read from the start and holds nothing the caller may see.
//! Visibility is the tickets' ([`crate::tickets::visibility::visible_to`]), internal notes are
//! for the support team only, like the timeline's.
pub mod routes;
pub mod service;
