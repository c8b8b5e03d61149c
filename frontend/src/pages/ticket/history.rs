//! The timeline as sentences: each event of the API in words of the reader's language.
use guichet_types::{
    assisted_name, AttachmentInfo, Channel, Level, Locale, TicketEvent, TicketStatus, TimelineEntry,
};

use crate::i18n::{fill, Texts};

/// One entry of the history as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub sentence: String,
    /// The text that came with the event (message, solution, reason, comment).
    pub body: Option<String>,
    /// An internal note: only agents ever receive these.
    pub internal: bool,
}

/// `requester`: the ticket's requester, named when an agent opened it for them.
pub fn describe(entry: &TimelineEntry, t: &Texts, requester: &str) -> Line {
    // A text that came with the event; an empty one shows nothing.
    let text = |text: &str| Some(text.to_owned()).filter(|s| !s.is_empty());
    let status = |status: &TicketStatus| t.status(*status).to_owned();
    let level = |level: &Level| t.level(*level).to_owned();
    // A change made in an assisted session names both, as the server's mails do.
    let actor = match &entry.actor {
        None => t.system_actor.to_owned(),
        Some(actor) => match &actor.assisted_by {
            Some(agent) => assisted_name(
                &agent.name,
                &actor.name,
                Locale::parse(t.tag).unwrap_or(Locale::Fr),
            ),
            None => actor.name.clone(),
        },
    };

    // Every event of the API has its sentence: a new one does not compile until it has.
    let (template, values, body): (&str, Vec<(&str, String)>, Option<String>) = match &entry.event {
        TicketEvent::Created {
            on_behalf_of: Some(_),
            channel,
            ..
        } => {
            let template = if *channel == Some(Channel::Phone) {
                t.ev_created_phone
            } else {
                t.ev_created_for
            };
            (template, vec![("requester", requester.to_owned())], None)
        }
        TicketEvent::Created { .. } => (t.ev_created, vec![], None),
        TicketEvent::Followup { body } => (t.ev_followup, vec![], text(body)),
        TicketEvent::InternalNote { body } => (t.ev_internal_note, vec![], text(body)),
        TicketEvent::AttachmentAdded { attachment } => (
            t.ev_attachment_added,
            vec![
                ("file", attachment.file_name.clone()),
                ("size", t.size(attachment.size)),
            ],
            None,
        ),
        TicketEvent::StatusChanged { from, to } => (
            t.ev_status_changed,
            vec![("from", status(from)), ("to", status(to))],
            None,
        ),
        TicketEvent::Assigned { assignee: None } => (t.ev_unassigned, vec![], None),
        TicketEvent::Assigned {
            assignee: Some(assignee),
        } => (
            t.ev_assigned,
            vec![("assignee", assignee.name.clone())],
            None,
        ),
        TicketEvent::CategoryChanged { from, to } => (
            t.ev_category_changed,
            vec![("from", from.name.clone()), ("to", to.name.clone())],
            None,
        ),
        TicketEvent::ImpactChanged { from, to } => (
            t.ev_impact_changed,
            vec![("from", level(from)), ("to", level(to))],
            None,
        ),
        TicketEvent::SolutionProposed { body, .. } => (t.ev_solution_proposed, vec![], text(body)),
        TicketEvent::SolutionApproved { comment, .. } => (
            t.ev_solution_approved,
            vec![],
            comment.as_deref().and_then(text),
        ),
        TicketEvent::SolutionRejected { reason, .. } => {
            (t.ev_solution_rejected, vec![], text(reason))
        }
        TicketEvent::Withdrawn { reason, .. } => (t.ev_withdrawn, vec![], text(reason)),
        TicketEvent::AutoClosed { .. } => (t.ev_auto_closed, vec![], None),
        TicketEvent::Reopened { reason, .. } => (t.ev_reopened, vec![], text(reason)),
        TicketEvent::Shared { email } => (t.ev_shared, vec![("email", email.clone())], None),
        TicketEvent::Unshared { email } => (t.ev_unshared, vec![("email", email.clone())], None),
        TicketEvent::Rated { rating, comment } => (
            t.ev_rated,
            vec![("rating", rating.to_string())],
            comment.as_deref().and_then(text),
        ),
    };
    let sentence = values.iter().fold(
        fill(template, "actor", &actor),
        |sentence, (name, value)| fill(&sentence, name, value),
    );
    Line {
        sentence,
        body,
        internal: entry.event.is_internal(),
    }
}

