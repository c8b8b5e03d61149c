//! The events of a ticket's timeline: one vocabulary for the server that records them, the
//! mails that tell them, the SPA's history and, next, webhooks and the event feed.
//!
//! # A public, versioned payload
//! On the wire an event is a JSON object whose `event` member names the variant (snake_case)
//! and whose other members are the variant's. Within one [`TICKET_EVENT_VERSION`]:
//! - new variants and new optional members may be added;
//! - nothing is renamed or removed, and no member changes its type or becomes required.
//!
//! Readers should therefore ignore members they do not know. A breaking change needs a new
//! version.
use serde::{Deserialize, Serialize};

use crate::{AttachmentInfo, CategoryId, Channel, Level, TicketStatus, UserId};

/// The version of the [`TicketEvent`] payload; bumped only by a breaking change.
pub const TICKET_EVENT_VERSION: u32 = 1;

/// Something that happened to a ticket, with what it changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TicketEvent {
    /// The ticket was opened (`status` is always `new`).
    Created {
        status: TicketStatus,
        /// An agent opened it for this customer, its requester.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_behalf_of: Option<UserId>,
        /// It came by mail (`true`; absent otherwise). `channel` says it too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by_mail: Option<bool>,
        /// How it came in: `portal`, `phone` (an agent took the call) or `mail`; absent on
        /// tickets opened before it was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<Channel>,
    },
    /// A public message.
    Followup {
        body: String,
    },
    /// A message for the support team only.
    InternalNote {
        body: String,
    },
    AttachmentAdded {
        attachment: AttachmentInfo,
    },
    StatusChanged {
        from: TicketStatus,
        to: TicketStatus,
    },
    /// The ticket was given to an agent, or (no `assignee`) to nobody.
    Assigned {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignee: Option<UserRef>,
    },
    CategoryChanged {
        from: CategoryRef,
        to: CategoryRef,
    },
    ImpactChanged {
        from: Level,
        to: Level,
    },
    SolutionProposed {
        body: String,
        from: TicketStatus,
        to: TicketStatus,
    },
    SolutionApproved {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        from: TicketStatus,
        to: TicketStatus,
    },
    SolutionRejected {
        reason: String,
        from: TicketStatus,
        to: TicketStatus,
    },
    /// The requester closed the ticket.
    Withdrawn {
        reason: String,
        from: TicketStatus,
        to: TicketStatus,
    },
    /// Nobody answered the solution in time: the ticket closed itself.
    AutoClosed {
        from: TicketStatus,
        to: TicketStatus,
    },
    Reopened {
        reason: String,
        from: TicketStatus,
        to: TicketStatus,
    },
    /// The ticket was shared with this address.
    Shared {
        email: String,
    },
    Unshared {
        email: String,
    },
    /// The requester's satisfaction, 1 to 5.
    Rated {
        rating: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

/// A person named in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRef {
    pub id: UserId,
    pub name: String,
}

/// A category named in an event, in the language of whoever made the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRef {
    pub id: CategoryId,
    pub name: String,
}

impl TicketEvent {
    /// The `event` member on the wire, and the `event` column of the database.
    pub fn name(&self) -> &'static str {
        match self {
            TicketEvent::Created { .. } => "created",
            TicketEvent::Followup { .. } => "followup",
            TicketEvent::InternalNote { .. } => "internal_note",
            TicketEvent::AttachmentAdded { .. } => "attachment_added",
            TicketEvent::StatusChanged { .. } => "status_changed",
            TicketEvent::Assigned { .. } => "assigned",
            TicketEvent::CategoryChanged { .. } => "category_changed",
            TicketEvent::ImpactChanged { .. } => "impact_changed",
            TicketEvent::SolutionProposed { .. } => "solution_proposed",
            TicketEvent::SolutionApproved { .. } => "solution_approved",
            TicketEvent::SolutionRejected { .. } => "solution_rejected",
            TicketEvent::Withdrawn { .. } => "withdrawn",
            TicketEvent::AutoClosed { .. } => "auto_closed",
            TicketEvent::Reopened { .. } => "reopened",
            TicketEvent::Shared { .. } => "shared",
            TicketEvent::Unshared { .. } => "unshared",
            TicketEvent::Rated { .. } => "rated",
        }
    }

    /// Every [`TicketEvent::name`], in the order of the variants: what the event feed filters
    /// by and a webhook subscribes to.
    pub const NAMES: [&'static str; 17] = [
        "created",
        "followup",
        "internal_note",
        "attachment_added",
        "status_changed",
        "assigned",
        "category_changed",
        "impact_changed",
        "solution_proposed",
        "solution_approved",
        "solution_rejected",
        "withdrawn",
        "auto_closed",
        "reopened",
        "shared",
        "unshared",
        "rated",
    ];

    /// Seen by the support team only (never by customers, never mailed to them).
    pub fn is_internal(&self) -> bool {
        matches!(self, TicketEvent::InternalNote { .. })
    }

    /// The members beside `event`, as the database's `details` column keeps them.
    pub fn details(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut members = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(members)) => members,
            // An internally tagged enum of struct variants always serialises to an object.
            _ => serde_json::Map::new(),
        };
        members.remove("event");
        members
    }

    /// The event named `name` with the members `details` (the database's two columns).
    pub fn from_parts(name: &str, details: &str) -> Result<Self, serde_json::Error> {
        let mut members: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(details)?;
        members.insert("event".to_owned(), name.into());
        serde_json::from_value(serde_json::Value::Object(members))
    }
}

