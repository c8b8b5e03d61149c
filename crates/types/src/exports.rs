//! Exports: the ticket list as a CSV file (`GET /exports/tickets.csv`).
use crate::TicketListQuery;

/// The character between the cells of an exported CSV file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvSeparator {
    #[default]
    Comma,
    /// What spreadsheets in French (and other locales with a decimal comma) expect.
    Semicolon,
}

impl CsvSeparator {
    pub const ALL: &'static [CsvSeparator] = &[CsvSeparator::Comma, CsvSeparator::Semicolon];

    pub fn as_str(self) -> &'static str {
        match self {
            CsvSeparator::Comma => "comma",
            CsvSeparator::Semicolon => "semicolon",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.as_str() == value)
    }

    pub fn byte(self) -> u8 {
        match self {
            CsvSeparator::Comma => b',',
            CsvSeparator::Semicolon => b';',
        }
    }
}

/// The query string of the ticket export: the list's filters (its `cursor` and `limit`
/// aside), a period of creation and the separator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketExportQuery {
    pub filters: TicketListQuery,
    /// Created at or after: a date (`2026-11-01`, midnight in the server's time zone) or an
    /// RFC 3339 time.
    pub since: Option<String>,
    /// Created before (excluded), in the same forms.
    pub until: Option<String>,
    pub separator: Option<CsvSeparator>,
}

impl TicketExportQuery {
    /// The query string members, in the names of the API.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = self
            .filters
            .to_pairs()
            .into_iter()
            .filter(|(name, _)| !matches!(*name, "cursor" | "limit"))
            .collect();
        let optional = [
            ("since", self.since.clone()),
            ("until", self.until.clone()),
            ("separator", self.separator.map(|s| s.as_str().to_owned())),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_round_trip() {
        for separator in CsvSeparator::ALL {
            assert_eq!(CsvSeparator::parse(separator.as_str()), Some(*separator));
        }
        assert_eq!(CsvSeparator::parse("tab"), None);
    }

    #[test]
    fn the_page_members_of_the_list_are_not_sent() {
        let query = TicketExportQuery {
            filters: TicketListQuery {
                cursor: Some("x".into()),
                limit: Some(5),
                q: Some("imprimante".into()),
                ..Default::default()
            },
            separator: Some(CsvSeparator::Semicolon),
            ..Default::default()
        };
        assert_eq!(
            query.to_pairs(),
            [
                ("q", "imprimante".to_owned()),
                ("separator", "semicolon".to_owned())
            ]
        );
    }
}