/// How long after a message its files may come and still be shown with it (they are sent one
/// after the other, each its own request).
const FILES_WITH_MESSAGE_SECONDS: i64 = 120;

/// One item of the history as shown: `entries[index]`, with the files sent along with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub index: usize,
    pub files: Vec<AttachmentInfo>,
}

/// The history as shown: a message and the files its author attached right after it (the
/// following entries, within two minutes) make one item; every other entry is its own. The
/// move back to work that a customer's message makes by itself, recorded between the message
/// and its files, stays its own item, after the message.
pub fn group_messages(entries: &[TimelineEntry]) -> Vec<Shown> {
    let mut shown = Vec::with_capacity(entries.len());
    let mut index = 0;
    while index < entries.len() {
        let message = &entries[index];
        let mut files = Vec::new();
        let mut after = Vec::new();
        let mut next = index + 1;
        if matches!(message.event, TicketEvent::Followup { .. }) {
            while let Some(later) = entries.get(next) {
                let same_author =
                    later.actor.as_ref().map(|a| a.id) == message.actor.as_ref().map(|a| a.id);
                let soon = (later.at - message.at).num_seconds() <= FILES_WITH_MESSAGE_SECONDS;
                if !same_author || !soon {
                    break;
                }
                match &later.event {
                    TicketEvent::AttachmentAdded { attachment } => files.push(attachment.clone()),
                    TicketEvent::StatusChanged { .. } if files.is_empty() => after.push(next),
                    _ => break,
                }
                next += 1;
            }
            // Status changes not followed by a file are not the message's: left in place.
            if files.is_empty() {
                next = index + 1;
                after.clear();
            }
        }
        shown.push(Shown { index, files });
        shown.extend(after.into_iter().map(|index| Shown {
            index,
            files: Vec::new(),
        }));
        index = next;
    }
    shown
}

/// What became of a solution proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SolutionOutcome {
    /// The latest proposal of a resolved ticket: the customer has yet to answer.
    Pending,
    Approved,
    Rejected,
}

/// What became of the solution proposed by `entries[index]` (oldest first): the first answer
/// after it. `None` when that entry is no proposal, or when nothing answered it and it no
/// longer waits (the ticket closed by itself, or a message moved it back to work).
pub fn solution_outcome(
    entries: &[TimelineEntry],
    index: usize,
    resolved: bool,
) -> Option<SolutionOutcome> {
    if !matches!(
        entries.get(index)?.event,
        TicketEvent::SolutionProposed { .. }
    ) {
        return None;
    }
    for later in &entries[index + 1..] {
        match later.event {
            TicketEvent::SolutionApproved { .. } => return Some(SolutionOutcome::Approved),
            TicketEvent::SolutionRejected { .. } => return Some(SolutionOutcome::Rejected),
            TicketEvent::SolutionProposed { .. }
            | TicketEvent::AutoClosed { .. }
            | TicketEvent::Reopened { .. } => return None,
            // Left `resolved` without an answer: a message put the ticket back to work.
            TicketEvent::StatusChanged {
                from: TicketStatus::Resolved,
                ..
            } => return None,
            TicketEvent::Created { .. }
            | TicketEvent::Followup { .. }
            | TicketEvent::InternalNote { .. }
            | TicketEvent::AttachmentAdded { .. }
            | TicketEvent::StatusChanged { .. }
            | TicketEvent::Assigned { .. }
            | TicketEvent::CategoryChanged { .. }
            | TicketEvent::ImpactChanged { .. }
            | TicketEvent::Withdrawn { .. }
            | TicketEvent::Shared { .. }
            | TicketEvent::Unshared { .. }
            | TicketEvent::Rated { .. } => {}
        }
    }
    resolved.then_some(SolutionOutcome::Pending)
}

