//! What the announcements screen decides without the browser: an announcement's state, and
//! the request a filled form makes (or what is wrong with it).
use chrono::{DateTime, Utc};
use guichet_types::{validation_errors, Announcement, AnnouncementInput, FieldError, Locale};
use validator::Validate;

use crate::forms::FieldErrors;

/// The fields of the form, in its order, by their API names (also their ids).
pub const ORDER: [&str; 5] = ["title", "body", "locale", "starts_at", "ends_at"];

/// Where an announcement stands in its publication period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Upcoming,
    Current,
    Expired,
}

impl State {
    pub fn of(announcement: &Announcement, now: DateTime<Utc>) -> Self {
        if announcement.starts_at > now {
            State::Upcoming
        } else if announcement.ends_at.is_some_and(|ends| ends <= now) {
            State::Expired
        } else {
            State::Current
        }
    }

    /// The style class of its badge.
    pub fn class(self) -> &'static str {
        match self {
            State::Upcoming => "status state-upcoming",
            State::Current => "status state-current",
            State::Expired => "status state-expired",
        }
    }
}

/// A date field as the form holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Empty,
    At(DateTime<Utc>),
    /// Typed, but not a date the browser can read.
    Unreadable,
}

/// What the form holds.
pub struct Draft<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// `fr`, `en`, or empty for every language.
    pub locale: &'a str,
    pub starts_at: DateField,
    pub ends_at: DateField,
}

/// The request of `draft`, or every field the server would refuse, in the form's order.
pub fn request_of(draft: &Draft, now: DateTime<Utc>) -> Result<AnnouncementInput, FieldErrors> {
    let mut found = Vec::new();
    let mut date = |field: &str, value: DateField| match value {
        DateField::Empty => None,
        DateField::At(at) => Some(at),
        DateField::Unreadable => {
            found.push(FieldError::new(
                field,
                "invalid_type",
                "not a date and time",
            ));
            None
        }
    };
    let starts_at = date("starts_at", draft.starts_at);
    let ends_at = date("ends_at", draft.ends_at);
    let input = AnnouncementInput {
        title: draft.title.trim().to_owned(),
        body: draft.body.trim().to_owned(),
        locale: Locale::parse(draft.locale),
        starts_at,
        ends_at,
    };
    if let Err(errors) = input.validate() {
        found.extend(validation_errors(&errors));
    }
    found.extend(input.period_error(now));
    if found.is_empty() {
        return Ok(input);
    }
    let errors = FieldErrors::new(found, |field| match field {
        "title" => input.title.is_empty(),
        "body" => input.body.is_empty(),
        _ => false,
    });
    Err(errors.sorted(&ORDER))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default() + Duration::hours(hours)
    }

    fn announcement(starts: i64, ends: Option<i64>) -> Announcement {
        Announcement {
            id: 1,
            title: "Maintenance".into(),
            body: "Ce soir".into(),
            locale: None,
            starts_at: at(starts),
            ends_at: ends.map(at),
            created_at: at(-10),
        }
    }

    #[test]
    fn the_state_follows_the_period() {
        assert_eq!(State::of(&announcement(1, None), at(0)), State::Upcoming);
        assert_eq!(State::of(&announcement(-1, None), at(0)), State::Current);
        assert_eq!(State::of(&announcement(-1, Some(2)), at(0)), State::Current);
        assert_eq!(
            State::of(&announcement(-3, Some(-1)), at(0)),
            State::Expired
        );
        // It ends at its end.
        assert_eq!(State::of(&announcement(-3, Some(0)), at(0)), State::Expired);
    }

    #[test]
    fn a_filled_form_makes_a_trimmed_request() {
        let draft = Draft {
            title: "  Maintenance ",
            body: "Ce soir de 20 h à 22 h.\n",
            locale: "fr",
            starts_at: DateField::At(at(1)),
            ends_at: DateField::Empty,
        };
        let input = request_of(&draft, at(0)).expect("valid");
        assert_eq!(input.title, "Maintenance");
        assert_eq!(input.body, "Ce soir de 20 h à 22 h.");
        assert_eq!(input.locale, Some(Locale::Fr));
        assert_eq!(input.starts_at, Some(at(1)));
        assert_eq!(input.ends_at, None);
        let everyone = Draft {
            locale: "",
            ..draft
        };
        assert_eq!(request_of(&everyone, at(0)).expect("valid").locale, None);
    }

    #[test]
    fn every_wrong_field_is_named_in_the_form_order() {
        let draft = Draft {
            title: "   ",
            body: "",
            locale: "",
            starts_at: DateField::Unreadable,
            ends_at: DateField::At(at(-1)),
        };
        let errors = request_of(&draft, at(0)).expect_err("invalid");
        assert_eq!(
            errors.listed(),
            vec![
                ("title", "required"),
                ("body", "required"),
                ("starts_at", "invalid_type"),
                ("ends_at", "before_start"),
            ]
        );
        let long = "x".repeat(201);
        let draft = Draft {
            title: &long,
            body: "Texte",
            locale: "en",
            starts_at: DateField::At(at(2)),
            ends_at: DateField::At(at(1)),
        };
        let errors = request_of(&draft, at(0)).expect_err("invalid");
        assert_eq!(
            errors.listed(),
            vec![("title", "length"), ("ends_at", "before_start")]
        );
    }
}
