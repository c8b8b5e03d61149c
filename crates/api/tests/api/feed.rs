//! The event feed (`GET /events`): who sees which events, its filters, bad parameters, the
//! re-sync by `updated_since`, and the feed under concurrent writes: a reader that keeps its
//! cursor while 16 writers add follow-ups sees every event exactly once.
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use guichet_client::Client;
use guichet_types::{
    EventFeedQuery, EventId, FeedEvent, NewFollowup, Scope, TicketEvent, TicketListQuery,
    TicketNumber,
};

use crate::helpers::{spawn, Backend};
use crate::on_both_databases;

on_both_databases!(
    each_caller_sees_the_events_of_the_tickets_they_see,
    the_feed_narrows_to_a_ticket_a_company_and_event_names,
    bad_parameters_are_named_and_an_empty_read_echoes_the_cursor,
    updated_since_lists_the_tickets_changed_since,
    a_reader_polling_during_concurrent_writes_sees_each_event_once,
);

fn followup(body: &str, internal: bool) -> NewFollowup {
    NewFollowup {
        body: body.to_owned(),
        internal: internal.then_some(true),
    }
}

/// Every event after `query.after`, page after page, and the last cursor.
async fn read_all(client: &Client, mut query: EventFeedQuery) -> (Vec<FeedEvent>, Option<String>) {
    let mut events = Vec::new();
    loop {
        let page = client.events(&query).await.expect("feed");
        let done = page.items.is_empty();
        events.extend(page.items);
        query.after = page.next_cursor;
        if done {
            return (events, query.after);
        }
    }
}

/// Waits until the feed shows event `id`, and so every event written before it: on
/// PostgreSQL an event appears once no running transaction (of any test's database on the
/// server) can still precede it.
async fn settle(client: &Client, number: &TicketNumber, id: EventId) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let query = EventFeedQuery {
            ticket: Some(number.clone()),
            ..Default::default()
        };
        if read_all(client, query).await.0.iter().any(|e| e.id == id) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "event {id} never showed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn numbers(events: &[FeedEvent]) -> HashSet<TicketNumber> {
    events.iter().map(|e| e.ticket.number.clone()).collect()
}

