//! The ticket export: its query string, and the CSV file written batch by batch.
//!
//! Columns (a header row first), in the API's words: `number`, `title`, `status`, `kind`,
//! `urgency`, `impact`, `priority`, `category` (in the caller's language), `company`,
//! `requester`, `requester_email`, `assignee`, `created_at`, `updated_at`, `resolved_at`,
//! `closed_at` (RFC 3339, UTC; empty when not set). UTF-8 with a byte order mark, so that
//! spreadsheets read the accents right. A cell that a spreadsheet would take for a formula
//! (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as
//! OWASP's "CSV injection" advice says: the text reads the same, nothing is computed.
use std::borrow::Cow;
use std::collections::HashMap;

use actix_web::web::Bytes;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use futures_util::{Stream, StreamExt};
use guichet_types::{CsvSeparator, FieldError, Locale, Permission, Scope, TicketListQuery};
use sea_orm::ColumnTrait;

use crate::auth::SessionUser;
use crate::entities::tickets;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tickets::queries::{self, ListFilter, TicketRow};
use crate::tickets::read::{list_filter, parse_list_query};

/// How many tickets each read of the export fetches.
pub const BATCH: u64 = 500;

const HEADER: [&str; 16] = [
    "number",
    "title",
    "status",
    "kind",
    "urgency",
    "impact",
    "priority",
    "category",
    "company",
    "requester",
    "requester_email",
    "assignee",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
];

/// A checked export request.
pub struct Export {
    pub filter: ListFilter,
    pub separator: CsvSeparator,
}

/// The query string of the export: the list's filters, `since` and `until` (creation),
/// `separator`; every bad member named. The list's paging members (`cursor`, `limit`) have
/// no sense here and are refused.
pub fn parse(
    state: &AppState,
    user: &SessionUser,
    pairs: &HashMap<String, String>,
) -> ApiResult<Export> {
    let mut errors = Vec::new();
    let mut list_pairs = HashMap::new();
    let mut period = Vec::new();
    let mut separator = CsvSeparator::default();
    for (name, value) in pairs {
        let value = value.trim();
        match name.as_str() {
            "since" | "until" => match moment(value, state.settings.time_zone) {
                Some(at) if name == "since" => period.push(tickets::Column::CreatedAt.gte(at)),
                Some(at) => period.push(tickets::Column::CreatedAt.lt(at)),
                None => errors.push(FieldError::new(
                    name,
                    "invalid",
                    "expected a date (2026-11-01) or an RFC 3339 time",
                )),
            },
            "separator" => match CsvSeparator::parse(value) {
                Some(chosen) => separator = chosen,
                None => errors.push(FieldError::new(
                    "separator",
                    "invalid_choice",
                    "expected comma, semicolon",
                )),
            },
            "cursor" | "limit" => errors.push(FieldError::new(
                name,
                "unknown_field",
                "the export is one file, without pages",
            )),
            _ => {
                list_pairs.insert(name.clone(), value.to_owned());
            }
        }
    }
    let query = match parse_list_query(&list_pairs) {
        Ok(query) => Some(query),
        Err(list_errors) => {
            errors.extend(list_errors);
            None
        }
    };
    let Some(query) = query.filter(|_| errors.is_empty()) else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(ApiError::Validation(errors));
    };
    let mut filter = list_filter(state, user, query_for_export(query), widest_scope(user))?;
    filter.conditions.extend(period);
    filter.limit = BATCH;
    Ok(Export { filter, separator })
}

fn query_for_export(query: TicketListQuery) -> TicketListQuery {
    TicketListQuery {
        cursor: None,
        limit: None,
        ..query
    }
}

/// Without a `scope`, everything the caller may see: every ticket for the support team,
/// their company's for a referent, their own for a customer.
fn widest_scope(user: &SessionUser) -> Scope {
    if user.can(Permission::TicketsViewAll) {
        Scope::All
    } else if user.company_id.is_some() && user.can(Permission::TicketsViewCompany) {
        Scope::Company
    } else {
        Scope::Mine
    }
}

/// `2026-11-01` (midnight in `time_zone`) or an RFC 3339 time.
fn moment(value: &str, time_zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    let midnight = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)?;
    midnight
        .and_local_timezone(time_zone)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// Where the export stands between two batches.
struct Progress {
    state: actix_web::web::Data<AppState>,
    filter: ListFilter,
    separator: CsvSeparator,
    locale: Locale,
    done: bool,
}

