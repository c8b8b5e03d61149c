//! One signed request to an endpoint, and what came of it.
//!
//! The client connects only through [`FilteringResolver`] (names) or after the policy passed
//! the literal address (IP hosts, which no resolver sees); it follows no redirect (a 3xx is a
//! failed delivery), uses no proxy, gives up after 10 seconds, and reads at most 64 KB of
//! the answer, of which the first KB is kept.
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};
use reqwest::redirect::Policy;
use url::Url;

use super::address::{AddressPolicy, FilteringResolver};
use super::secret;

const TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an answer read.
const READ_LIMIT: usize = 64 * 1024;
/// The most of an answer kept with the delivery.
const EXCERPT_LIMIT: usize = 1024;

pub struct Sender {
    client: reqwest::Client,
    policy: AddressPolicy,
}

/// An attempt's result, as the delivery records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub requested_at: DateTime<Utc>,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub excerpt: Option<String>,
    pub duration_ms: i32,
}

impl Attempt {
    pub fn delivered(&self) -> bool {
        self.error.is_none() && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

impl Sender {
    pub fn new(policy: AddressPolicy) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .dns_resolver(FilteringResolver::shared(policy.clone()))
            .redirect(Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .user_agent(concat!("Guichet-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Sender { client, policy })
    }

    /// Posts `body` to `url`, signed with each of `secrets` (the current one, and the one
    /// before a rotation while it is valid).
    pub async fn send(
        &self,
        url: &str,
        message_id: &str,
        body: &str,
        secrets: &[String],
    ) -> Attempt {
        let requested_at = Utc::now().trunc_subsecs(6);
        let started = Instant::now();
        let result = self
            .post(url, message_id, body, secrets, requested_at)
            .await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status, error, excerpt) = match result {
            Ok((status, excerpt)) => {
                let error = match status {
                    200..=299 => None,
                    300..=399 => Some(format!("HTTP {status}: redirects are not followed")),
                    _ => Some(format!("HTTP {status}")),
                };
                (Some(status), error, Some(excerpt))
            }
            Err(error) => (None, Some(error), None),
        };
        Attempt {
            requested_at,
            status,
            error,
            excerpt,
            duration_ms,
        }
    }

    async fn post(
        &self,
        url: &str,
        message_id: &str,
        body: &str,
        secrets: &[String],
        at: DateTime<Utc>,
    ) -> Result<(u16, String), String> {
        let parsed = Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        // Checked again at each delivery: the settings may have changed since registration.
        if let Some(refusal) = self.policy.refusal_of_url(&parsed) {
            return Err(format!("refused: {refusal}"));
        }
        let timestamp = at.timestamp();
        let signature = secret::signature(secrets, message_id, timestamp, body.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut response = self
            .client
            .post(parsed)
            .header("content-type", "application/json")
            .header("webhook-id", message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let mut read = Vec::new();
        while read.len() < READ_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => read.extend_from_slice(&chunk),
                // The status is the answer; a body cut short does not change it.
                Ok(None) | Err(_) => break,
            }
        }
        read.truncate(EXCERPT_LIMIT);
        Ok((status, String::from_utf8_lossy(&read).into_owned()))
    }
}

/// A transport error with its causes (reqwest's own message is only the outermost).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out after 10 s".to_owned()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
