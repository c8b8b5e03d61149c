//! Consented support access (seed 003, issue 17): an agent working a ticket asks the requester
//! for access to their account; the requester grants it until a time they choose, or refuses;
//! while it is granted an agent of the ticket opens assisted sessions, acting as the customer.
//!
//! The rules of an access's life are pure functions of its times ([`AccessTimes`]), so the
//! SPA shows exactly what the server will accept:
//! - a request unanswered for [`LAPSE_HOURS`] lapses;
//! - a grant ends at most [`MAX_GRANT_DAYS`] ahead;
//! - sessions start only while the access is granted (before `until`), last at most
//!   [`SESSION_MINUTES`], and stop at the latest [`GRACE_HOURS`] after `until`.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::enums::wire_enum;
use crate::{FieldError, Locale, Page, TicketNumber, UserRef};

/// An unanswered request lapses this long after it was made.
pub const LAPSE_HOURS: i64 = 48;
/// A grant ends at most this far ahead of the moment it is given.
pub const MAX_GRANT_DAYS: i64 = 7;
/// Running sessions stop at the latest this long after the granted end.
pub const GRACE_HOURS: i64 = 1;
/// An assisted session's token lives at most this long (a new session is started after).
pub const SESSION_MINUTES: i64 = 30;
/// The longest note a customer may leave with a grant.
pub const NOTE_MAX_CHARS: usize = 1_000;

wire_enum!(
    /// Where an access stands: `requested` (waiting for the customer), `granted` (sessions may
    /// start until `until`), `refused`, `revoked` (ended by the customer after a grant),
    /// `lapsed` (unanswered for 48 hours), `ended` (past `until`).
    SupportAccessState {
        Requested = "requested",
        Granted = "granted",
        Refused = "refused",
        Revoked = "revoked",
        Lapsed = "lapsed",
        Ended = "ended",
    }
);

impl SupportAccessState {
    /// Still waiting for an answer or granted: a ticket has at most one open access.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            SupportAccessState::Requested | SupportAccessState::Granted
        )
    }
}

wire_enum!(
    /// Why an assisted session ended: the `agent` ended it, the customer `revoked` the
    /// access, or it `expired` (its token's life, or one hour after the granted end).
    SupportSessionEnd {
        Agent = "agent",
        Revoked = "revoked",
        Expired = "expired",
    }
);

/// The times an access's state is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessTimes {
    pub requested_at: DateTime<Utc>,
    pub granted_at: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub refused_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl AccessTimes {
    pub fn state(&self, now: DateTime<Utc>) -> SupportAccessState {
        use SupportAccessState::*;
        if self.revoked_at.is_some() {
            return Revoked;
        }
        if self.refused_at.is_some() {
            return Refused;
        }
        match (self.granted_at, self.until) {
            (Some(_), Some(until)) if now < until => Granted,
            (Some(_), _) => Ended,
            (None, _) if now >= self.lapses_at() => Lapsed,
            (None, _) => Requested,
        }
    }

    /// When an unanswered request lapses.
    pub fn lapses_at(&self) -> DateTime<Utc> {
        self.requested_at + Duration::hours(LAPSE_HOURS)
    }

    /// The hard stop of every session of a granted access: one hour after `until`.
    pub fn hard_end(&self) -> Option<DateTime<Utc>> {
        self.until.map(|until| until + Duration::hours(GRACE_HOURS))
    }

    /// Whether a new session may start at `now`: only while granted, before `until` (the
    /// hour after it only lets running sessions finish).
    pub fn may_start_session(&self, now: DateTime<Utc>) -> bool {
        self.state(now) == SupportAccessState::Granted
    }

    /// Whether a session may still act at `now`: not revoked, and before the hard stop.
    pub fn sessions_may_run(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none()
            && self.granted_at.is_some()
            && self.hard_end().is_some_and(|end| now < end)
    }

    /// When a session started at `now` ends at the latest: its token's life, cut at the hard
    /// stop.
    pub fn session_expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let life = now + Duration::minutes(SESSION_MINUTES);
        self.hard_end().map_or(life, |end| life.min(end))
    }
}

/// The grant's `until`, given at `now`: in the future and at most [`MAX_GRANT_DAYS`] ahead.
pub fn until_error(until: DateTime<Utc>, now: DateTime<Utc>) -> Option<FieldError> {
    if until <= now {
        Some(FieldError::new(
            "until",
            "in_the_past",
            "must be in the future",
        ))
    } else if until > now + Duration::days(MAX_GRANT_DAYS) {
        Some(FieldError::new(
            "until",
            "too_far",
            format!("must be at most {MAX_GRANT_DAYS} days ahead"),
        ))
    } else {
        None
    }
}

/// `POST /support-access/{id}/grant`: the customer lets the support team in until `until`.
// No member rule of its own: both are checked against the time of the request
// ([`SupportAccessGrant::errors`]), so that one answer names both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"until": "2026-12-09T18:00:00Z", "note": "Seulement pour l'imprimante"})))]
#[serde(deny_unknown_fields)]
pub struct SupportAccessGrant {
    /// RFC 3339, in the future, at most 7 days ahead.
    pub until: DateTime<Utc>,
    /// For the agents, up to 1000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: Option<String>,
}

impl Default for SupportAccessGrant {
    fn default() -> Self {
        SupportAccessGrant {
            until: DateTime::<Utc>::UNIX_EPOCH,
            note: None,
        }
    }
}

impl SupportAccessGrant {
    /// Every bad member, given at `now`.
    pub fn errors(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = until_error(self.until, now).into_iter().collect();
        if self
            .note
            .as_ref()
            .is_some_and(|note| note.chars().count() > NOTE_MAX_CHARS)
        {
            errors.push(FieldError::new(
                "note",
                "too_long",
                format!("must be at most {NOTE_MAX_CHARS} characters"),
            ));
        }
        errors
    }
}

