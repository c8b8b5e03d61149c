//! The closed vocabularies of SPEC.md. Each serialises as its snake_case name.

// `$wire` is a `tt`, not a `literal`: a `literal` fragment reaches derive macros wrapped in an
// invisible group, which serde reads but utoipa ignores (it published the variant names).
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:tt),+ $(,)? } default $default:ident) => {
        wire_enum!($(#[$doc])* $name { $($variant = $wire),+ });

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }
    };
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:tt),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // Stored as its wire name (a CHECK constraint keeps the column to these values).
        #[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
        pub enum $name {
            $(
                #[serde(rename = $wire)]
                #[cfg_attr(feature = "db", sea_orm(string_value = $wire))]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum!(
    /// What a user is to the support provider.
    Role { Customer = "customer", Referent = "referent", Agent = "agent", Admin = "admin" } default Customer
);
wire_enum!(
    /// ITIL kind of a ticket.
    TicketKind { Incident = "incident", Request = "request" } default Incident
);
wire_enum!(
    /// Urgency (chosen by the customer) and impact (set by agents).
    Level { VeryLow = "very_low", Low = "low", Medium = "medium", High = "high", VeryHigh = "very_high" } default Medium
);
wire_enum!(
    /// Which tickets take an urgency from the customer (`GUICHET_URGENCY_FOR`): every ticket,
    /// or incidents only, requests then getting [`UrgencyFor::REQUEST_URGENCY`].
    UrgencyFor { All = "all", Incidents = "incidents" } default All
);
wire_enum!(
    /// Where a ticket is in its life.
    TicketStatus { New = "new", InProgress = "in_progress", Waiting = "waiting", Resolved = "resolved", Closed = "closed" } default New
);
wire_enum!(
    /// The languages of the portal.
    Locale { Fr = "fr", En = "en" } default Fr
);
wire_enum!(
    /// Which tickets a list shows.
    Scope { Mine = "mine", Company = "company", All = "all" } default Mine
);
wire_enum!(
    /// Sort orders of a ticket list: a leading `-` means newest first.
    TicketSort { UpdatedDesc = "-updated_at", UpdatedAsc = "updated_at", CreatedDesc = "-created_at", CreatedAsc = "created_at" } default UpdatedDesc
);
wire_enum!(
    /// What became of a mail received by `POST /inbound-email` or `guichet mail-ingest`.
    InboundOutcome { Followup = "followup", Ticket = "ticket", Duplicate = "duplicate", Rejected = "rejected" } default Rejected
);
wire_enum!(
    /// Why a received mail created nothing (it is kept for the support team).
    RejectReason {
        Unreadable = "unreadable",
        TooLarge = "too_large",
        AutoReply = "auto_reply",
        UnknownRecipient = "unknown_recipient",
        BadSignature = "bad_signature",
        UnknownSender = "unknown_sender",
        NotAllowed = "not_allowed",
        TicketClosed = "ticket_closed",
        Empty = "empty",
        AttachmentTooLarge = "attachment_too_large",
        NoCategory = "no_category",
        NoValidContract = "no_valid_contract",
    } default Unreadable
);

wire_enum!(
    /// The level of an assistance contract; `gold` and above reach the account manager by phone.
    ContractLevel { Standard = "standard", Silver = "silver", Gold = "gold", Platinum = "platinum" } default Standard
);
wire_enum!(
    /// How a ticket came in: opened on the portal, taken by phone by an agent, or by mail.
    Channel { Portal = "portal", Phone = "phone", Mail = "mail" } default Portal
);

impl ContractLevel {
    /// Whether customers under this contract see the account manager's name and phone line.
    pub fn reaches_account_manager(self) -> bool {
        matches!(self, ContractLevel::Gold | ContractLevel::Platinum)
    }
}

impl UrgencyFor {
    /// The urgency stored for a ticket whose form does not ask for one.
    pub const REQUEST_URGENCY: Level = Level::Medium;

    /// Whether the form of a ticket of `kind` asks the customer for an urgency.
    pub fn asks(self, kind: TicketKind) -> bool {
        match self {
            UrgencyFor::All => true,
            UrgencyFor::Incidents => kind == TicketKind::Incident,
        }
    }

    /// The urgency a ticket of `kind` gets from what the customer sent: theirs when the form
    /// asks for one (`None` if they gave none: a required member is missing), else the
    /// default, whatever was sent.
    pub fn urgency(self, kind: TicketKind, sent: Option<Level>) -> Option<Level> {
        if self.asks(kind) {
            sent
        } else {
            Some(Self::REQUEST_URGENCY)
        }
    }
}

impl Level {
    /// 1 (`very_low`) to 5 (`very_high`).
    pub fn rank(self) -> u8 {
        match self {
            Level::VeryLow => 1,
            Level::Low => 2,
            Level::Medium => 3,
            Level::High => 4,
            Level::VeryHigh => 5,
        }
    }
}

/// GLPI's default priority matrix: `ceil((urgency + impact) / 2)`, from 1 to 5.
pub fn priority(urgency: Level, impact: Level) -> u8 {
    (urgency.rank() + impact.rank()).div_ceil(2)
}

impl Role {
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

impl TicketStatus {
    pub fn is_open(self) -> bool {
        !matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_follows_the_glpi_matrix() {
        assert_eq!(priority(Level::VeryLow, Level::VeryLow), 1);
        assert_eq!(priority(Level::High, Level::Medium), 4);
        assert_eq!(priority(Level::Low, Level::Medium), 3);
        assert_eq!(priority(Level::VeryHigh, Level::VeryHigh), 5);
    }

    #[test]
    fn only_incidents_take_an_urgency_when_the_provider_says_so() {
        use TicketKind::{Incident, Request};
        assert!(UrgencyFor::All.asks(Request) && UrgencyFor::All.asks(Incident));
        assert!(UrgencyFor::Incidents.asks(Incident) && !UrgencyFor::Incidents.asks(Request));
        assert_eq!(
            UrgencyFor::All.urgency(Request, Some(Level::High)),
            Some(Level::High)
        );
        assert_eq!(UrgencyFor::All.urgency(Request, None), None);
        assert_eq!(UrgencyFor::Incidents.urgency(Incident, None), None);
        assert_eq!(
            UrgencyFor::Incidents.urgency(Request, Some(Level::VeryHigh)),
            Some(Level::Medium)
        );
        assert_eq!(
            UrgencyFor::Incidents.urgency(Request, None),
            Some(Level::Medium)
        );
    }

    #[test]
    fn wire_names_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::parse(level.as_str()), Some(*level));
            assert_eq!(
                serde_json::to_value(level).ok(),
                Some(serde_json::json!(level.as_str()))
            );
        }
        assert_eq!(
            TicketSort::parse("-updated_at"),
            Some(TicketSort::UpdatedDesc)
        );
    }
}
