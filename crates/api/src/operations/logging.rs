//! The log subscriber of the `guichet` binary: lines on standard error, as text or as one
//! JSON object per line (`GUICHET_LOG_FORMAT=json`), filtered by `RUST_LOG`.
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Starts logging for the process; call once, first.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => subscriber.init(),
        // The spans' fields (a request's `request_id`, a job's) come with every line.
        LogFormat::Json => subscriber
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init(),
    }
}
