//! The list's filters, search, scope and sort live in the address (`/tickets?status=new&q=…`),
//! under the API's own names, so that Back, a reload or a bookmark shows the same list.
use guichet_types::{
    CompanyId, Level, Scope, TicketKind, TicketListQuery, TicketSort, TicketStatus, UserId,
};

/// What a list shows when the address names no scope: a customer's own tickets, every ticket
/// for the support team (the server's defaults too).
pub fn default_scope(staff: bool) -> Scope {
    if staff {
        Scope::All
    } else {
        Scope::Mine
    }
}

/// Reads the list's query from the address; a value the list does not know is left out, as
/// if absent, rather than sent for the API to refuse.
pub fn parse(get: impl Fn(&str) -> Option<String>) -> TicketListQuery {
    let id = |name: &str| get(name).and_then(|v| v.trim().parse::<i64>().ok());
    TicketListQuery {
        status: get("status")
            .map(|list| {
                list.split(',')
                    .filter_map(|s| TicketStatus::parse(s.trim()))
                    .collect()
            })
            .unwrap_or_default(),
        kind: get("kind").and_then(|v| TicketKind::parse(&v)),
        scope: get("scope").and_then(|v| Scope::parse(&v)),
        q: get("q").filter(|q| !q.trim().is_empty()),
        sort: get("sort").and_then(|v| TicketSort::parse(&v)),
        company_id: id("company_id").map(CompanyId),
        assignee_id: id("assignee_id").map(UserId),
        requester_id: id("requester_id").map(UserId),
        urgency: get("urgency").and_then(|v| Level::parse(&v)),
        priority: get("priority")
            .and_then(|v| v.trim().parse().ok())
            .filter(|p| (1..=5).contains(p)),
        ..Default::default()
    }
}

/// Keeps only what this reader may ask for: the support team's filters for the support team,
/// the company scope for referents, the requester filter within the company's tickets. The
/// scope is always named for those who can choose it, so that the choice shows what is listed.
pub fn for_reader(mut query: TicketListQuery, staff: bool, sees_company: bool) -> TicketListQuery {
    let allowed = |scope: Scope| match scope {
        Scope::Mine => true,
        Scope::Company => sees_company && !staff,
        Scope::All => staff,
    };
    query.scope = query.scope.filter(|s| allowed(*s));
    if staff || sees_company {
        query.scope = Some(query.scope.unwrap_or(default_scope(staff)));
    }
    if !staff {
        query.company_id = None;
        query.assignee_id = None;
        query.urgency = None;
        query.priority = None;
    }
    if query.scope != Some(Scope::Company) {
        query.requester_id = None;
    }
    query.cursor = None;
    query.limit = None;
    query
}

/// The address of the list showing `query` (its first page).
pub fn href(query: &TicketListQuery) -> String {
    let pairs: Vec<String> = query
        .to_pairs()
        .into_iter()
        .filter(|(name, _)| !matches!(*name, "cursor" | "limit"))
        .map(|(name, value)| format!("{name}={}", encode(&value)))
        .collect();
    if pairs.is_empty() {
        "/tickets".to_owned()
    } else {
        format!("/tickets?{}", pairs.join("&"))
    }
}

/// Percent-encodes a query value (UTF-8), keeping the commas of a status list readable.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~,".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Whether the list is narrowed by anything but its scope and order.
pub fn is_filtered(query: &TicketListQuery) -> bool {
    !query.status.is_empty()
        || query.kind.is_some()
        || query.q.is_some()
        || query.company_id.is_some()
        || query.assignee_id.is_some()
        || query.requester_id.is_some()
        || query.urgency.is_some()
        || query.priority.is_some()
}

/// The same list as it first shows, without filters, search or order: only a scope other than
/// the reader's default stays (a referent's company stays the company's list).
pub fn cleared(query: &TicketListQuery, staff: bool) -> TicketListQuery {
    TicketListQuery {
        scope: query.scope.filter(|scope| *scope != default_scope(staff)),
        ..Default::default()
    }
}

/// The columns a list can be sorted by (those the API sorts on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Created,
    Updated,
}

impl SortColumn {
    /// The order the list is in by this column, if it is: `Some(true)` when newest first.
    pub fn direction(self, sort: TicketSort) -> Option<bool> {
        match (self, sort) {
            (SortColumn::Created, TicketSort::CreatedDesc)
            | (SortColumn::Updated, TicketSort::UpdatedDesc) => Some(true),
            (SortColumn::Created, TicketSort::CreatedAsc)
            | (SortColumn::Updated, TicketSort::UpdatedAsc) => Some(false),
            _ => None,
        }
    }

