//! Opaque keyset cursors: the sort key and id of the last item of a page. The next page
//! starts strictly after it, so concurrent inserts never duplicate or skip an item.
use base64::Engine;
use chrono::{DateTime, Utc};
use guichet_types::TicketSort;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort the cursor was made for.
    #[serde(rename = "s")]
    pub sort: String,
    /// The sort key, in microseconds since the epoch.
    #[serde(rename = "k")]
    pub key_micros: i64,
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    pub fn new(sort: TicketSort, key: DateTime<Utc>, id: i64) -> Self {
        Self {
            sort: sort.as_str().to_owned(),
            key_micros: key.timestamp_micros(),
            id,
        }
    }

    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// The cursor in `text`, if it is one made for `sort`.
    pub fn decode(text: &str, sort: TicketSort) -> Option<Self> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .ok()?;
        let cursor: Cursor = serde_json::from_slice(&bytes).ok()?;
        (cursor.sort == sort.as_str()).then_some(cursor)
    }

    pub fn key(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_micros(self.key_micros)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_tampering() {
        let at = DateTime::from_timestamp_micros(1_790_000_000_123_456).expect("time");
        let cursor = Cursor::new(TicketSort::UpdatedDesc, at, 42);
        let text = cursor.encode();
        assert_eq!(Cursor::decode(&text, TicketSort::UpdatedDesc), Some(cursor));
        assert_eq!(Cursor::decode(&text, TicketSort::CreatedAsc), None);
        assert_eq!(Cursor::decode("garbage!", TicketSort::UpdatedDesc), None);
    }
}
