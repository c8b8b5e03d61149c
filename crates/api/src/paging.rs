//! Keyset pages for the lists of the administration (companies, people, contracts, the audit
//! log…): the cursor is the sort key of the last item seen, opaque to clients (base64 of
//! JSON), and the next page starts strictly after it. A list sorted by name uses
//! `(name, id)` as its key; a list newest first uses the id.
use base64::Engine;
use guichet_types::{page_limit, FieldError, Page, LIST_LIMIT_DEFAULT};
use sea_orm::sea_query::{Expr, Func, IntoCondition, LikeExpr};
use sea_orm::{ColumnTrait, Condition, QueryOrder, QuerySelect, Select};
use serde::{de::DeserializeOwned, Serialize};

/// What a list request asks for: where to start and how many.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRequest<K> {
    /// The key of the last item of the previous page.
    pub after: Option<K>,
    pub limit: u64,
}

impl<K: DeserializeOwned> PageRequest<K> {
    /// Reads `cursor` and `limit`; a bad one is added to `errors`, which the caller answers
    /// together with its other bad parameters.
    pub fn parse(cursor: Option<&str>, limit: Option<&str>, errors: &mut Vec<FieldError>) -> Self {
        let after = cursor.and_then(|text| {
            let key = decode(text);
            if key.is_none() {
                errors.push(FieldError::new(
                    "cursor",
                    "invalid",
                    "not a cursor of this list",
                ));
            }
            key
        });
        let limit = page_limit(limit).unwrap_or_else(|error| {
            errors.push(error);
            LIST_LIMIT_DEFAULT
        });
        PageRequest { after, limit }
    }
}

impl<K> PageRequest<K> {
    /// One row more than the page, to tell whether another page follows.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }

    /// The page of `rows` (read with [`PageRequest::fetch`]), with the cursor of its last item.
    pub fn page<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> K) -> Page<T>
    where
        K: Serialize,
    {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(usize::try_from(self.limit).unwrap_or(usize::MAX));
        let next_cursor = if more {
            rows.last().map(|last| encode(&key(last)))
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

/// A sort key as an opaque cursor.
pub fn encode(key: &impl Serialize) -> String {
    let json = serde_json::to_vec(key).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// The sort key of a cursor [`encode`] made, if `text` is one.
pub fn decode<K: DeserializeOwned>(text: &str) -> Option<K> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A list by name then id, from after `request`'s cursor, one row more than the page.
pub fn by_name<E, C>(
    query: Select<E>,
    name: C,
    id: C,
    request: &PageRequest<(String, i64)>,
) -> Select<E>
where
    E: sea_orm::EntityTrait,
    C: ColumnTrait,
{
    let mut query = query.order_by_asc(name).order_by_asc(id);
    if let Some((last_name, last_id)) = &request.after {
        query = sea_orm::QueryFilter::filter(
            query,
            Condition::any()
                .add(name.gt(last_name.as_str()))
                .add(name.eq(last_name.as_str()).and(id.gt(*last_id))),
        );
    }
    query.limit(request.fetch())
}

/// A list newest first (by id), from after `request`'s cursor, one row more than the page.
pub fn newest_first<E, C>(query: Select<E>, id: C, request: &PageRequest<i64>) -> Select<E>
where
    E: sea_orm::EntityTrait,
    C: ColumnTrait,
{
    let mut query = query.order_by_desc(id);
    if let Some(last_id) = request.after {
        query = sea_orm::QueryFilter::filter(query, id.lt(last_id));
    }
    query.limit(request.fetch())
}

/// `q` as a condition: every word of `q`, folded (`guichet_types::fold`), must be found in
/// one of `columns`. Searched columns hold folded text (`search_text`) or text compared in
/// lower case: the administration's short columns (names, addresses, phones).
pub fn words_in<C: ColumnTrait>(q: Option<&str>, columns: &[C]) -> Condition {
    let mut all = Condition::all();
    for word in guichet_types::fold(q.unwrap_or_default()).split_whitespace() {
        let pattern = LikeExpr::new(format!("%{}%", escape_like(word))).escape('\\');
        let mut any = Condition::any();
        for column in columns {
            let lowered = Func::lower(Expr::col(column.as_column_ref()));
            any = any.add(Expr::expr(lowered).like(pattern.clone()));
        }
        all = all.add(any.into_condition());
    }
    all
}

/// `text` with the LIKE wildcards and the escape character taken literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_named() {
        let request: PageRequest<(String, i64)> = PageRequest {
            after: None,
            limit: 2,
        };
        let page = request.page(vec![("a", 1), ("b", 2), ("c", 3)], |(name, id)| {
            ((*name).to_owned(), *id as i64)
        });
        assert_eq!(page.items.len(), 2);
        let cursor = page.next_cursor.expect("another page");
        let mut errors = Vec::new();
        let next: PageRequest<(String, i64)> =
            PageRequest::parse(Some(&cursor), Some("2"), &mut errors);
        assert_eq!(next.after, Some(("b".to_owned(), 2)));
        assert!(errors.is_empty());
        let _: PageRequest<(String, i64)> =
            PageRequest::parse(Some("garbage!"), Some("0"), &mut errors);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["cursor", "limit"]);
    }

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