/// The file: the byte order mark and the header, then one chunk per batch of tickets.
pub fn stream(
    state: actix_web::web::Data<AppState>,
    export: Export,
    locale: Locale,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> {
    let mut head = "\u{feff}".as_bytes().to_vec();
    let mut writer = writer(export.separator);
    let header = writer
        .write_record(HEADER)
        .map_err(ApiError::internal)
        .and_then(|()| writer.into_inner().map_err(ApiError::internal));
    let progress = Progress {
        state,
        filter: export.filter,
        separator: export.separator,
        locale,
        done: false,
    };
    let head = header.map(|header| {
        head.extend(header);
        Bytes::from(head)
    });
    futures_util::stream::once(async move { head.map_err(failed) }).chain(
        futures_util::stream::try_unfold(progress, |mut progress| async move {
            if progress.done {
                return Ok(None);
            }
            let (rows, next) = queries::list(&progress.state.db, progress.filter.clone())
                .await
                .map_err(failed)?;
            let chunk = write_rows(&progress, rows).await.map_err(failed)?;
            progress.done = next.is_none();
            progress.filter.after = next;
            Ok(Some((Bytes::from(chunk), progress)))
        }),
    )
}

fn writer(separator: CsvSeparator) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(separator.byte())
        .from_writer(Vec::with_capacity(64 * 1024))
}

/// An export cut short: logged, and the answer ends without its last bytes.
fn failed(cause: ApiError) -> actix_web::Error {
    tracing::error!(%cause, "ticket export failed");
    actix_web::error::ErrorInternalServerError("export failed")
}

/// The lines of `rows`.
async fn write_rows(progress: &Progress, rows: Vec<TicketRow>) -> ApiResult<Vec<u8>> {
    let mut writer = writer(progress.separator);
    let categories = progress
        .state
        .categories
        .with(&progress.state.db, rows.iter().map(|row| row.category_id))
        .await?;
    for row in rows {
        let person = |first: &Option<String>, last: &Option<String>, email: &Option<String>| {
            email.as_deref().map(|email| {
                crate::auth::extractor::person_name(
                    first.as_deref().unwrap_or_default(),
                    last.as_deref().unwrap_or_default(),
                    email,
                )
            })
        };
        let requester = person(
            &row.requester_first_name,
            &row.requester_last_name,
            &row.requester_email,
        );
        let assignee = person(
            &row.assignee_first_name,
            &row.assignee_last_name,
            &row.assignee_email,
        );
        let priority = guichet_types::priority(row.urgency, row.impact).to_string();
        let cells: [Cow<'_, str>; 16] = [
            Cow::Borrowed(row.number.as_str()),
            neutralised(&row.title),
            Cow::Borrowed(row.status.as_str()),
            Cow::Borrowed(row.kind.as_str()),
            Cow::Borrowed(row.urgency.as_str()),
            Cow::Borrowed(row.impact.as_str()),
            Cow::Owned(priority),
            neutralised(
                categories
                    .name(row.category_id, progress.locale)
                    .unwrap_or_default(),
            ),
            neutralised(row.company_name.as_deref().unwrap_or_default()),
            neutralised(requester.as_deref().unwrap_or_default()),
            neutralised(row.requester_email.as_deref().unwrap_or_default()),
            neutralised(assignee.as_deref().unwrap_or_default()),
            Cow::Owned(time(Some(row.created_at))),
            Cow::Owned(time(Some(row.updated_at))),
            Cow::Owned(time(row.resolved_at)),
            Cow::Owned(time(row.closed_at)),
        ];
        writer
            .write_record(cells.iter().map(|cell| cell.as_bytes()))
            .map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

fn time(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// `cell`, with a `'` before it if a spreadsheet would read it as a formula.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The file's name: `tickets-2026-11-21.csv`, today in the server's time zone.
pub fn file_name(state: &AppState) -> String {
    let today = Utc::now()
        .with_timezone(&state.settings.time_zone)
        .date_naive();
    format!("tickets-{today}.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_text_kept() {
        for formula in ["=SUM(A1)", "+33 1 23", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralised(formula), format!("'{formula}"));
        }
        for text in ["Imprimante", "", "a=b", "T20261121.0001", "'déjà"] {
            assert_eq!(neutralised(text), text);
        }
    }

    #[test]
    fn a_period_is_a_date_in_the_server_s_zone_or_a_time() {
        let paris: chrono_tz::Tz = "Europe/Paris".parse().expect("zone");
        assert_eq!(
            moment("2026-11-01", paris).map(|t| t.to_rfc3339()),
            Some("2026-10-31T23:00:00+00:00".to_owned())
        );
        assert_eq!(
            moment("2026-11-01T08:00:00+01:00", paris).map(|t| t.to_rfc3339()),
            Some("2026-11-01T07:00:00+00:00".to_owned())
        );
        assert_eq!(moment("le 1er novembre", paris), None);
    }
}
