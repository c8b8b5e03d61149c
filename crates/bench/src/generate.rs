//! Rows of the data set, produced in chunks by a seeded generator and written by either
//! engine's loader. Ticket texts are folded for search by the server's own code.
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use guichet_api::tickets::search;
use guichet_types::{
    priority, Channel, Level, TicketEvent, TicketNumber, TicketStatus, UserId, UserRef,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::data::{self, Shape};

/// Where the ids of each table start (rows the migrations wrote come before).
#[derive(Debug, Clone, Copy)]
pub struct Bases {
    pub company: i64,
    pub user: i64,
    pub ticket: i64,
    pub event: i64,
    pub watcher: i64,
}

/// A leaf category: its id and its kind.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub id: i64,
    pub incident: bool,
}

pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub urgency: &'static str,
    pub impact: &'static str,
    pub priority: i16,
    pub title: String,
    pub description: String,
    pub search_text: String,
    pub category_id: i64,
    pub requester_id: i64,
    pub company_id: i64,
    pub assignee_id: Option<i64>,
    pub notify_email: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub satisfaction: Option<i16>,
}

pub struct EventRow {
    pub id: i64,
    pub ticket_id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub event: &'static str,
    pub internal: bool,
    pub details: String,
}

pub struct WatcherRow {
    pub id: i64,
    pub ticket_id: i64,
    pub email: String,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Chunk {
    pub tickets: Vec<TicketRow>,
    pub events: Vec<EventRow>,
    pub watchers: Vec<WatcherRow>,
}

/// The generator of tickets and their history, oldest first.
pub struct Tickets {
    shape: Shape,
    bases: Bases,
    leaves: Vec<Leaf>,
    rng: StdRng,
    now: DateTime<Utc>,
    next: usize,
    next_event: i64,
    next_watcher: i64,
    /// Tickets per day, for `ticket_day_counters`.
    pub days: BTreeMap<NaiveDate, u64>,
}

const URGENCIES: &[(Level, u32)] = &[
    (Level::VeryLow, 5),
    (Level::Low, 20),
    (Level::Medium, 50),
    (Level::High, 20),
    (Level::VeryHigh, 5),
];

impl Tickets {
    pub fn new(shape: Shape, bases: Bases, leaves: Vec<Leaf>, now: DateTime<Utc>) -> Self {
        Self {
            shape,
            bases,
            leaves,
            rng: StdRng::seed_from_u64(data::SEED),
            now,
            next: 0,
            next_event: bases.event,
            next_watcher: bases.watcher,
            days: BTreeMap::new(),
        }
    }

    pub fn user_id(&self, user: usize) -> i64 {
        self.bases.user + user as i64
    }

    /// The user with this id, as an event names them.
    fn user_ref(&self, id: i64) -> UserRef {
        let (first, last) = data::names(usize::try_from(id - self.bases.user).unwrap_or_default());
        UserRef {
            id: UserId(id),
            name: format!("{first} {last}"),
        }
    }

    fn agent_id(&mut self) -> i64 {
        let agent = self.rng.gen_range(0..data::AGENTS);
        self.user_id(self.shape.customers() + agent)
    }

    /// Statuses as in a help desk: recent tickets are mostly open, old ones closed.
    fn status(&mut self, age_days: i64) -> &'static str {
        let weights: [(&'static str, u32); 5] = match age_days {
            0..=1 => [
                ("new", 45),
                ("in_progress", 35),
                ("waiting", 10),
                ("resolved", 10),
                ("closed", 0),
            ],
            2..=6 => [
                ("new", 10),
                ("in_progress", 35),
                ("waiting", 20),
                ("resolved", 25),
                ("closed", 10),
            ],
            // Resolved tickets close by themselves after 7 days.
            7..=30 => [
                ("new", 2),
                ("in_progress", 10),
                ("waiting", 8),
                ("resolved", 0),
                ("closed", 80),
            ],
            _ => [
                ("new", 0),
                ("in_progress", 1),
                ("waiting", 1),
                ("resolved", 0),
                ("closed", 98),
            ],
        };
        let total: u32 = weights.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.gen_range(0..total);
        for (status, weight) in weights {
            if roll < weight {
                return status;
            }
            roll -= weight;
        }
        "closed"
    }

    fn event(
        &mut self,
        chunk: &mut Chunk,
        ticket_id: i64,
        at: DateTime<Utc>,
        actor: Option<i64>,
        event: TicketEvent,
    ) {
        chunk.events.push(EventRow {
            id: self.next_event,
            ticket_id,
            at,
            actor_id: actor,
            event: event.name(),
            internal: event.is_internal(),
            details: serde_json::Value::Object(event.details()).to_string(),
        });
        self.next_event += 1;
    }