/// The OpenAPI schema of [`crate::TimelineEntry`]: a `oneOf` with a discriminator on `event`,
/// each branch a closed object (`id`, `at`, `actor` and the members of one variant) of its
/// own, `TimelineEntry` + the variant's name, so that generated clients get one type per event.
/// It is composed from the schema utoipa derives for [`TicketEvent`], so the two cannot differ.
/// The event feed's items ([`crate::FeedEvent`]) are composed the same way, with their head.
#[cfg(feature = "openapi")]
pub(crate) mod schema {
    use std::borrow::Cow;

    use chrono::{DateTime, Utc};
    use utoipa::openapi::schema::{AdditionalProperties, Discriminator, Object, OneOf, Schema};
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    use super::TicketEvent;
    use crate::{Actor, EventId, TimelineEntry};

    /// The members every entry has, besides the event's.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)]
    struct EntryHead {
        id: EventId,
        at: DateTime<Utc>,
        actor: Option<Actor>,
    }

    /// The object schema of `T` (a struct), the head of each branch.
    pub(crate) fn head_of<T: PartialSchema>() -> Object {
        match T::schema() {
            RefOr::T(Schema::Object(head)) => head,
            _ => unreachable!("utoipa derives an object for a struct"),
        }
    }

    /// (event name, component name, closed object) of each variant: `head`'s members and the
    /// variant's, named `prefix` + the variant's name.
    pub(crate) fn branches(head: &Object, prefix: &str) -> Vec<(String, String, RefOr<Schema>)> {
        let RefOr::T(Schema::OneOf(events)) = TicketEvent::schema() else {
            unreachable!("utoipa derives a oneOf for a tagged enum")
        };
        events
            .items
            .into_iter()
            .filter_map(|variant| match variant {
                RefOr::T(Schema::Object(mut object)) => {
                    let name = match &object.properties.get("event") {
                        Some(RefOr::T(Schema::Object(tag))) => tag
                            .enum_values
                            .as_ref()
                            .and_then(|values| values.first())
                            .and_then(|value| value.as_str())
                            .map(str::to_owned),
                        _ => None,
                    }?;
                    let mut required = head.required.clone();
                    required.append(&mut object.required);
                    object.required = required;
                    object.properties.extend(head.properties.clone());
                    object.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                    let component = format!("{prefix}{}", pascal(&name));
                    Some((name, component, RefOr::T(Schema::Object(object))))
                }
                _ => None,
            })
            .collect()
    }

    /// The `oneOf` of the branches of [`branches`], with its discriminator on `event`.
    pub(crate) fn one_of(head: &Object, prefix: &str) -> OneOf {
        let mut one_of = OneOf::new();
        let mut discriminator = Discriminator::new("event");
        for (name, component, _) in branches(head, prefix) {
            let reference = Ref::from_schema_name(&component);
            discriminator
                .mapping
                .insert(name, reference.ref_location.clone());
            one_of.items.push(RefOr::Ref(reference));
        }
        one_of.discriminator = Some(discriminator);
        one_of
    }

