//! Exports for the monthly review: `GET /exports/tickets.csv`, the ticket list (its filters,
//! its visibility) as a CSV file, streamed: rows are read in keyset batches of
//! [`tickets_csv::BATCH`] and written as the answer goes out, so memory does not grow with
//! the number of tickets.
pub mod routes;
pub mod tickets_csv;