/// The solution the customer is asked to approve or reject: the latest proposal, if it
/// waits, with its text.
pub fn pending_solution(
    entries: &[TimelineEntry],
    resolved: bool,
) -> Option<(&TimelineEntry, &str)> {
    let (index, body) = entries
        .iter()
        .enumerate()
        .rev()
        .find_map(|(index, entry)| match &entry.event {
            TicketEvent::SolutionProposed { body, .. } => Some((index, body.as_str())),
            _ => None,
        })?;
    (solution_outcome(entries, index, resolved) == Some(SolutionOutcome::Pending))
        .then(|| (&entries[index], body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::texts;
    use guichet_types::{Actor, CategoryId, CategoryRef, EventId, Locale, Role, UserId, UserRef};
    use TicketStatus::{Closed, InProgress, New, Resolved, Waiting};

    fn entry(event: TicketEvent) -> TimelineEntry {
        TimelineEntry {
            id: EventId(1),
            at: "2026-11-21T09:30:00Z".parse().expect("a date"),
            actor: Some(Actor {
                id: UserId(10),
                name: "Alex Support".into(),
                role: Role::Agent,
                assisted_by: None,
            }),
            event,
        }
    }

    fn fr(event: TicketEvent) -> Line {
        describe(&entry(event), texts(Locale::Fr), "Claire Martin")
    }

    fn en(event: TicketEvent) -> Line {
        describe(&entry(event), texts(Locale::En), "Claire Martin")
    }

    fn followup(body: &str) -> TicketEvent {
        TicketEvent::Followup { body: body.into() }
    }

    fn moved(from: TicketStatus, to: TicketStatus) -> TicketEvent {
        TicketEvent::StatusChanged { from, to }
    }

    fn proposed(body: &str) -> TicketEvent {
        TicketEvent::SolutionProposed {
            body: body.into(),
            from: InProgress,
            to: Resolved,
        }
    }

    fn file(id: i64, name: &str) -> TicketEvent {
        TicketEvent::AttachmentAdded {
            attachment: AttachmentInfo {
                id,
                file_name: name.into(),
                size: 10,
                content_type: "text/plain".into(),
            },
        }
    }

    fn category(id: i64, name: &str) -> CategoryRef {
        CategoryRef {
            id: CategoryId(id),
            name: name.into(),
        }
    }

    #[test]
    fn a_change_in_an_assisted_session_names_the_agent_for_the_customer() {
        let mut assisted = entry(followup("J'ai vidé le cache."));
        assisted.actor = Some(Actor {
            id: UserId(3),
            name: "Claire Martin".into(),
            role: Role::Customer,
            assisted_by: Some(UserRef {
                id: UserId(10),
                name: "Agnès Support".into(),
            }),
        });
        let fr = describe(&assisted, texts(Locale::Fr), "Claire Martin").sentence;
        let en = describe(&assisted, texts(Locale::En), "Claire Martin").sentence;
        assert!(fr.starts_with("Agnès Support pour Claire Martin "), "{fr}");
        assert!(en.starts_with("Agnès Support for Claire Martin "), "{en}");
    }

    #[test]
    fn status_changes_read_with_the_customer_facing_names() {
        assert_eq!(
            fr(moved(InProgress, Waiting)).sentence,
            "Alex Support a fait passer le ticket de «\u{a0}En cours\u{a0}» à «\u{a0}En attente\u{a0}»."
        );
        assert_eq!(
            en(moved(InProgress, Waiting)).sentence,
            "Alex Support moved the ticket from “In progress” to “Waiting”."
        );
    }

    #[test]
    fn a_ticket_opened_for_someone_says_for_whom_and_how() {
        let created = |channel| TicketEvent::Created {
            status: New,
            on_behalf_of: Some(UserId(7)),
            by_mail: None,
            channel,
        };
        assert_eq!(
            fr(created(Some(Channel::Phone))).sentence,
            "Alex Support a ouvert le ticket pour Claire Martin par téléphone."
        );
        assert_eq!(
            en(created(Some(Channel::Mail))).sentence,
            "Alex Support opened the ticket for Claire Martin."
        );
    }

    #[test]
    fn messages_keep_their_text_and_internal_notes_are_marked() {
        let followup = fr(followup("Quel modèle ?"));
        assert_eq!(followup.sentence, "Alex Support a écrit\u{a0}:");
        assert_eq!(followup.body.as_deref(), Some("Quel modèle ?"));
        assert!(!followup.internal);
        let note = en(TicketEvent::InternalNote {
            body: "Known bug.".into(),
        });
        assert!(note.internal);
        assert_eq!(note.sentence, "Alex Support wrote an internal note:");
    }

    #[test]
    fn every_event_of_the_api_has_its_own_sentence() {
        let reason = || "x".to_owned();
        let cases = [
            TicketEvent::Created {
                status: New,
                on_behalf_of: None,
                by_mail: None,
                channel: None,
            },
            followup("x"),
            TicketEvent::InternalNote { body: "x".into() },
            TicketEvent::AttachmentAdded {
                attachment: AttachmentInfo {
                    id: 1,
                    file_name: "a.png".into(),
                    size: 2048,
                    content_type: "image/png".into(),
                },
            },
            moved(New, InProgress),
            TicketEvent::Assigned {
                assignee: Some(UserRef {
                    id: UserId(10),
                    name: "Alex Support".into(),
                }),
            },
            TicketEvent::Assigned { assignee: None },
            TicketEvent::CategoryChanged {
                from: category(1, "Lenteur"),
                to: category(2, "Débit"),
            },
            TicketEvent::ImpactChanged {
                from: Level::Medium,
                to: Level::High,
            },
            proposed("x"),
            TicketEvent::SolutionApproved {
                comment: None,
                from: Resolved,
                to: Closed,
            },
            TicketEvent::SolutionRejected {
                reason: reason(),
                from: Resolved,
                to: InProgress,
            },
            TicketEvent::Withdrawn {
                reason: reason(),
                from: New,
                to: Closed,
            },
            TicketEvent::AutoClosed {
                from: Resolved,
                to: Closed,
            },
            TicketEvent::Reopened {
                reason: reason(),
                from: Closed,
                to: InProgress,
            },
            TicketEvent::Shared {
                email: "remi@acme.test".into(),
            },
            TicketEvent::Unshared {
                email: "remi@acme.test".into(),
            },
            TicketEvent::Rated {
                rating: 5,
                comment: None,
            },
        ];
        for locale in Locale::ALL {
            let t = texts(*locale);
            let mut seen = Vec::new();
            for event in &cases {
                let line = describe(&entry(event.clone()), t, "Claire Martin");
                let name = event.name();
                assert!(!line.sentence.contains('{'), "{name}: {}", line.sentence);
                assert!(!seen.contains(&line.sentence), "{name} reads like another");
                seen.push(line.sentence);
            }
        }
    }

    #[test]
    fn details_fill_the_sentences() {
        let screenshot = TicketEvent::AttachmentAdded {
            attachment: AttachmentInfo {
                id: 1,
                file_name: "écran.png".into(),
                size: 1_572_864,
                content_type: "image/png".into(),
            },
        };
        assert_eq!(
            en(screenshot).sentence,
            "Alex Support attached the file écran.png (1.5 MB)."
        );
        assert_eq!(
            fr(TicketEvent::ImpactChanged {
                from: Level::Medium,
                to: Level::VeryHigh
            })
            .sentence,
            "Alex Support a changé l'impact de «\u{a0}Moyenne\u{a0}» en «\u{a0}Très haute\u{a0}»."
        );
        let rated = fr(TicketEvent::Rated {
            rating: 4,
            comment: Some("Merci".into()),
        });
        assert_eq!(rated.sentence, "Alex Support a donné la note de 4 sur 5.");
        assert_eq!(rated.body.as_deref(), Some("Merci"));
        assert_eq!(
            en(TicketEvent::Shared {
                email: "remi@acme.test".into()
            })
            .sentence,
            "Alex Support shared the ticket with remi@acme.test."
        );
        // An empty text shows nothing.
        assert_eq!(en(followup("")).body, None);
    }

    #[test]
    fn an_unassignment_says_so_and_who_did_it() {
        let unassigned = || TicketEvent::Assigned { assignee: None };
        assert_eq!(
            fr(unassigned()).sentence,
            "Ticket désattribué par Alex Support."
        );
        assert_eq!(en(unassigned()).sentence, "Unassigned by Alex Support.");
    }

    #[test]
    fn the_move_back_to_work_after_an_answer_names_the_customer() {
        let mut moved = entry(moved(Waiting, InProgress));
        moved.actor = Some(Actor {
            id: UserId(1),
            name: "Claire Martin".into(),
            role: Role::Customer,
            assisted_by: None,
        });
        assert_eq!(
            describe(&moved, texts(Locale::En), "").sentence,
            "Claire Martin moved the ticket from “Waiting” to “In progress”."
        );
    }

    #[test]
    fn events_without_an_actor_are_the_system_s() {
        let mut closed = entry(TicketEvent::AutoClosed {
            from: Resolved,
            to: Closed,
        });
        closed.actor = None;
        assert_eq!(
            describe(&closed, texts(Locale::En), "").sentence,
            "The ticket was closed automatically: the solution got no answer."
        );
        let mut created = entry(TicketEvent::Created {
            status: New,
            on_behalf_of: None,
            by_mail: None,
            channel: None,
        });
        created.actor = None;
        assert_eq!(
            describe(&created, texts(Locale::Fr), "").sentence,
            "Guichet a ouvert le ticket."
        );
    }

    fn history(events: Vec<TicketEvent>) -> Vec<TimelineEntry> {
        events
            .into_iter()
            .enumerate()
            .map(|(i, event)| {
                let mut entry = entry(event);
                entry.id = EventId(i as i64 + 1);
                entry
            })
            .collect()
    }

    #[test]
    fn a_rejected_proposal_is_marked_and_the_second_one_waits() {
        let entries = history(vec![
            TicketEvent::Created {
                status: New,
                on_behalf_of: None,
                by_mail: None,
                channel: None,
            },
            proposed("Pilote 4.3"),
            moved(InProgress, Resolved),
            TicketEvent::SolutionRejected {
                reason: "Rien ne change".into(),
                from: Resolved,
                to: InProgress,
            },
            moved(Resolved, InProgress),
            proposed("Rouleau remplacé"),
        ]);
        assert_eq!(solution_outcome(&entries, 0, true), None);
        assert_eq!(
            solution_outcome(&entries, 1, true),
            Some(SolutionOutcome::Rejected)
        );
        assert_eq!(
            solution_outcome(&entries, 5, true),
            Some(SolutionOutcome::Pending)
        );
        let (pending, body) = pending_solution(&entries, true).expect("the second proposal waits");
        assert_eq!(pending.id, EventId(6));
        assert_eq!(body, "Rouleau remplacé");
    }

    #[test]
    fn nothing_waits_once_approved_or_back_to_work() {
        let approved = history(vec![
            proposed("x"),
            moved(Waiting, Resolved),
            TicketEvent::SolutionApproved {
                comment: None,
                from: Resolved,
                to: Closed,
            },
        ]);
        assert_eq!(
            solution_outcome(&approved, 0, false),
            Some(SolutionOutcome::Approved)
        );
        assert!(pending_solution(&approved, false).is_none());
        // A customer's message on the resolved ticket put it back in progress.
        let cancelled = history(vec![
            proposed("x"),
            moved(InProgress, Resolved),
            followup("Encore cassé"),
            moved(Resolved, InProgress),
        ]);
        assert_eq!(solution_outcome(&cancelled, 0, false), None);
        assert!(pending_solution(&cancelled, false).is_none());
    }

    /// Entries `(event, actor id, seconds after 09:30)`, numbered from 1.
    fn timed(events: Vec<(TicketEvent, i64, i64)>) -> Vec<TimelineEntry> {
        events
            .into_iter()
            .enumerate()
            .map(|(i, (event, actor, seconds))| {
                let mut entry = entry(event);
                entry.id = EventId(i as i64 + 1);
                entry.at += chrono::Duration::seconds(seconds);
                if let Some(a) = entry.actor.as_mut() {
                    a.id = UserId(actor);
                }
                entry
            })
            .collect()
    }

    /// (index, file names) of each item shown.
    fn grouped(entries: &[TimelineEntry]) -> Vec<(usize, Vec<String>)> {
        group_messages(entries)
            .into_iter()
            .map(|s| (s.index, s.files.into_iter().map(|f| f.file_name).collect()))
            .collect()
    }

    #[test]
    fn a_message_carries_the_files_its_author_sent_right_after_it() {
        let created = TicketEvent::Created {
            status: New,
            on_behalf_of: None,
            by_mail: None,
            channel: None,
        };
        let entries = timed(vec![
            (created, 1, 0),
            (followup("Voici les journaux"), 1, 10),
            (file(1, "a.log"), 1, 11),
            (file(2, "b.log"), 1, 70),
            (followup("Merci"), 10, 80),
        ]);
        assert_eq!(
            grouped(&entries),
            [
                (0, vec![]),
                (1, vec!["a.log".to_owned(), "b.log".to_owned()]),
                (4, vec![])
            ]
        );
    }

    #[test]
    fn files_of_another_author_later_or_after_something_else_stand_alone() {
        let impact = TicketEvent::ImpactChanged {
            from: Level::Low,
            to: Level::High,
        };
        let entries = timed(vec![
            (followup("x"), 1, 0),
            (file(1, "agent.log"), 10, 5),
            (followup("y"), 1, 10),
            (file(2, "late.log"), 1, 10 + 121),
            (followup("z"), 1, 200),
            (impact, 1, 201),
            (file(3, "after.log"), 1, 202),
            (file(4, "alone.log"), 1, 203),
        ]);
        let items: Vec<usize> = grouped(&entries).into_iter().map(|(i, _)| i).collect();
        assert_eq!(items, (0..8).collect::<Vec<_>>());
        assert!(grouped(&entries).iter().all(|(_, files)| files.is_empty()));
    }

    #[test]
    fn an_internal_note_never_carries_files_that_customers_see() {
        let note = TicketEvent::InternalNote { body: "x".into() };
        let entries = timed(vec![(note, 10, 0), (file(1, "a.log"), 10, 1)]);
        assert_eq!(grouped(&entries), [(0, vec![]), (1, vec![])]);
    }

    #[test]
    fn the_move_back_to_work_of_an_answer_follows_the_message_and_its_files() {
        let entries = timed(vec![
            (followup("Le voici"), 1, 0),
            (moved(Waiting, InProgress), 1, 0),
            (file(1, "photo.png"), 1, 2),
        ]);
        assert_eq!(
            grouped(&entries),
            [(0, vec!["photo.png".to_owned()]), (1, vec![])]
        );
        // Without files, nothing moves.
        let alone = timed(vec![
            (followup("x"), 1, 0),
            (moved(Waiting, InProgress), 1, 0),
            (followup("y"), 1, 5),
        ]);
        assert_eq!(grouped(&alone), [(0, vec![]), (1, vec![]), (2, vec![])]);
    }
}
