//! Files attached to tickets: the upload, streamed to storage under a generated key and
//! size-limited; the list; and the download, served with a safe type and never inline.
pub mod copy;
pub mod routes;
pub mod service;
pub mod storage;