    /// The order a click on this column's header gives: newest first, then the other way.
    pub fn next(self, sort: TicketSort) -> TicketSort {
        match (self, self.direction(sort)) {
            (SortColumn::Created, Some(true)) => TicketSort::CreatedAsc,
            (SortColumn::Created, _) => TicketSort::CreatedDesc,
            (SortColumn::Updated, Some(true)) => TicketSort::UpdatedAsc,
            (SortColumn::Updated, _) => TicketSort::UpdatedDesc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> TicketListQuery {
        parse(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn an_address_gives_back_the_query_it_was_made_from() {
        let query = TicketListQuery {
            status: vec![TicketStatus::Waiting],
            kind: Some(TicketKind::Request),
            scope: Some(Scope::All),
            q: Some("écran noir & co".into()),
            sort: Some(TicketSort::CreatedAsc),
            company_id: Some(CompanyId(2)),
            assignee_id: Some(UserId(4)),
            urgency: Some(Level::VeryHigh),
            priority: Some(5),
            ..Default::default()
        };
        let address = href(&query);
        assert_eq!(
            address,
            "/tickets?status=waiting&kind=request&scope=all&q=%C3%A9cran%20noir%20%26%20co\
             &sort=created_at&company_id=2&assignee_id=4&urgency=very_high&priority=5"
        );
        assert_eq!(from_address(&address), query);
    }

    /// The router's side of it: the query string split and percent-decoded, then read.
    fn from_address(address: &str) -> TicketListQuery {
        let (_, query) = address.split_once('?').unwrap_or_default();
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let raw = value.as_bytes();
                let mut bytes = Vec::new();
                let mut i = 0;
                while i < raw.len() {
                    match raw[i] {
                        b'%' => {
                            let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("3F");
                            bytes.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                            i += 3;
                        }
                        byte => {
                            bytes.push(byte);
                            i += 1;
                        }
                    }
                }
                (
                    name.to_owned(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                )
            })
            .collect();
        parse(|name| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn the_plain_list_has_a_plain_address() {
        assert_eq!(href(&TicketListQuery::default()), "/tickets");
        assert_eq!(from(&[]), TicketListQuery::default());
    }

    #[test]
    fn unknown_values_are_left_out_rather_than_sent() {
        let query = from(&[
            ("status", "new,nope,closed"),
            ("kind", "other"),
            ("scope", "everyone"),
            ("sort", "title"),
            ("company_id", "two"),
            ("priority", "9"),
            ("q", "   "),
        ]);
        assert_eq!(
            query,
            TicketListQuery {
                status: vec![TicketStatus::New, TicketStatus::Closed],
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_reader_keeps_only_the_filters_open_to_them() {
        let asked = from(&[
            ("scope", "company"),
            ("company_id", "2"),
            ("assignee_id", "4"),
            ("urgency", "low"),
            ("priority", "2"),
            ("requester_id", "7"),
            ("cursor", "abc"),
        ]);
        let customer = for_reader(asked.clone(), false, false);
        assert_eq!(customer, TicketListQuery::default());

        let referent = for_reader(asked.clone(), false, true);
        assert_eq!(referent.scope, Some(Scope::Company));
        assert_eq!(referent.requester_id, Some(UserId(7)));
        assert_eq!(referent.company_id, None);

        let agent = for_reader(asked, true, false);
        assert_eq!(agent.scope, Some(Scope::All));
        assert_eq!(agent.requester_id, None);
        assert_eq!(agent.company_id, Some(CompanyId(2)));
        assert_eq!(agent.priority, Some(2));
    }

    #[test]
    fn clearing_goes_back_to_the_plain_list_of_the_same_scope() {
        let query = from(&[
            ("scope", "mine"),
            ("sort", "created_at"),
            ("q", "imprimante"),
        ]);
        assert!(is_filtered(&query));
        assert!(!is_filtered(&cleared(&query, false)));
        assert_eq!(href(&cleared(&query, false)), "/tickets");
        assert_eq!(href(&cleared(&query, true)), "/tickets?scope=mine");
        let company = from(&[("scope", "company"), ("requester_id", "7")]);
        assert!(is_filtered(&company));
        assert_eq!(href(&cleared(&company, false)), "/tickets?scope=company");
    }

    #[test]
    fn a_column_sorts_newest_first_then_the_other_way() {
        let by_update = TicketSort::default();
        assert_eq!(SortColumn::Updated.direction(by_update), Some(true));
        assert_eq!(SortColumn::Created.direction(by_update), None);
        assert_eq!(SortColumn::Updated.next(by_update), TicketSort::UpdatedAsc);
        assert_eq!(
            SortColumn::Updated.next(TicketSort::UpdatedAsc),
            TicketSort::UpdatedDesc
        );
        assert_eq!(SortColumn::Created.next(by_update), TicketSort::CreatedDesc);
        assert_eq!(
            SortColumn::Created.next(TicketSort::CreatedDesc),
            TicketSort::CreatedAsc
        );
    }
}