async fn each_caller_sees_the_events_of_the_tickets_they_see(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let remi = app.client_for("remi@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let agent = app.client_for("agent@guichet.test").await;

    let acme = app.create(&claire, "Imprimante en panne").await;
    let boreal = app.create(&paul, "Badge refusé").await;
    agent
        .add_followup(&acme.number, &followup("Bug connu du pilote", true))
        .await
        .expect("internal note");
    let answer = agent
        .add_followup(&acme.number, &followup("Nous regardons", false))
        .await
        .expect("follow-up");
    settle(&agent, &acme.number, answer.id).await;

    let (everything, _) = read_all(&agent, EventFeedQuery::default()).await;
    let seen = numbers(&everything);
    assert!(seen.contains(&acme.number) && seen.contains(&boreal.number));
    assert!(everything
        .iter()
        .any(|e| e.ticket.number == acme.number && e.event.is_internal()));
    // Oldest first: written one after the other, the events come in the order of their ids.
    assert!(everything.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert!(everything.iter().any(|e| e.id == answer.id));

    let (claire_s, _) = read_all(&claire, EventFeedQuery::default()).await;
    assert!(numbers(&claire_s).contains(&acme.number));
    assert!(!numbers(&claire_s).contains(&boreal.number));
    assert!(claire_s.iter().all(|e| !e.event.is_internal()));
    assert!(claire_s
        .iter()
        .any(|e| e.id == answer.id && e.actor.is_some()));

    let (remi_s, _) = read_all(&remi, EventFeedQuery::default()).await;
    assert!(numbers(&remi_s).contains(&acme.number));
    assert!(remi_s
        .iter()
        .all(|e| e.ticket.company_id == acme.company.id && !e.event.is_internal()));

    let (paul_s, _) = read_all(&paul, EventFeedQuery::default()).await;
    assert!(numbers(&paul_s).contains(&boreal.number));
    assert!(paul_s
        .iter()
        .all(|e| e.ticket.company_id == boreal.company.id));
    assert!(!numbers(&paul_s).contains(&acme.number));
}

async fn the_feed_narrows_to_a_ticket_a_company_and_event_names(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let paul = app.client_for("paul@boreal.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let acme = app.create(&claire, "Écran noir").await;
    let boreal = app.create(&paul, "Réseau lent").await;
    let mut last = None;
    for (number, body) in [(&acme.number, "Un"), (&boreal.number, "Deux")] {
        let entry = agent
            .add_followup(number, &followup(body, false))
            .await
            .expect("follow-up");
        last = Some(entry.id);
    }
    settle(&agent, &boreal.number, last.expect("two follow-ups")).await;

    let (one, _) = read_all(
        &agent,
        EventFeedQuery {
            ticket: Some(acme.number.clone()),
            ..Default::default()
        },
    )
    .await;
    assert!(!one.is_empty());
    assert!(one.iter().all(|e| e.ticket.number == acme.number));
    assert!(matches!(one[0].event, TicketEvent::Created { .. }));

    let (company, _) = read_all(
        &agent,
        EventFeedQuery {
            company_id: Some(boreal.company.id),
            ..Default::default()
        },
    )
    .await;
    assert!(numbers(&company).contains(&boreal.number));
    assert!(company
        .iter()
        .all(|e| e.ticket.company_id == boreal.company.id));

    let (followups, _) = read_all(
        &agent,
        EventFeedQuery {
            events: vec!["followup".into(), "internal_note".into()],
            limit: Some(1),
            ..Default::default()
        },
    )
    .await;
    let bodies: Vec<&str> = followups
        .iter()
        .filter_map(|e| match &e.event {
            TicketEvent::Followup { body }
                if [&acme.number, &boreal.number].contains(&&e.ticket.number) =>
            {
                Some(body.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(bodies, ["Un", "Deux"]);
    assert!(followups
        .iter()
        .all(|e| matches!(e.event.name(), "followup" | "internal_note")));

    // A customer's filter on another company's tickets finds nothing of them.
    let (none, _) = read_all(
        &claire,
        EventFeedQuery {
            ticket: Some(boreal.number.clone()),
            ..Default::default()
        },
    )
    .await;
    assert!(none.is_empty());
}

async fn bad_parameters_are_named_and_an_empty_read_echoes_the_cursor(backend: Backend) {
    let app = spawn(backend).await;
    let agent = app.client_for("agent@guichet.test").await;
    let answer = agent
        .raw(
            "GET",
            "/api/v1/events?after=garbage!&limit=0&events=followup,escalated&ticket=T1&company_id=x&color=red",
            None,
            None,
        )
        .await
        .expect("answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("problem");
    let mut fields: Vec<String> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    fields.dedup();
    assert_eq!(
        fields,
        ["after", "color", "company_id", "events", "limit", "ticket"]
    );
    // Another list's cursor is not the feed's.
    let page = agent
        .list_tickets(&TicketListQuery {
            limit: Some(1),
            ..Default::default()
        })
        .await
        .expect("list");
    let other = page.next_cursor.expect("another page");
    let refused = agent
        .events(&EventFeedQuery {
            after: Some(other),
            ..Default::default()
        })
        .await
        .expect_err("refused");
    assert_eq!(refused.status(), Some(422));

    // On PostgreSQL the demo's events appear once no transaction of another test's database
    // can precede them (a long one, such as a transfer test's load, holds them back).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let last = loop {
        if let (_, Some(last)) = read_all(&agent, EventFeedQuery::default()).await {
            break last;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the demo data has events"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let nothing_new = agent
        .events(&EventFeedQuery {
            after: Some(last.clone()),
            ..Default::default()
        })
        .await
        .expect("feed");
    assert!(nothing_new.items.is_empty());
    assert_eq!(nothing_new.next_cursor, Some(last));
}

async fn updated_since_lists_the_tickets_changed_since(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    let before = app.create(&claire, "Avant").await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let since = Utc::now();
    let after = app.create(&claire, "Après").await;
    let page = agent
        .list_tickets(&TicketListQuery {
            updated_since: Some(since),
            limit: Some(100),
            ..Default::default()
        })
        .await
        .expect("list");
    let listed: Vec<TicketNumber> = page.items.into_iter().map(|t| t.number).collect();
    assert_eq!(listed, std::slice::from_ref(&after.number));
    // A change brings a ticket back into the re-sync.
    agent
        .add_followup(&before.number, &followup("Relance", false))
        .await
        .expect("follow-up");
    let page = claire
        .list_tickets(&TicketListQuery {
            scope: Some(Scope::Mine),
            updated_since: Some(since),
            ..Default::default()
        })
        .await
        .expect("list");
    let listed: HashSet<TicketNumber> = page.items.into_iter().map(|t| t.number).collect();
    assert_eq!(listed, HashSet::from([before.number, after.number]));

    let answer = agent
        .raw("GET", "/api/v1/tickets?updated_since=yesterday", None, None)
        .await
        .expect("answer");
    assert_eq!(answer.status, 422);
    let problem: guichet_types::Problem = answer.json().expect("problem");
    let fields: Vec<String> = problem
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["updated_since"]);
}

const WRITERS: usize = 16;
const FOLLOWUPS_PER_WRITER: usize = 8;

async fn a_reader_polling_during_concurrent_writes_sees_each_event_once(backend: Backend) {
    let app = spawn(backend).await;
    let claire = app.client_for("claire@acme.test").await;
    let agent = app.client_for("agent@guichet.test").await;
    // Four tickets, four writers on each: changes of one ticket wait for each other, those
    // of different tickets do not.
    let mut tickets = Vec::new();
    for i in 0..4 {
        tickets.push(
            app.create(&claire, &format!("Concurrence {i}"))
                .await
                .number,
        );
    }
    let (_, start) = read_all(&agent, EventFeedQuery::default()).await;

    let writing = Arc::new(AtomicBool::new(true));
    let reader = {
        let agent = agent.clone();
        let writing = writing.clone();
        tokio::spawn(async move {
            let mut seen: HashMap<EventId, usize> = HashMap::new();
            let mut after = start;
            let mut polls_while_writing = 0;
            let mut read = |page: guichet_types::EventFeed, after: &mut Option<String>| {
                for item in page.items {
                    *seen.entry(item.id).or_default() += 1;
                }
                *after = page.next_cursor;
            };
            while writing.load(Ordering::SeqCst) {
                let page = agent
                    .events(&EventFeedQuery {
                        after: after.clone(),
                        limit: Some(7),
                        ..Default::default()
                    })
                    .await
                    .expect("feed");
                read(page, &mut after);
                polls_while_writing += 1;
            }
            (seen, after, polls_while_writing)
        })
    };

    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let client = if w % 2 == 0 {
            agent.clone()
        } else {
            claire.clone()
        };
        let number = tickets[w % tickets.len()].clone();
        writers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..FOLLOWUPS_PER_WRITER {
                let entry = client
                    .add_followup(
                        &number,
                        &followup(&format!("writer {w} message {i}"), false),
                    )
                    .await
                    .expect("follow-up");
                ids.push(entry.id);
            }
            ids
        }));
    }
    let mut written = HashSet::new();
    for writer in writers {
        written.extend(writer.await.expect("writer"));
    }
    writing.store(false, Ordering::SeqCst);
    let (mut seen, mut after, polls) = reader.await.expect("reader");
    assert!(polls > 0);

    // Whatever the writers' transactions left behind the reader's horizon comes next.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !written.iter().all(|id| seen.contains_key(id)) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the feed never showed {} events",
            written.iter().filter(|id| !seen.contains_key(id)).count()
        );
        let page = agent
            .events(&EventFeedQuery {
                after: after.clone(),
                limit: Some(100),
                ..Default::default()
            })
            .await
            .expect("feed");
        if page.items.is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for item in page.items {
            *seen.entry(item.id).or_default() += 1;
        }
        after = page.next_cursor;
    }
    assert_eq!(written.len(), WRITERS * FOLLOWUPS_PER_WRITER);
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "events read twice: {repeated:?}");
}
