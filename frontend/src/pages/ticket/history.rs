//! The timeline as sentences: each event of the API in words of the reader's language.
use guichet_types::{AttachmentInfo, Level, TicketStatus, TimelineEntry};
use serde_json::Value;

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

pub fn describe(entry: &TimelineEntry, t: &Texts) -> Line {
    let text = |name: &str| entry.details.get(name).and_then(Value::as_str);
    let owned = |name: &str| text(name).map(str::to_owned).filter(|s| !s.is_empty());
    let name_of = |name: &str| {
        entry
            .details
            .get(name)
            .and_then(|v| v.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let status = |name: &str| {
        let raw = text(name).unwrap_or_default();
        TicketStatus::parse(raw).map_or_else(|| raw.to_owned(), |s| t.status(s).to_owned())
    };
    let level = |name: &str| {
        let raw = text(name).unwrap_or_default();
        Level::parse(raw).map_or_else(|| raw.to_owned(), |l| t.level(l).to_owned())
    };
    let actor = entry
        .actor
        .as_ref()
        .map_or(t.system_actor, |a| a.name.as_str());

    let (template, values, body): (&str, Vec<(&str, String)>, Option<String>) =
        match entry.event.as_str() {
            "created" => (t.ev_created, vec![], None),
            "followup" => (t.ev_followup, vec![], owned("body")),
            "internal_note" => (t.ev_internal_note, vec![], owned("body")),
            "attachment_added" => {
                let attachment = entry.details.get("attachment");
                let file = attachment
                    .and_then(|a| a.get("file_name"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let size = attachment
                    .and_then(|a| a.get("size"))
                    .and_then(Value::as_u64)
                    .unwrap_or_default();
                (
                    t.ev_attachment_added,
                    vec![("file", file), ("size", t.size(size))],
                    None,
                )
            }
            "status_changed" => (
                t.ev_status_changed,
                vec![("from", status("from")), ("to", status("to"))],
                None,
            ),
            // An unassignment names nobody (no `assignee`, or `null`).
            "assigned" if entry.details.get("assignee").is_none_or(Value::is_null) => {
                (t.ev_unassigned, vec![], None)
            }
            "assigned" => (t.ev_assigned, vec![("assignee", name_of("assignee"))], None),
            "category_changed" => (
                t.ev_category_changed,
                vec![("from", name_of("from")), ("to", name_of("to"))],
                None,
            ),
            "impact_changed" => (
                t.ev_impact_changed,
                vec![("from", level("from")), ("to", level("to"))],
                None,
            ),
            "solution_proposed" => (t.ev_solution_proposed, vec![], owned("body")),
            "solution_approved" => (t.ev_solution_approved, vec![], owned("comment")),
            "solution_rejected" => (t.ev_solution_rejected, vec![], owned("reason")),
            "withdrawn" => (t.ev_withdrawn, vec![], owned("reason")),
            "auto_closed" => (t.ev_auto_closed, vec![], None),
            "reopened" => (t.ev_reopened, vec![], owned("reason")),
            "shared" => (
                t.ev_shared,
                vec![("email", owned("email").unwrap_or_default())],
                None,
            ),
            "unshared" => (
                t.ev_unshared,
                vec![("email", owned("email").unwrap_or_default())],
                None,
            ),
            "rated" => {
                let rating = entry
                    .details
                    .get("rating")
                    .and_then(Value::as_u64)
                    .unwrap_or_default();
                (
                    t.ev_rated,
                    vec![("rating", rating.to_string())],
                    owned("comment"),
                )
            }
            other => (t.ev_other, vec![("event", other.to_owned())], None),
        };
    let sentence = values
        .iter()
        .fold(fill(template, "actor", actor), |sentence, (name, value)| {
            fill(&sentence, name, value)
        });
    Line {
        sentence,
        body,
        internal: entry.event == "internal_note",
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
        if message.event == "followup" {
            while let Some(later) = entries.get(next) {
                let same_author =
                    later.actor.as_ref().map(|a| a.id) == message.actor.as_ref().map(|a| a.id);
                let soon = (later.at - message.at).num_seconds() <= FILES_WITH_MESSAGE_SECONDS;
                if !same_author || !soon {
                    break;
                }
                match later.event.as_str() {
                    "attachment_added" => match attachment_of(later) {
                        Some(file) => files.push(file),
                        None => break,
                    },
                    "status_changed" if files.is_empty() => after.push(next),
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

/// The file an `attachment_added` entry names.
fn attachment_of(entry: &TimelineEntry) -> Option<AttachmentInfo> {
    serde_json::from_value(entry.details.get("attachment")?.clone()).ok()
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
    if entries.get(index)?.event != "solution_proposed" {
        return None;
    }
    for later in &entries[index + 1..] {
        match later.event.as_str() {
            "solution_approved" => return Some(SolutionOutcome::Approved),
            "solution_rejected" => return Some(SolutionOutcome::Rejected),
            "solution_proposed" | "auto_closed" | "reopened" => return None,
            // Left `resolved` without an answer: a message put the ticket back to work.
            "status_changed"
                if later.details.get("from").and_then(Value::as_str) == Some("resolved") =>
            {
                return None
            }
            _ => {}
        }
    }
    resolved.then_some(SolutionOutcome::Pending)
}

/// The solution the customer is asked to approve or reject: the latest proposal, if it waits.
pub fn pending_solution(entries: &[TimelineEntry], resolved: bool) -> Option<&TimelineEntry> {
    let index = entries
        .iter()
        .rposition(|entry| entry.event == "solution_proposed")?;
    (solution_outcome(entries, index, resolved) == Some(SolutionOutcome::Pending))
        .then(|| &entries[index])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::texts;
    use guichet_types::Locale;
    use serde_json::json;

    fn entry(event: &str, details: Value) -> TimelineEntry {
        let mut value = json!({
            "id": 1, "at": "2026-11-21T09:30:00Z", "event": event,
            "actor": {"id": 10, "name": "Alex Support", "role": "agent"},
        });
        if let (Some(map), Value::Object(details)) = (value.as_object_mut(), details) {
            map.extend(details);
        }
        serde_json::from_value(value).expect("a valid entry")
    }

    fn fr(event: &str, details: Value) -> Line {
        describe(&entry(event, details), texts(Locale::Fr))
    }

    fn en(event: &str, details: Value) -> Line {
        describe(&entry(event, details), texts(Locale::En))
    }

    #[test]
    fn status_changes_read_with_the_customer_facing_names() {
        let details = json!({"from": "in_progress", "to": "waiting"});
        assert_eq!(
            fr("status_changed", details.clone()).sentence,
            "Alex Support a fait passer le ticket de «\u{a0}En cours\u{a0}» à «\u{a0}En attente\u{a0}»."
        );
        assert_eq!(
            en("status_changed", details).sentence,
            "Alex Support moved the ticket from “In progress” to “Waiting”."
        );
    }

    #[test]
    fn messages_keep_their_text_and_internal_notes_are_marked() {
        let followup = fr("followup", json!({"body": "Quel modèle ?"}));
        assert_eq!(followup.sentence, "Alex Support a écrit\u{a0}:");
        assert_eq!(followup.body.as_deref(), Some("Quel modèle ?"));
        assert!(!followup.internal);
        let note = en("internal_note", json!({"body": "Known bug."}));
        assert!(note.internal);
        assert_eq!(note.sentence, "Alex Support wrote an internal note:");
    }

    #[test]
    fn every_event_of_the_api_has_its_own_sentence() {
        let cases = [
            ("created", json!({})),
            ("followup", json!({"body": "x"})),
            ("internal_note", json!({"body": "x"})),
            (
                "attachment_added",
                json!({"attachment": {"id": 1, "file_name": "a.png", "size": 2048, "content_type": "image/png"}}),
            ),
            (
                "status_changed",
                json!({"from": "new", "to": "in_progress"}),
            ),
            (
                "assigned",
                json!({"assignee": {"id": 10, "name": "Alex Support"}}),
            ),
            ("assigned", json!({})),
            (
                "category_changed",
                json!({"from": {"id": 1, "name": "Lenteur"}, "to": {"id": 2, "name": "Débit"}}),
            ),
            ("impact_changed", json!({"from": "medium", "to": "high"})),
            ("solution_proposed", json!({"body": "x"})),
            ("solution_approved", json!({})),
            ("solution_rejected", json!({"reason": "x"})),
            ("withdrawn", json!({"reason": "x"})),
            ("auto_closed", json!({})),
            ("reopened", json!({"reason": "x"})),
            ("shared", json!({"email": "remi@acme.test"})),
            ("unshared", json!({"email": "remi@acme.test"})),
            ("rated", json!({"rating": 5})),
        ];
        for locale in Locale::ALL {
            let t = texts(*locale);
            let mut seen = Vec::new();
            for (event, details) in &cases {
                let line = describe(&entry(event, details.clone()), t);
                assert!(!line.sentence.contains('{'), "{event}: {}", line.sentence);
                assert!(!seen.contains(&line.sentence), "{event} reads like another");
                seen.push(line.sentence);
            }
        }
    }

    #[test]
    fn details_fill_the_sentences() {
        assert_eq!(
            en(
                "attachment_added",
                json!({"attachment": {"id": 1, "file_name": "écran.png", "size": 1_572_864, "content_type": "image/png"}})
            )
            .sentence,
            "Alex Support attached the file écran.png (1.5 MB)."
        );
        assert_eq!(
            fr(
                "impact_changed",
                json!({"from": "medium", "to": "very_high"})
            )
            .sentence,
            "Alex Support a changé l'impact de «\u{a0}Moyenne\u{a0}» en «\u{a0}Très haute\u{a0}»."
        );
        let rated = fr("rated", json!({"rating": 4, "comment": "Merci"}));
        assert_eq!(rated.sentence, "Alex Support a donné la note de 4 sur 5.");
        assert_eq!(rated.body.as_deref(), Some("Merci"));
        assert_eq!(
            en("shared", json!({"email": "remi@acme.test"})).sentence,
            "Alex Support shared the ticket with remi@acme.test."
        );
    }

    #[test]
    fn an_unassignment_says_so_and_who_did_it() {
        // The API leaves `assignee` out; `null` reads the same.
        for details in [json!({}), json!({"assignee": null})] {
            assert_eq!(
                fr("assigned", details.clone()).sentence,
                "Ticket désattribué par Alex Support."
            );
            assert_eq!(
                en("assigned", details).sentence,
                "Unassigned by Alex Support."
            );
        }
    }

    #[test]
    fn the_move_back_to_work_after_an_answer_names_the_customer() {
        let mut moved = entry(
            "status_changed",
            json!({"from": "waiting", "to": "in_progress"}),
        );
        moved.actor =
            serde_json::from_value(json!({"id": 1, "name": "Claire Martin", "role": "customer"}))
                .expect("a valid actor");
        assert_eq!(
            describe(&moved, texts(Locale::En)).sentence,
            "Claire Martin moved the ticket from “Waiting” to “In progress”."
        );
    }

    #[test]
    fn events_without_an_actor_are_the_system_s() {
        let mut closed = entry("auto_closed", json!({}));
        closed.actor = None;
        assert_eq!(
            describe(&closed, texts(Locale::En)).sentence,
            "The ticket was closed automatically: the solution got no answer."
        );
        let mut created = entry("created", json!({}));
        created.actor = None;
        assert_eq!(
            describe(&created, texts(Locale::Fr)).sentence,
            "Guichet a ouvert le ticket."
        );
    }

    fn history(events: &[(&str, Value)]) -> Vec<TimelineEntry> {
        events
            .iter()
            .enumerate()
            .map(|(i, (event, details))| {
                let mut entry = entry(event, details.clone());
                entry.id = guichet_types::EventId(i as i64 + 1);
                entry
            })
            .collect()
    }

    #[test]
    fn a_rejected_proposal_is_marked_and_the_second_one_waits() {
        let entries = history(&[
            ("created", json!({})),
            ("solution_proposed", json!({"body": "Pilote 4.3"})),
            (
                "status_changed",
                json!({"from": "in_progress", "to": "resolved"}),
            ),
            ("solution_rejected", json!({"reason": "Rien ne change"})),
            (
                "status_changed",
                json!({"from": "resolved", "to": "in_progress"}),
            ),
            ("solution_proposed", json!({"body": "Rouleau remplacé"})),
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
        let pending = pending_solution(&entries, true).expect("the second proposal waits");
        assert_eq!(
            pending.details.get("body"),
            Some(&json!("Rouleau remplacé"))
        );
    }

    #[test]
    fn nothing_waits_once_approved_or_back_to_work() {
        let approved = history(&[
            ("solution_proposed", json!({"body": "x"})),
            (
                "status_changed",
                json!({"from": "waiting", "to": "resolved"}),
            ),
            ("solution_approved", json!({})),
        ]);
        assert_eq!(
            solution_outcome(&approved, 0, false),
            Some(SolutionOutcome::Approved)
        );
        assert!(pending_solution(&approved, false).is_none());
        // A customer's message on the resolved ticket put it back in progress.
        let cancelled = history(&[
            ("solution_proposed", json!({"body": "x"})),
            (
                "status_changed",
                json!({"from": "in_progress", "to": "resolved"}),
            ),
            ("followup", json!({"body": "Encore cassé"})),
            (
                "status_changed",
                json!({"from": "resolved", "to": "in_progress"}),
            ),
        ]);
        assert_eq!(solution_outcome(&cancelled, 0, false), None);
        assert!(pending_solution(&cancelled, false).is_none());
    }

    /// Entries `(event, actor id, seconds after 09:30, details)`, numbered from 1.
    fn timed(events: &[(&str, i64, i64, Value)]) -> Vec<TimelineEntry> {
        events
            .iter()
            .enumerate()
            .map(|(i, (event, actor, seconds, details))| {
                let mut entry = entry(event, details.clone());
                entry.id = guichet_types::EventId(i as i64 + 1);
                entry.at += chrono::Duration::seconds(*seconds);
                if let Some(a) = entry.actor.as_mut() {
                    a.id = guichet_types::UserId(*actor);
                }
                entry
            })
            .collect()
    }

    fn file(id: i64, name: &str) -> Value {
        json!({"attachment": {"id": id, "file_name": name, "size": 10, "content_type": "text/plain"}})
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
        let entries = timed(&[
            ("created", 1, 0, json!({})),
            ("followup", 1, 10, json!({"body": "Voici les journaux"})),
            ("attachment_added", 1, 11, file(1, "a.log")),
            ("attachment_added", 1, 70, file(2, "b.log")),
            ("followup", 10, 80, json!({"body": "Merci"})),
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
        let entries = timed(&[
            ("followup", 1, 0, json!({"body": "x"})),
            ("attachment_added", 10, 5, file(1, "agent.log")),
            ("followup", 1, 10, json!({"body": "y"})),
            ("attachment_added", 1, 10 + 121, file(2, "late.log")),
            ("followup", 1, 200, json!({"body": "z"})),
            (
                "impact_changed",
                1,
                201,
                json!({"from": "low", "to": "high"}),
            ),
            ("attachment_added", 1, 202, file(3, "after.log")),
            ("attachment_added", 1, 203, file(4, "alone.log")),
        ]);
        let items: Vec<usize> = grouped(&entries).into_iter().map(|(i, _)| i).collect();
        assert_eq!(items, (0..8).collect::<Vec<_>>());
        assert!(grouped(&entries).iter().all(|(_, files)| files.is_empty()));
    }

    #[test]
    fn an_internal_note_never_carries_files_that_customers_see() {
        let entries = timed(&[
            ("internal_note", 10, 0, json!({"body": "x"})),
            ("attachment_added", 10, 1, file(1, "a.log")),
        ]);
        assert_eq!(grouped(&entries), [(0, vec![]), (1, vec![])]);
    }

    #[test]
    fn the_move_back_to_work_of_an_answer_follows_the_message_and_its_files() {
        let entries = timed(&[
            ("followup", 1, 0, json!({"body": "Le voici"})),
            (
                "status_changed",
                1,
                0,
                json!({"from": "waiting", "to": "in_progress"}),
            ),
            ("attachment_added", 1, 2, file(1, "photo.png")),
        ]);
        assert_eq!(
            grouped(&entries),
            [(0, vec!["photo.png".to_owned()]), (1, vec![])]
        );
        // Without files, nothing moves.
        let alone = timed(&[
            ("followup", 1, 0, json!({"body": "x"})),
            (
                "status_changed",
                1,
                0,
                json!({"from": "waiting", "to": "in_progress"}),
            ),
            ("followup", 1, 5, json!({"body": "y"})),
        ]);
        assert_eq!(grouped(&alone), [(0, vec![]), (1, vec![]), (2, vec![])]);
    }

    #[test]
    fn an_unknown_event_still_reads() {
        assert_eq!(
            en("escalated", json!({})).sentence,
            "Alex Support: escalated"
        );
    }
}
