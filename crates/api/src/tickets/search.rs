//! Full-text search that behaves the same on SQLite (FTS5) and PostgreSQL (tsvector).
//!
//! Both engines index `tickets.search_text`, which the application fills with the title and
//! description *folded*: lower case, accents removed, every run of characters other than
//! letters and digits turned into one space. A query is folded the same way, and each of its
//! words must be the start of a word of the ticket (`ORDINATEUR DEMARRE` finds "ordinateurs
//! ne démarre plus"). The engines then only see plain words, so they split them alike.
pub use guichet_types::fold;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::DbBackend;

/// At most this many words of a query are used.
const MAX_QUERY_WORDS: usize = 16;

/// The text a ticket is found by.
pub fn search_text(title: &str, description: &str) -> String {
    format!("{} {}", fold(title), fold(description))
}

/// The folded words of a query, or `None` when it has none.
pub fn query_words(q: &str) -> Option<Vec<String>> {
    let words: Vec<String> = fold(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(MAX_QUERY_WORDS)
        .map(str::to_owned)
        .collect();
    (!words.is_empty()).then_some(words)
}

/// A table searched as tickets are: a folded `search_text` column, indexed by an FTS5 table
/// on SQLite (whose rowid is the table's id) and by a generated `search_vector` on PostgreSQL.
pub struct SearchIndex {
    pub table: &'static str,
    /// The SQLite FTS5 table.
    pub fts: &'static str,
}

pub const TICKETS: SearchIndex = SearchIndex {
    table: "tickets",
    fts: "ticket_search",
};

/// A condition on `tickets` that keeps the tickets matching every word as a prefix.
pub fn matches(backend: DbBackend, words: &[String]) -> SimpleExpr {
    matches_in(&TICKETS, backend, words)
}

/// A condition on `index.table` that keeps the rows matching every word as a prefix.
pub fn matches_in(index: &SearchIndex, backend: DbBackend, words: &[String]) -> SimpleExpr {
    let SearchIndex { table, fts } = index;
    match backend {
        DbBackend::Postgres => Expr::cust_with_values(
            format!("\"{table}\".\"search_vector\" @@ to_tsquery('simple', $1)"),
            [tsquery(words)],
        ),
        _ => {
            let query = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            Expr::cust_with_values(
                format!("\"{table}\".\"id\" IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"),
                [query],
            )
        }
    }
}

/// PostgreSQL: the condition of [`matches`] on `tickets.search_vector`, written as a function
/// call that no index serves, for a plan that checks it ticket by ticket along another index.
pub fn matches_row_by_row(words: &[String]) -> SimpleExpr {
    Expr::cust_with_values(
        "ts_match_vq(\"tickets\".\"search_vector\", to_tsquery('simple', $1))",
        [tsquery(words)],
    )
}

fn tsquery(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            fold("Un de nos ORDINATEURS ne démarre plus !"),
            "un de nos ordinateurs ne demarre plus"
        );
        assert_eq!(fold("l'écran — cœur/Ærø"), "l ecran coeur aero");
        assert_eq!(fold("  T20261121.0001  "), "t20261121 0001");
        assert_eq!(fold("Straße № 5"), "strasse no 5");
    }

    #[test]
    fn query_words_are_folded_and_bounded() {
        assert_eq!(
            query_words("ORDINATEUR DEMARRE"),
            Some(vec!["ordinateur".to_owned(), "demarre".to_owned()])
        );
        assert_eq!(query_words(" ,;' "), None);
        assert_eq!(
            query_words(&"a ".repeat(40)).map(|w| w.len()),
            Some(MAX_QUERY_WORDS)
        );
    }
}

#[cfg(test)]
mod sql_tests {
    use super::*;
    use crate::entities::tickets;
    use sea_orm::{EntityTrait, QueryFilter, QueryTrait};

    #[test]
    fn the_query_is_bound_on_both_engines() {
        let words = vec!["ordinateur".to_owned(), "demarre".to_owned()];
        let sqlite = tickets::Entity::find()
            .filter(matches(DbBackend::Sqlite, &words))
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(
            sqlite.ends_with(r#"MATCH '"ordinateur"* "demarre"*')"#),
            "{sqlite}"
        );
        let postgres = tickets::Entity::find()
            .filter(matches(DbBackend::Postgres, &words))
            .build(DbBackend::Postgres)
            .to_string();
        assert!(
            postgres.ends_with("to_tsquery('simple', 'ordinateur:* & demarre:*')"),
            "{postgres}"
        );
    }
}