    fn pascal(snake: &str) -> String {
        snake
            .split('_')
            .flat_map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase())
                    .into_iter()
                    .chain(chars)
            })
            .collect()
    }

    impl PartialSchema for TimelineEntry {
        fn schema() -> RefOr<Schema> {
            let mut one_of = one_of(&head_of::<EntryHead>(), "TimelineEntry");
            one_of.description = Some(
                "One entry of a ticket's history: which, when, by whom (`null` for the \
                 system), and the event with its members, named by `event`."
                    .to_owned(),
            );
            one_of.example = Some(serde_json::json!({
                "id": 1, "at": "2026-11-21T09:30:00Z",
                "actor": {"id": 1, "name": "Claire Martin", "role": "customer"},
                "event": "created", "status": "new"
            }));
            RefOr::T(Schema::OneOf(one_of))
        }
    }

    impl ToSchema for TimelineEntry {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("TimelineEntry")
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.extend(
                branches(&head_of::<EntryHead>(), "TimelineEntry")
                    .into_iter()
                    .map(|(_, component, object)| (component, object)),
            );
            EntryHead::schemas(schemas);
            TicketEvent::schemas(schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// One event of each variant, with the JSON the server has always written for it.
    fn fixtures() -> Vec<(TicketEvent, Value)> {
        use TicketStatus::*;
        vec![
            (
                TicketEvent::Created {
                    status: New,
                    on_behalf_of: Some(UserId(7)),
                    by_mail: None,
                    channel: Some(Channel::Phone),
                },
                json!({"event": "created", "status": "new", "on_behalf_of": 7, "channel": "phone"}),
            ),
            (
                TicketEvent::Followup {
                    body: "Quel modèle ?".into(),
                },
                json!({"event": "followup", "body": "Quel modèle ?"}),
            ),
            (
                TicketEvent::InternalNote {
                    body: "Bug connu".into(),
                },
                json!({"event": "internal_note", "body": "Bug connu"}),
            ),
            (
                TicketEvent::AttachmentAdded {
                    attachment: AttachmentInfo {
                        id: 3,
                        file_name: "écran.png".into(),
                        size: 2048,
                        content_type: "image/png".into(),
                    },
                },
                json!({"event": "attachment_added", "attachment":
                    {"id": 3, "file_name": "écran.png", "size": 2048, "content_type": "image/png"}}),
            ),
            (
                TicketEvent::StatusChanged {
                    from: New,
                    to: InProgress,
                },
                json!({"event": "status_changed", "from": "new", "to": "in_progress"}),
            ),
            (
                TicketEvent::Assigned {
                    assignee: Some(UserRef {
                        id: UserId(2),
                        name: "Agnès Support".into(),
                    }),
                },
                json!({"event": "assigned", "assignee": {"id": 2, "name": "Agnès Support"}}),
            ),
            (
                TicketEvent::CategoryChanged {
                    from: CategoryRef {
                        id: CategoryId(1),
                        name: "Lenteur".into(),
                    },
                    to: CategoryRef {
                        id: CategoryId(2),
                        name: "Débit".into(),
                    },
                },
                json!({"event": "category_changed", "from": {"id": 1, "name": "Lenteur"},
                    "to": {"id": 2, "name": "Débit"}}),
            ),
            (
                TicketEvent::ImpactChanged {
                    from: Level::Medium,
                    to: Level::VeryHigh,
                },
                json!({"event": "impact_changed", "from": "medium", "to": "very_high"}),
            ),
            (
                TicketEvent::SolutionProposed {
                    body: "Pilote 4.3".into(),
                    from: InProgress,
                    to: Resolved,
                },
                json!({"event": "solution_proposed", "body": "Pilote 4.3", "from": "in_progress", "to": "resolved"}),
            ),
            (
                TicketEvent::SolutionApproved {
                    comment: Some("Merci".into()),
                    from: Resolved,
                    to: Closed,
                },
                json!({"event": "solution_approved", "comment": "Merci", "from": "resolved", "to": "closed"}),
            ),
            (
                TicketEvent::SolutionRejected {
                    reason: "Rien ne change".into(),
                    from: Resolved,
                    to: InProgress,
                },
                json!({"event": "solution_rejected", "reason": "Rien ne change", "from": "resolved", "to": "in_progress"}),
            ),
            (
                TicketEvent::Withdrawn {
                    reason: "Réglé".into(),
                    from: Waiting,
                    to: Closed,
                },
                json!({"event": "withdrawn", "reason": "Réglé", "from": "waiting", "to": "closed"}),
            ),
            (
                TicketEvent::AutoClosed {
                    from: Resolved,
                    to: Closed,
                },
                json!({"event": "auto_closed", "from": "resolved", "to": "closed"}),
            ),
            (
                TicketEvent::Reopened {
                    reason: "Revenu".into(),
                    from: Closed,
                    to: InProgress,
                },
                json!({"event": "reopened", "reason": "Revenu", "from": "closed", "to": "in_progress"}),
            ),
            (
                TicketEvent::Shared {
                    email: "remi@acme.test".into(),
                },
                json!({"event": "shared", "email": "remi@acme.test"}),
            ),
            (
                TicketEvent::Unshared {
                    email: "remi@acme.test".into(),
                },
                json!({"event": "unshared", "email": "remi@acme.test"}),
            ),
            (
                TicketEvent::Rated {
                    rating: 4,
                    comment: None,
                },
                json!({"event": "rated", "rating": 4}),
            ),
        ]
    }

    #[test]
    fn every_variant_keeps_the_json_of_today() {
        let fixtures = fixtures();
        for (event, wire) in &fixtures {
            assert_eq!(
                &serde_json::to_value(event).expect("valid JSON"),
                wire,
                "{}",
                event.name()
            );
            assert_eq!(
                &serde_json::from_value::<TicketEvent>(wire.clone()).expect("valid JSON"),
                event
            );
            assert_eq!(wire["event"], event.name());
            let details = serde_json::to_string(&event.details()).expect("valid JSON");
            assert!(!details.contains("\"event\""), "{details}");
            assert_eq!(
                TicketEvent::from_parts(event.name(), &details).expect("valid JSON"),
                *event
            );
        }
        // One fixture for each of the 17 events of SPEC.md.
        let mut names: Vec<&str> = fixtures.iter().map(|(e, _)| e.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 17);
        let mut listed = TicketEvent::NAMES.to_vec();
        listed.sort_unstable();
        assert_eq!(names, listed);
    }

    #[test]
    fn absent_members_are_left_out_and_read_back_as_none() {
        let unassigned = TicketEvent::Assigned { assignee: None };
        assert_eq!(
            serde_json::to_value(&unassigned).expect("valid JSON"),
            json!({"event": "assigned"})
        );
        // Rows written before nulls were dropped read the same.
        let with_null: TicketEvent =
            serde_json::from_value(json!({"event": "assigned", "assignee": null}))
                .expect("valid JSON");
        assert_eq!(with_null, unassigned);
        let by_mail = TicketEvent::Created {
            status: TicketStatus::New,
            on_behalf_of: None,
            by_mail: Some(true),
            channel: None,
        };
        assert_eq!(
            serde_json::to_value(&by_mail).expect("valid JSON"),
            json!({"event": "created", "status": "new", "by_mail": true})
        );
        assert_eq!(
            serde_json::to_value(TicketEvent::SolutionApproved {
                comment: None,
                from: TicketStatus::Resolved,
                to: TicketStatus::Closed
            })
            .expect("valid JSON"),
            json!({"event": "solution_approved", "from": "resolved", "to": "closed"})
        );
    }

    #[test]
    fn only_internal_notes_are_internal() {
        for (event, _) in fixtures() {
            assert_eq!(event.is_internal(), event.name() == "internal_note");
        }
    }

    #[test]
    fn unknown_or_malformed_events_do_not_parse() {
        for bad in [
            json!({"event": "escalated"}),
            json!({"body": "no name"}),
            json!({"event": "status_changed", "from": "new"}),
            json!({"event": "status_changed", "from": "new", "to": "lost"}),
        ] {
            assert!(
                serde_json::from_value::<TicketEvent>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(TicketEvent::from_parts("followup", "not json").is_err());
    }

    #[test]
    fn a_timeline_entry_is_its_head_and_its_event_side_by_side() {
        let wire = json!({
            "id": 4, "at": "2026-11-21T09:30:00Z", "actor": null,
            "event": "auto_closed", "from": "resolved", "to": "closed"
        });
        let entry: crate::TimelineEntry = serde_json::from_value(wire.clone()).expect("valid JSON");
        assert_eq!(
            entry.event,
            TicketEvent::AutoClosed {
                from: TicketStatus::Resolved,
                to: TicketStatus::Closed
            }
        );
        assert_eq!(serde_json::to_value(&entry).expect("valid JSON"), wire);
        let mut unknown = wire;
        unknown["event"] = json!("escalated");
        assert!(serde_json::from_value::<crate::TimelineEntry>(unknown).is_err());
    }

    #[test]
    fn new_members_are_ignored_by_readers() {
        let later: TicketEvent =
            serde_json::from_value(json!({"event": "followup", "body": "x", "channel": "chat"}))
                .expect("valid JSON");
        assert_eq!(later, TicketEvent::Followup { body: "x".into() });
    }
}
