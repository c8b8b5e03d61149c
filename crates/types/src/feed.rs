//! The event feed (`GET /events`): every ticket event a caller may see, oldest first, from
//! an opaque cursor, so that an integrator who keeps the last cursor gets each change once.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Actor, CompanyId, EventId, TicketEvent, TicketNumber};

/// The ticket an event of the feed belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedTicket {
    pub number: TicketNumber,
    pub company_id: CompanyId,
}

/// One event of the feed: a timeline entry with its ticket and its place in the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedEvent {
    /// Pass as `after` to read the events that follow this one.
    pub cursor: String,
    pub id: EventId,
    pub at: DateTime<Utc>,
    pub ticket: FeedTicket,
    pub actor: Option<Actor>,
    #[serde(flatten)]
    pub event: TicketEvent,
}

/// A page of the feed. `next_cursor` is the cursor of the last item, or, when nothing new
/// came, the `after` of the request: store it and poll from it. It is `null` only when the
/// request had no `after` and the feed holds nothing yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventFeed {
    pub items: Vec<FeedEvent>,
    pub next_cursor: Option<String>,
}

/// The query string of `GET /events`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFeedQuery {
    /// The `next_cursor` (or an item's `cursor`) of an earlier read; absent: from the start.
    pub after: Option<String>,
    pub limit: Option<u64>,
    pub ticket: Option<TicketNumber>,
    pub company_id: Option<CompanyId>,
    /// Event names ([`TicketEvent::NAMES`]); empty: all.
    pub events: Vec<String>,
}

impl EventFeedQuery {
    /// The query string members, in the names of the API.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let optional = [
            ("after", self.after.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
            (
                "ticket",
                self.ticket.as_ref().map(|t| t.as_str().to_owned()),
            ),
            ("company_id", self.company_id.map(|c| c.to_string())),
            (
                "events",
                Some(self.events.join(",")).filter(|e| !e.is_empty()),
            ),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        pairs
    }
}

/// The OpenAPI schema of [`FeedEvent`]: like the timeline's, one closed object per event
/// (`FeedEvent` + the variant's name) under a discriminator on `event`.
#[cfg(feature = "openapi")]
mod schema {
    use std::borrow::Cow;

    use chrono::{DateTime, Utc};
    use utoipa::openapi::{RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    use super::{FeedEvent, FeedTicket};
    use crate::events::schema::{branches, head_of, one_of};
    use crate::{Actor, EventId, TicketEvent};

    /// The members every item has, besides the event's.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)]
    struct FeedHead {
        /// Pass as `after` to read the events that follow this one.
        cursor: String,
        id: EventId,
        at: DateTime<Utc>,
        ticket: FeedTicket,
        actor: Option<Actor>,
    }

    impl PartialSchema for FeedEvent {
        fn schema() -> RefOr<Schema> {
            let mut one_of = one_of(&head_of::<FeedHead>(), "FeedEvent");
            one_of.description = Some(
                "One event of the feed: its cursor, its ticket, when, by whom (`null` for \
                 the system), and the event with its members, named by `event`."
                    .to_owned(),
            );
            one_of.example = Some(serde_json::json!({
                "cursor": "WzEyMzQsNV0", "id": 5, "at": "2026-11-21T09:30:00Z",
                "ticket": {"number": "T20261121.0001", "company_id": 1},
                "actor": {"id": 1, "name": "Claire Martin", "role": "customer"},
                "event": "followup", "body": "Merci"
            }));
            RefOr::T(Schema::OneOf(one_of))
        }
    }

    impl ToSchema for FeedEvent {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("FeedEvent")
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.extend(
                branches(&head_of::<FeedHead>(), "FeedEvent")
                    .into_iter()
                    .map(|(_, component, object)| (component, object)),
            );
            FeedHead::schemas(schemas);
            schemas.push(("FeedTicket".to_owned(), FeedTicket::schema()));
            TicketEvent::schemas(schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_item_is_its_head_and_its_event_side_by_side() {
        let wire = json!({
            "cursor": "abc", "id": 4, "at": "2026-11-21T09:30:00Z",
            "ticket": {"number": "T20261121.0001", "company_id": 2},
            "actor": null, "event": "followup", "body": "Bonjour"
        });
        let item: FeedEvent = serde_json::from_value(wire.clone()).expect("valid JSON");
        assert_eq!(
            item.event,
            TicketEvent::Followup {
                body: "Bonjour".into()
            }
        );
        assert_eq!(serde_json::to_value(&item).expect("valid JSON"), wire);
    }

    #[test]
    fn the_query_string_names_only_what_is_given() {
        let query = EventFeedQuery {
            after: Some("abc".into()),
            events: vec!["followup".into(), "internal_note".into()],
            ..Default::default()
        };
        assert_eq!(
            query.to_pairs(),
            [
                ("after", "abc".to_owned()),
                ("events", "followup,internal_note".to_owned())
            ]
        );
    }
}
