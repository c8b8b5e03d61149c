//! Verifying a Guichet webhook in Rust with the crates.io `standardwebhooks` crate
//! (docs/INTEGRATING.md): the request a receiver kept — its body and its headers — and the
//! endpoint's `whsec_…` secret. A receiver does the same with the request it is given.
//! Run with `WEBHOOK_SECRET` and `RECEIVED_DIR` (holding `body` and `headers.json`) set:
//! `cargo run -p guichet-client --example verify_webhook`.
use std::collections::HashMap;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("WEBHOOK_SECRET")?;
    let dir = std::path::PathBuf::from(std::env::var("RECEIVED_DIR")?);
    let body = std::fs::read(dir.join("body"))?;
    let received: HashMap<String, String> =
        serde_json::from_slice(&std::fs::read(dir.join("headers.json"))?)?;
    let mut headers = HeaderMap::new();
    for (name, value) in &received {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes())?,
            HeaderValue::from_str(value)?,
        );
    }
    standardwebhooks::Webhook::new(&secret)?.verify(&body, &headers)?;
    let payload: serde_json::Value = serde_json::from_slice(&body)?;
    println!(
        "verified: {} on {}",
        payload["type"], payload["data"]["ticket"]["number"]
    );
    Ok(())
}
