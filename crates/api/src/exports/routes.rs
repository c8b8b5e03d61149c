//! HTTP layer of the exports: `GET /exports/tickets.csv`.
use std::collections::HashMap;

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{get, web, HttpResponse};
use guichet_types::Problem;

use super::tickets_csv;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::openapi::{NotSignedIn, PasswordChangeRequired};
use crate::state::AppState;
use crate::tickets::routes::ListFilters;

/// The export's own parameters (documentation of the query string).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the query string, which is parsed leniently by tickets_csv::parse"
)]
pub struct ExportParams {
    /// Tickets created at or after: a date (`2026-11-01`, midnight in the server's time zone)
    /// or an RFC 3339 time.
    since: Option<String>,
    /// Tickets created before (excluded), in the same forms.
    until: Option<String>,
    /// `comma` (default) or `semicolon`, for spreadsheets in French.
    #[param(pattern = "^(comma|semicolon)$")]
    separator: Option<String>,
}

/// The ticket list as a CSV file, for a spreadsheet.
///
/// Takes the list's filters (without `cursor` and `limit`: the file holds every ticket),
/// a period of creation and the separator. Without `scope`, everything the caller may see:
/// the support team every ticket, a referent their company's, a customer their own (and
/// those shared with them). In the list's order (`sort`, newest change first by default).
/// UTF-8 with a byte order mark; columns `number`, `title`, `status`, `kind`, `urgency`,
/// `impact`, `priority`, `category`, `company`, `requester`, `requester_email`, `assignee`,
/// `created_at`, `updated_at`, `resolved_at`, `closed_at`. Cells that begin with `=`, `+`,
/// `-`, `@`, a tab or a carriage return are prefixed with `'`, so no spreadsheet takes them
/// for formulas. The file is streamed; should the server fail midway, the answer ends early
/// (without the zero-length chunk that ends a complete one).
#[utoipa::path(
    operation_id = "export_tickets_csv",
    tag = "tickets",
    security(("bearer" = [])),
    params(ListFilters, ExportParams),
    responses(
        (status = 200, description = "The tickets, one per line after the header", body = String, content_type = "text/csv",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"tickets-2026-11-21.csv\""))),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 403, description = "A scope the caller may not use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports/tickets.csv")]
pub async fn tickets(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<HashMap<String, String>>,
) -> ApiResult<HttpResponse> {
    let export = tickets_csv::parse(&state, &user, &query)?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(tickets_csv::file_name(&state))],
    };
    let locale = user.locale;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .streaming(tickets_csv::stream(state, export, locale)))
}
