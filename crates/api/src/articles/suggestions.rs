//! The new-ticket form's suggestions: the readable articles that match ANY word of a title
//! being typed, ranked by how many of its words they match.
use guichet_types::{ArticleSummary, ARTICLE_SUGGESTIONS_MAX, SUGGESTION_WORD_MIN_CHARS};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QueryResult, QuerySelect,
};

use super::queries::{self, Reader, ARTICLES};
use crate::auth::SessionUser;
use crate::entities::articles;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::tickets::search;

/// The newest matching articles ranked; enough for a title's few words to find their best.
const CANDIDATES: u64 = 50;

/// A candidate: its summary and the folded text it is found by.
#[derive(Debug)]
struct Candidate {
    summary: queries::SummaryRow,
    search_text: String,
}

impl FromQueryResult for Candidate {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Candidate {
            summary: queries::SummaryRow::from_query_result(row, prefix)?,
            search_text: row.try_get(prefix, "search_text")?,
        })
    }
}

/// The words of `q` that suggestions use: folded, of 3 letters or more, each once.
pub fn suggestion_words(q: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in search::query_words(q).unwrap_or_default() {
        if word.chars().count() >= SUGGESTION_WORD_MIN_CHARS && !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// How many of `words` start a word of `text` (folded).
fn matched(words: &[String], text: &str) -> usize {
    words
        .iter()
        .filter(|word| {
            text.split(' ')
                .any(|found| found.starts_with(word.as_str()))
        })
        .count()
}

/// At most five articles `user` may read, the best first (most words matched, then newest).
pub async fn suggest(
    state: &AppState,
    user: Option<&SessionUser>,
    q: &str,
) -> ApiResult<Vec<ArticleSummary>> {
    let words = suggestion_words(q);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let reader = Reader::of(user);
    let backend = state.db.get_database_backend();
    let any_word = words.iter().fold(Condition::any(), |any, word| {
        any.add(search::matches_in(
            &ARTICLES,
            backend,
            std::slice::from_ref(word),
        ))
    });
    let mut query = articles::Entity::find()
        .filter(queries::readable(reader))
        .filter(any_word);
    if reader.is_staff() {
        // The form's suggestions are what customers read: drafts are left out for all.
        query = query.filter(articles::Column::Published.eq(true));
    }
    let mut candidates = query
        .select_only()
        .columns(queries::SUMMARY_COLUMNS)
        .column(articles::Column::SearchText)
        .order_by_desc(articles::Column::Id)
        .limit(CANDIDATES)
        .into_model::<Candidate>()
        .all(&state.db)
        .await?;
    // Stable: among equals, the newest (the order read) stays first.
    candidates.sort_by_key(|c| std::cmp::Reverse(matched(&words, &c.search_text)));
    let categories = state.categories.get(&state.db).await?;
    Ok(candidates
        .into_iter()
        .take(ARTICLE_SUGGESTIONS_MAX)
        .map(|c| queries::summary(reader, &categories, c.summary))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_repeated_words_are_left_out() {
        assert_eq!(
            suggestion_words("Ma BOX ne démarre pas, la box !"),
            vec!["box", "demarre", "pas"]
        );
        assert!(suggestion_words("a b, de").is_empty());
    }

    #[test]
    fn words_count_as_prefixes_of_the_text() {
        let words = suggestion_words("box demarre imprimante");
        assert_eq!(matched(&words, "la boxe ne demarrera plus"), 2);
        assert_eq!(matched(&words, "une imprimante"), 1);
        assert_eq!(matched(&words, "rien"), 0);
    }
}