    /// The next `size` tickets, or fewer at the end; `None` when all are made.
    pub fn chunk(&mut self, size: usize) -> Option<Chunk> {
        if self.next >= self.shape.tickets {
            return None;
        }
        let mut chunk = Chunk::default();
        let span = Duration::days(data::DAYS)
            .num_microseconds()
            .unwrap_or(i64::MAX);
        let slot = (span / self.shape.tickets as i64).max(1);
        let start = self.now - Duration::days(data::DAYS);
        let end = (self.next + size).min(self.shape.tickets);
        for index in self.next..end {
            let id = self.bases.ticket + index as i64;
            let created =
                start + Duration::microseconds(index as i64 * slot + self.rng.gen_range(0..slot));
            let day = created.date_naive();
            let sequence = {
                let count = self.days.entry(day).or_default();
                *count += 1;
                *count
            };
            let incident = self.rng.gen_bool(0.6);
            let candidates: Vec<i64> = self
                .leaves
                .iter()
                .filter(|l| l.incident == incident)
                .map(|l| l.id)
                .collect();
            let category_id = candidates[self.rng.gen_range(0..candidates.len())];
            let requester = self.shape.pick_requester(&mut self.rng);
            let requester_id = self.user_id(requester);
            let company_id = self.bases.company + self.shape.company_of(requester) as i64;
            let text = data::ticket_text(&mut self.rng, incident);
            let age = (self.now - created).num_days();
            let status = self.status(age);
            let mut roll = self.rng.gen_range(0..100);
            let mut urgency = Level::Medium;
            for (level, weight) in URGENCIES {
                if roll < *weight {
                    urgency = *level;
                    break;
                }
                roll -= weight;
            }
            let impact = if self.rng.gen_bool(0.8) {
                Level::Medium
            } else {
                Level::High
            };

            // The history: created, taken, talked about, solved, closed.
            let mut at = created;
            let now = self.now;
            let step = |rng: &mut StdRng, at: &mut DateTime<Utc>| {
                let minutes = (age * 1440 / 8).clamp(1, 600);
                *at = (*at + Duration::minutes(rng.gen_range(1..=minutes))).min(now);
            };
            self.event(
                &mut chunk,
                id,
                at,
                Some(requester_id),
                TicketEvent::Created {
                    status: TicketStatus::New,
                    on_behalf_of: None,
                    by_mail: None,
                    channel: Some(Channel::Portal),
                },
            );
            let assignee_id = (status != "new").then(|| self.agent_id());
            if let Some(agent) = assignee_id {
                step(&mut self.rng, &mut at);
                self.event(
                    &mut chunk,
                    id,
                    at,
                    Some(agent),
                    TicketEvent::Assigned {
                        assignee: Some(self.user_ref(agent)),
                    },
                );
                self.event(
                    &mut chunk,
                    id,
                    at,
                    Some(agent),
                    TicketEvent::StatusChanged {
                        from: TicketStatus::New,
                        to: TicketStatus::InProgress,
                    },
                );
                for turn in 0..self.rng.gen_range(0..4) {
                    step(&mut self.rng, &mut at);
                    let actor = if turn % 2 == 0 { agent } else { requester_id };
                    let body = data::followup_text(&mut self.rng, text.english);
                    self.event(
                        &mut chunk,
                        id,
                        at,
                        Some(actor),
                        TicketEvent::Followup { body: body.into() },
                    );
                }
                if status == "waiting" {
                    step(&mut self.rng, &mut at);
                    self.event(
                        &mut chunk,
                        id,
                        at,
                        Some(agent),
                        TicketEvent::StatusChanged {
                            from: TicketStatus::InProgress,
                            to: TicketStatus::Waiting,
                        },
                    );
                }
            }
            let mut resolved_at = None;
            let mut closed_at = None;
            if status == "resolved" || status == "closed" {
                let agent = assignee_id.unwrap_or(requester_id);
                step(&mut self.rng, &mut at);
                let body = data::followup_text(&mut self.rng, text.english);
                self.event(
                    &mut chunk,
                    id,
                    at,
                    Some(agent),
                    TicketEvent::SolutionProposed {
                        body: body.into(),
                        from: TicketStatus::InProgress,
                        to: TicketStatus::Resolved,
                    },
                );
                self.event(
                    &mut chunk,
                    id,
                    at,
                    Some(agent),
                    TicketEvent::StatusChanged {
                        from: TicketStatus::InProgress,
                        to: TicketStatus::Resolved,
                    },
                );
                resolved_at = Some(at);
            }
            let mut satisfaction = None;
            if status == "closed" {
                step(&mut self.rng, &mut at);
                if self.rng.gen_bool(0.5) {
                    self.event(
                        &mut chunk,
                        id,
                        at,
                        Some(requester_id),
                        TicketEvent::SolutionApproved {
                            comment: None,
                            from: TicketStatus::Resolved,
                            to: TicketStatus::Closed,
                        },
                    );
                } else {
                    let closed = TicketEvent::AutoClosed {
                        from: TicketStatus::Resolved,
                        to: TicketStatus::Closed,
                    };
                    self.event(&mut chunk, id, at, None, closed);
                }
                self.event(
                    &mut chunk,
                    id,
                    at,
                    None,
                    TicketEvent::StatusChanged {
                        from: TicketStatus::Resolved,
                        to: TicketStatus::Closed,
                    },
                );
                closed_at = Some(at);
                if self.rng.gen_bool(0.2) {
                    satisfaction = Some(self.rng.gen_range(1..=5));
                }
            }
            // A few tickets are shared with a colleague of the same company.
            let colleague = requester + self.shape.companies;
            if colleague < self.shape.customers() && self.rng.gen_bool(0.01) {
                chunk.watchers.push(WatcherRow {
                    id: self.next_watcher,
                    ticket_id: id,
                    email: Shape::email(colleague),
                    user_id: self.user_id(colleague),
                    created_at: created,
                });
                self.next_watcher += 1;
            }
            let search_text = search::search_text(&text.title, &text.description);
            let version = chunk
                .events
                .iter()
                .rev()
                .take_while(|e| e.ticket_id == id)
                .count() as i64;
            chunk.tickets.push(TicketRow {
                id,
                number: TicketNumber::new(day, sequence).to_string(),
                kind: if incident { "incident" } else { "request" },
                status,
                urgency: urgency.as_str(),
                impact: impact.as_str(),
                priority: i16::from(priority(urgency, impact)),
                title: text.title,
                description: text.description,
                search_text,
                category_id,
                requester_id,
                company_id,
                assignee_id,
                notify_email: Shape::email(requester),
                created_at: created,
                updated_at: at,
                resolved_at,
                closed_at,
                version,
                satisfaction,
            });
        }
        self.next = end;
        Some(chunk)
    }
}