/// The ticket an access is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportAccessTicket {
    pub number: TicketNumber,
    pub title: String,
}

/// An assisted session of an access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportSession {
    pub id: i64,
    pub agent: UserRef,
    pub started_at: DateTime<Utc>,
    /// When it stops at the latest.
    pub expires_at: DateTime<Utc>,
    /// `null` while it runs.
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<SupportSessionEnd>,
}

impl SupportSession {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.ended_at.is_none() && now < self.expires_at
    }
}

/// A support access as the agents and the customer see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportAccess {
    pub id: i64,
    pub ticket: SupportAccessTicket,
    /// The agent who asked.
    pub agent: UserRef,
    /// The ticket's requester, who answers.
    pub customer: UserRef,
    pub state: SupportAccessState,
    pub requested_at: DateTime<Utc>,
    /// When the request lapses if unanswered.
    pub lapses_at: DateTime<Utc>,
    pub granted_at: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub note: Option<String>,
    /// When it was refused or revoked.
    pub refused_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Its assisted sessions, oldest first.
    pub sessions: Vec<SupportSession>,
}

impl SupportAccess {
    pub fn times(&self) -> AccessTimes {
        AccessTimes {
            requested_at: self.requested_at,
            granted_at: self.granted_at,
            until: self.until,
            refused_at: self.refused_at,
            revoked_at: self.revoked_at,
        }
    }

    /// Its live session, if one runs.
    pub fn live_session(&self, now: DateTime<Utc>) -> Option<&SupportSession> {
        self.sessions.iter().find(|session| session.is_live(now))
    }
}

pub type SupportAccessPage = Page<SupportAccess>;

/// The answer to `POST /support-access/{id}/sessions`: a bearer token acting as the customer
/// for the agent (RFC 8693's `act`), valid `expires_in` seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedToken {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: u64,
    pub session: SupportSession,
}

/// "Agnès Support pour Claire Martin": who acted in an assisted session, in `locale`.
pub fn assisted_name(agent: &str, customer: &str, locale: Locale) -> String {
    match locale {
        Locale::Fr => format!("{agent} pour {customer}"),
        Locale::En => format!("{agent} for {customer}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("a time") + Duration::hours(hours)
    }

    fn requested() -> AccessTimes {
        AccessTimes {
            requested_at: at(0),
            granted_at: None,
            until: None,
            refused_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn an_unanswered_request_lapses_after_48_hours() {
        use SupportAccessState::*;
        let access = requested();
        assert_eq!(access.state(at(47)), Requested);
        assert_eq!(access.state(at(48)), Lapsed);
        assert_eq!(access.lapses_at(), at(48));
        assert!(Requested.is_open() && !Lapsed.is_open());
    }

    #[test]
    fn a_grant_runs_until_its_end_and_sessions_one_hour_more() {
        use SupportAccessState::*;
        let access = AccessTimes {
            granted_at: Some(at(1)),
            until: Some(at(3)),
            ..requested()
        };
        // A grant is not lapsed by the 48 hours.
        let long = AccessTimes {
            until: Some(at(100)),
            ..access
        };
        assert_eq!(long.state(at(60)), Granted);
        assert_eq!(access.state(at(2)), Granted);
        assert!(access.may_start_session(at(2)));
        assert_eq!(access.state(at(3)), Ended);
        assert!(!access.may_start_session(at(3)));
        assert!(access.sessions_may_run(at(3)));
        assert!(!access.sessions_may_run(at(4)));
        assert_eq!(
            access.session_expiry(at(2)),
            at(2) + Duration::minutes(SESSION_MINUTES)
        );
        // Near the end, a session stops at the hard stop.
        let late = at(3) + Duration::minutes(50);
        assert_eq!(access.session_expiry(late), at(4));
    }

    #[test]
    fn refusal_and_revocation_end_everything() {
        use SupportAccessState::*;
        let refused = AccessTimes {
            refused_at: Some(at(1)),
            ..requested()
        };
        assert_eq!(refused.state(at(2)), Refused);
        assert!(!refused.may_start_session(at(2)));
        let revoked = AccessTimes {
            granted_at: Some(at(1)),
            until: Some(at(5)),
            revoked_at: Some(at(2)),
            ..requested()
        };
        assert_eq!(revoked.state(at(3)), Revoked);
        assert!(!revoked.sessions_may_run(at(3)));
        assert!(!revoked.may_start_session(at(3)));
    }

    #[test]
    fn until_is_in_the_future_and_at_most_7_days_ahead() {
        let now = at(0);
        let code = |until| until_error(until, now).map(|e| e.code);
        assert_eq!(code(now), Some("in_the_past".to_owned()));
        assert_eq!(code(at(-1)), Some("in_the_past".to_owned()));
        assert_eq!(code(at(2)), None);
        assert_eq!(code(now + Duration::days(7)), None);
        assert_eq!(
            code(now + Duration::days(7) + Duration::seconds(1)),
            Some("too_far".to_owned())
        );
        let grant = SupportAccessGrant {
            until: at(-1),
            note: Some("x".repeat(NOTE_MAX_CHARS + 1)),
        };
        let fields: Vec<String> = grant.errors(now).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["until", "note"]);
    }

    #[test]
    fn the_assisted_name_says_both_in_each_language() {
        assert_eq!(
            assisted_name("Agnès Support", "Claire Martin", Locale::Fr),
            "Agnès Support pour Claire Martin"
        );
        assert_eq!(
            assisted_name("Agnès Support", "Claire Martin", Locale::En),
            "Agnès Support for Claire Martin"
        );
    }
}
