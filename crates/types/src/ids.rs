//! Id newtypes, so that a company id can never be passed where a user id is expected.
use serde::{Deserialize, Serialize};

macro_rules! id_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        #[cfg_attr(feature = "db", derive(sea_orm::DeriveValueType))]
        pub struct $name(pub i64);

        // A primary key of this type is read back from an insert's last id.
        #[cfg(feature = "db")]
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(n: u64) -> Result<Self, sea_orm::DbErr> {
                i64::try_from_u64(n).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_newtype!(
    /// A user account (customer, referent, agent or admin).
    UserId
);
id_newtype!(
    /// A client company.
    CompanyId
);
id_newtype!(
    /// A node of the category tree.
    CategoryId
);
id_newtype!(
    /// A piece of equipment or software of a company.
    AssetId
);
id_newtype!(
    /// An entry of a ticket's timeline.
    EventId
);

id_newtype!(
    /// An assistance contract of a company.
    ContractId
);
id_newtype!(
    /// A known contact of a company: an address without an account.
    ContactId
);
id_newtype!(
    /// An entry of the audit log.
    AuditEventId
);
id_newtype!(
    /// An access request by service code that found no account to grant.
    AccessRequestId
);
id_newtype!(
    /// A webhook endpoint.
    WebhookId
);
id_newtype!(
    /// One event's delivery to one webhook endpoint, with its attempts.
    WebhookDeliveryId
);
id_newtype!(
    /// An article of the knowledge base.
    ArticleId
);
id_newtype!(
    /// An image shown in an article.
    ArticleImageId
);

/// A ticket number, `T` + `YYYYMMDD` + `.` + a daily sequence of at least 4 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "T20261121.0001"))]
#[serde(try_from = "String", into = "String")]
pub struct TicketNumber(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTicketNumber;

impl std::fmt::Display for InvalidTicketNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a ticket number looks like T20261121.0001")
    }
}

impl TicketNumber {
    /// Builds the number of the `sequence`-th ticket of `date`.
    pub fn new(date: chrono::NaiveDate, sequence: u64) -> Self {
        Self(format!("T{}.{sequence:04}", date.format("%Y%m%d")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number a search names, as users paste it from a mail's subject:
    /// `T20261203.0003`, `t20261203.0003` or `20261203.0003`, spaces around allowed.
    pub fn in_query(query: &str) -> Option<Self> {
        let query = query.trim();
        let digits = query.strip_prefix(['T', 't']).unwrap_or(query);
        format!("T{digits}").parse().ok()
    }
}

impl TryFrom<String> for TicketNumber {
    type Error = InvalidTicketNumber;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let rest = value.strip_prefix('T').ok_or(InvalidTicketNumber)?;
        let (date, sequence) = rest.split_once('.').ok_or(InvalidTicketNumber)?;
        let valid_date = is_compact_date(date);
        let valid_sequence = sequence.len() >= 4
            && sequence.len() <= 12
            && sequence.bytes().all(|b| b.is_ascii_digit());
        if valid_date && valid_sequence {
            Ok(Self(value))
        } else {
            Err(InvalidTicketNumber)
        }
    }
}

/// `YYYYMMDD`, eight digits naming a real day. Checked by hand: chrono's `parse_from_str`
/// would bring its whole format-string parser into the WASM build for this one check.
fn is_compact_date(date: &str) -> bool {
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let part = |range: std::ops::Range<usize>| date[range].parse::<u32>().ok();
    match (part(0..4), part(4..6), part(6..8)) {
        (Some(year), Some(month), Some(day)) => i32::try_from(year)
            .ok()
            .and_then(|year| chrono::NaiveDate::from_ymd_opt(year, month, day))
            .is_some(),
        _ => false,
    }
}

impl std::str::FromStr for TicketNumber {
    type Err = InvalidTicketNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.to_owned())
    }
}

impl From<TicketNumber> for String {
    fn from(number: TicketNumber) -> Self {
        number.0
    }
}

impl std::fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_at_least_four_digits() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date");
        assert_eq!(TicketNumber::new(date, 1).as_str(), "T20261121.0001");
        assert_eq!(TicketNumber::new(date, 12345).as_str(), "T20261121.12345");
    }

    #[test]
    fn parses_only_well_formed_numbers() {
        assert!("T20261121.0001".parse::<TicketNumber>().is_ok());
        assert!("T20261121.123456".parse::<TicketNumber>().is_ok());
        for bad in [
            "20261121.0001",
            "T2026112.0001",
            "T20261321.0001",
            "T20261121.01",
            "T20261121.00a1",
            "T20261121",
            "T20260230.0001",
            "T2026 1 1.0001",
            "T+2026112.0001",
        ] {
            assert!(bad.parse::<TicketNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_query_names_a_number_with_or_without_its_t() {
        for query in ["T20261203.0003", "t20261203.0003", " 20261203.0003 "] {
            assert_eq!(
                TicketNumber::in_query(query).map(String::from).as_deref(),
                Some("T20261203.0003"),
                "{query}"
            );
        }
        for query in [
            "imprimante",
            "TT20261203.0003",
            "20261203",
            "T20261203.0003 panne",
        ] {
            assert_eq!(TicketNumber::in_query(query), None, "{query}");
        }
    }
}
