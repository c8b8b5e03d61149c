//! HTTP layer of the event feed: `GET /events`.
use std::collections::HashMap;

use actix_web::{get, web};
use guichet_types::{EventFeed, Problem};

use super::service;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::openapi::{NotSignedIn, PasswordChangeRequired};
use crate::state::AppState;

/// Parameters of the event feed (documentation of the query string).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the query string, which is parsed leniently by service::parse_query"
)]
pub struct FeedParams {
    /// The `next_cursor` (or an item's `cursor`) of an earlier read; absent: from the first
    /// event. A cursor of another list is a 422 naming `after`.
    after: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
    /// The events of this ticket only.
    #[param(example = "T20261121.0001")]
    ticket: Option<String>,
    /// The events of this company's tickets only.
    company_id: Option<i64>,
    /// Comma-separated event names (`followup,status_changed`); absent: every event.
    #[param(
        pattern = "^((created|followup|internal_note|attachment_added|status_changed|assigned|category_changed|impact_changed|solution_proposed|solution_approved|solution_rejected|withdrawn|auto_closed|reopened|shared|unshared|rated)(,(created|followup|internal_note|attachment_added|status_changed|assigned|category_changed|impact_changed|solution_proposed|solution_approved|solution_rejected|withdrawn|auto_closed|reopened|shared|unshared|rated))*)?$"
    )]
    events: Option<String>,
}

/// The event feed: every ticket event the caller may see, oldest first, after a cursor.
///
/// Store `next_cursor` and poll with it as `after`: each event comes exactly once, even one
/// whose change commits after a later one's (an event appears once no running change can
/// still precede it, so a long transaction on the server may delay it, never skip it).
/// `next_cursor` is the last item's cursor, or `after` itself when nothing new came; `null`
/// only when read from the start with nothing to see. The caller sees the events of the
/// tickets they may see (customers: their own and those shared with them; referents: their
/// company's; the support team: all), internal notes for the support team only.
#[utoipa::path(
    operation_id = "list_events",
    tag = "tickets",
    security(("bearer" = [])),
    params(FeedParams),
    responses(
        (status = 200, description = "The events after the cursor, oldest first", body = EventFeed),
        NotSignedIn,
        PasswordChangeRequired,
        (status = 422, description = "A bad cursor, limit, ticket number, company id or event name, each named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<HashMap<String, String>>,
) -> ApiResult<web::Json<EventFeed>> {
    let query = service::parse_query(&query).map_err(ApiError::Validation)?;
    Ok(web::Json(service::read(&state.db, &user, query).await?))
}
