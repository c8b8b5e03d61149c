//! What an operator runs the server with: the client address behind reverse proxies
//! (client_address.rs), request ids carried into logs and jobs (request_id.rs), the
//! Prometheus metrics of `GET /metrics` (metrics.rs) and the log format (logging.rs).
pub mod client_address;
pub mod logging;
pub mod metrics;
pub mod request_id;
pub mod routes;
