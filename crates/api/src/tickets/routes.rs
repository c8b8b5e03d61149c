//! HTTP layer of tickets: `/tickets`, `/tickets/{number}`, `/tickets/{number}/timeline`.
use std::collections::HashMap;

use actix_web::{delete, get, http::header, patch, post, web, HttpRequest, HttpResponse};
use guichet_types::{
    AccountRecoveryRequest, ApproveRequest, Level, NewFollowup, NewTicket, Problem, ReasonRequest,
    SatisfactionRequest, Scope, ShareOutcome, ShareRequest, SolutionRequest, Ticket, TicketKind,
    TicketNumber, TicketPage, TicketSort, TicketUpdate, TimelineEntry,
};

use super::lost_account;
use super::{actions, change, open, read, sharing};
use crate::auth::recovery_routes::preferred_locale;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::json::ValidJson;
use crate::openapi::{NotSignedIn, PasswordChangeRequired, TicketNotFound};
use crate::operations::client_address::client_address;
use crate::state::AppState;

/// Filters of the ticket list, and of its CSV export (documentation of the query string).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the query string, which is parsed leniently by read::parse_list_query"
)]
pub struct ListFilters {
    /// Comma-separated statuses, e.g. `new,in_progress`.
    #[param(
        pattern = "^((new|in_progress|waiting|resolved|closed)(,(new|in_progress|waiting|resolved|closed))*)?$"
    )]
    status: Option<String>,
    kind: Option<TicketKind>,
    /// `mine` (default for customers: requested by me; for agents: assigned to me),
    /// `company` (referents), `all` (agents, their default).
    scope: Option<Scope>,
    /// Full text: every word must start a word of the title or description (case and
    /// accents ignored). A ticket number (`T20261203.0003`, `t20261203.0003` or
    /// `20261203.0003`, as mail subjects show it) finds that ticket instead, if the caller
    /// may see it and it meets the other filters.
    q: Option<String>,
    /// `-updated_at` (default), `updated_at`, `-created_at`, `created_at`.
    sort: Option<TicketSort>,
    /// Agents only.
    company_id: Option<i64>,
    /// Agents only.
    assignee_id: Option<i64>,
    /// The tickets this person requested, among those the scope shows (a referent's
    /// `company` view of one colleague's tickets, for instance).
    requester_id: Option<i64>,
    /// Agents only.
    urgency: Option<Level>,
    /// Agents only.
    #[param(minimum = 1, maximum = 5)]
    priority: Option<u8>,
    /// The tickets changed at or after this time (RFC 3339, e.g. `2026-11-21T09:30:00Z`), for
    /// an integration's full re-sync; anything else is a 422 naming `updated_since`.
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The pages of the ticket list (documentation of the query string).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "documents the query string, which is parsed leniently by read::parse_list_query"
)]
pub struct ListPage {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size, 1 to 100 (default 25); anything else is a 422 naming `limit`.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// Open a ticket.
///
/// Customers open tickets for themselves, on the portal, while their company has a contract
/// valid today and in the categories it covers. Agents, not held to the customer's contracts,
/// name the customer with
/// `requester_id`, or the caller with `requester`: an address with an account is that
/// account (a customer or referent of the company named, else 422 on `requester.email`);
/// any other gets a customer account without a password, written with the ticket, invited
/// only when `requester.send_invitation` is `true`. An agent's ticket came by `phone` unless
/// `channel` says otherwise; customers send neither `requester` nor `channel` (422
/// `not_allowed`, as `requester_id`). Attachments are added afterwards with
/// `POST /tickets/{number}/attachments`.
#[utoipa::path(
    operation_id = "create_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "Makes retries safe: the same key and body get the first answer; 1 to 200 printable ASCII characters")),
    request_body = NewTicket,
    responses(
        (status = 201, description = "Created; `Location` gives its URL. Retried with the same `Idempotency-Key` and body, the first answer comes back and nothing more is created", body = Ticket,
            headers(("Location" = String, description = "/api/v1/tickets/{number}"))),
        NotSignedIn,
        (status = 403, description = "The password must be changed first (`password_change_required`); or the customer's company has no contract valid today (`no_valid_contract`, whose detail says how to reach the provider)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this key has not answered yet (`request_in_progress`); or a new caller's address got an account meanwhile (`conflict`, naming `requester.email`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid member, named (a customer's `category_id` outside their contracts is `not_covered`); or a key reused for another body", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    key: IdempotencyKey,
    body: ValidJson<NewTicket>,
) -> ApiResult<HttpResponse> {
    let (state, user) = (&state, &user);
    let answer = idempotency::once(
        state,
        user.id,
        "open_ticket",
        &key,
        &body.0,
        || async { created(open::create(state, user, body.0.clone()).await?) },
        |made| async move { created(open::created(state, user, made).await?) },
    )
    .await?;
    let number = answer.body["number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/tickets/{number}")))
        .json(answer.body))
}

/// A 201 answer of `resource`, as an idempotency key keeps it.
fn created(resource: impl serde::Serialize) -> ApiResult<Answer> {
    Ok(Answer {
        status: 201,
        body: serde_json::to_value(resource).map_err(ApiError::internal)?,
    })
}

/// List the tickets the caller may see, newest update first, by pages.
#[utoipa::path(
    operation_id = "list_tickets",
    tag = "tickets",
    security(("bearer" = [])),
    params(ListFilters, ListPage),
    responses(
        (status = 200, description = "A page of tickets", body = TicketPage),
        NotSignedIn,
        (status = 403, description = "A scope the caller may not use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tickets")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<HashMap<String, String>>,
) -> ApiResult<web::Json<TicketPage>> {
    let query = read::parse_list_query(&query).map_err(ApiError::Validation)?;
    Ok(web::Json(read::list(&state, &user, query).await?))
}

/// One ticket. A ticket the caller may not see is a 404, like one that does not exist.
#[utoipa::path(
    operation_id = "get_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    responses(
        (status = 200, description = "The ticket; `ETag` is its version, for `If-Match` on PATCH", body = Ticket,
            headers(("ETag" = String, description = "The ticket's version"))),
        NotSignedIn,
        PasswordChangeRequired,
        TicketNotFound,
    )
)]
#[get("/tickets/{number}")]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
) -> ApiResult<HttpResponse> {
    let versioned = read::get(&state, &user, &number).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, versioned.etag()))
        .json(versioned.ticket))
}

/// The ticket's history, oldest first. Customers never see internal notes.
#[utoipa::path(
    operation_id = "ticket_timeline",
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    responses(
        (status = 200, description = "The timeline", body = Vec<TimelineEntry>),
        NotSignedIn,
        PasswordChangeRequired,
        TicketNotFound,
    )
)]
#[get("/tickets/{number}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
) -> ApiResult<web::Json<Vec<TimelineEntry>>> {
    Ok(web::Json(
        super::timeline::timeline(&state, &user, &number).await?,
    ))
}

/// `"7"` or `W/"7"` → 7.
fn parse_if_match(req: &HttpRequest) -> ApiResult<Option<i64>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ApiError::PreconditionFailed)?;
    let version = text.trim().trim_start_matches("W/").trim_matches('"');
    version
        .parse()
        .map(Some)
        .map_err(|_| ApiError::PreconditionFailed)
}

/// Add a public follow-up, or (agents) an internal note.
///
/// A customer's follow-up on a `waiting` or `resolved` ticket puts it back `in_progress`;
/// an agent's public follow-up on a `new` ticket starts it. A closed ticket takes none.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(
        ("number" = String, Path, description = "Ticket number", example = "T20261121.0001"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "Makes retries safe: the same key and body get the first answer; 1 to 200 printable ASCII characters"),
    ),
    request_body = NewFollowup,
    responses(
        (status = 201, description = "The new timeline entry", body = TimelineEntry),
        NotSignedIn,
        PasswordChangeRequired,
        TicketNotFound,
        (status = 409, description = "The ticket is closed (`invalid_transition`, with `current_status`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members; `internal` from a customer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/followups")]
pub async fn add_followup(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    key: IdempotencyKey,
    body: ValidJson<NewFollowup>,
) -> ApiResult<HttpResponse> {
    let scope = format!("followups:{number}");
    let (state, user) = (&state, &user);
    let answer = idempotency::once(
        state,
        user.id,
        &scope,
        &key,
        &body.0,
        || async { created(actions::add_followup(state, user, &number, body.0.clone()).await?) },
        |made| async move { created(actions::followup_entry(state, made).await?) },
    )
    .await?;
    Ok(HttpResponse::Created().json(answer.body))
}

/// Change a ticket: agents its status, assignee, category or impact; the requester their
/// notifications.
///
/// Agents send `status` (`in_progress`, `waiting`), `assignee_id` (an active agent or admin,
/// or `null` to unassign; left out, unchanged), `category_id`, `impact`. Setting
/// `in_progress` on an unassigned ticket assigns it to the agent who does it. The requester
/// sends `notify` and `notify_email` only. Members that are not the caller's are a 422
/// naming each with `not_allowed`, and nothing changes.
///
/// Send the ETag of the ticket as `If-Match`: a change based on a stale version is refused
/// with 412 and changes nothing. Priority follows urgency and impact.
#[utoipa::path(
    operation_id = "update_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(
        ("number" = String, Path, description = "Ticket number", example = "T20261121.0001"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = TicketUpdate,
    responses(
        (status = 200, description = "The changed ticket, with its new ETag", body = Ticket, headers(("ETag" = String, description = "The new version"))),
        NotSignedIn,
        (status = 403, description = "A customer who is not the ticket's requester", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "A status change the lifecycle forbids (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ticket changed since that ETag (`precondition_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members, named; members that are not the caller's are `not_allowed`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match (`precondition_required`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tickets/{number}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    req: HttpRequest,
    body: ValidJson<TicketUpdate>,
) -> ApiResult<HttpResponse> {
    let if_match = parse_if_match(&req)?;
    let versioned = change::update(&state, &user, &number, body.0, if_match).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, versioned.etag()))
        .json(versioned.ticket))
}

/// Agents: propose a solution; the ticket becomes `resolved` until the customer answers.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = SolutionRequest,
    responses(
        (status = 200, description = "The resolved ticket", body = Ticket),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "Not open (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/solution")]
pub async fn propose_solution(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<SolutionRequest>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        actions::propose_solution(&state, &user, &number, body.0.body).await?,
    ))
}

/// The requester or a referent approves the solution: the ticket is `closed`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = ApproveRequest,
    responses(
        (status = 200, description = "The closed ticket", body = Ticket),
        (status = 403, description = "Neither the requester nor a referent", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "Not `resolved` (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/solution/approve")]
pub async fn approve_solution(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<ApproveRequest>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        actions::approve_solution(&state, &user, &number, body.0.comment).await?,
    ))
}

/// The requester or a referent rejects the solution, with a reason: back `in_progress`.
#[utoipa::path(
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The ticket, in progress again", body = Ticket),
        (status = 403, description = "Neither the requester nor a referent", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "Not `resolved` (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/solution/reject")]
pub async fn reject_solution(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        actions::reject_solution(&state, &user, &number, body.0.reason).await?,
    ))
}

/// The requester closes their own open ticket, with a reason.
#[utoipa::path(
    operation_id = "withdraw_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The closed ticket", body = Ticket),
        (status = 403, description = "Not the requester", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "Not open (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        actions::withdraw(&state, &user, &number, body.0.reason).await?,
    ))
}

/// Agents reopen a closed ticket, with a reason: back `in_progress`.
#[utoipa::path(
    operation_id = "reopen_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "The reopened ticket", body = Ticket),
        (status = 403, description = "Not an agent", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "Not closed (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<ReasonRequest>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        actions::reopen(&state, &user, &number, body.0.reason).await?,
    ))
}

/// Share the ticket with an email address.
///
/// An account of the ticket's company then sees the ticket; any other address only
/// receives its notifications. The answer is the same in both cases.
#[utoipa::path(
    operation_id = "share_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = ShareRequest,
    responses(
        PasswordChangeRequired,
        (status = 200, description = "Shared (or shared already: the same answer). `sees_ticket` is true for an account of the ticket's company, which now sees the ticket; false for any other address (another company's account or none), which only receives its notifications", body = ShareOutcome),
        TicketNotFound,
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/watchers")]
pub async fn share(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<ShareRequest>,
) -> ApiResult<HttpResponse> {
    let outcome = sharing::share(&state, &user, &number, &body.0.email).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Stop sharing the ticket with an address.
#[utoipa::path(
    operation_id = "unshare_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(
        ("number" = String, Path, description = "Ticket number", example = "T20261121.0001"),
        ("email" = String, Path, description = "The address to remove"),
    ),
    responses(
        PasswordChangeRequired,
        (status = 204, description = "No longer shared with that address"),
        TicketNotFound,
    )
)]
#[delete("/tickets/{number}/watchers/{email}")]
pub async fn unshare(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(TicketNumber, String)>,
) -> ApiResult<HttpResponse> {
    let (number, email) = path.into_inner();
    sharing::unshare(&state, &user, &number, &email).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The requester rates a closed ticket from 1 to 5, once.
#[utoipa::path(
    operation_id = "rate_ticket",
    tag = "tickets",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "Ticket number", example = "T20261121.0001")),
    request_body = SatisfactionRequest,
    responses(
        (status = 200, description = "The rated ticket", body = Ticket),
        (status = 403, description = "Not the requester", body = Problem, content_type = "application/problem+json"),
        TicketNotFound,
        (status = 409, description = "Not closed (`invalid_transition`) or rated already (`already_rated`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rating outside 1 to 5", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{number}/satisfaction")]
pub async fn rate(
    state: web::Data<AppState>,
    user: AuthUser,
    number: web::Path<TicketNumber>,
    body: ValidJson<SatisfactionRequest>,
) -> ApiResult<web::Json<Ticket>> {
    Ok(web::Json(
        actions::rate(&state, &user, &number, body.0).await?,
    ))
}

/// Tell the support team that one's support account is lost, without signing in.
///
/// For someone who lost their sign-in address and everything that would recover it (seed
/// 001). The support team gets a ticket listing every submitted detail, and the new-ticket
/// mail at the support address; they contact the person. The ticket's requester is the
/// account of the address given, or a new customer account without a password in the
/// company "Demandes sans compte" (in the language of `Accept-Language`), which receives
/// the acknowledgement and can set a password through the forgotten-password page. The
/// answer has no body. At most 5 requests per client address within an hour are taken;
/// past that, 429.
#[utoipa::path(
    tag = "auth",
    request_body = AccountRecoveryRequest,
    responses(
        (status = 202, description = "Accepted: the support team has the ticket and will contact the person"),
        (status = 422, description = "Every invalid member, named: `full_name` and `company_name` (one line, 1 to 200 characters), `email`, `phone` (optional; digits, spaces and `+ ( ) . - /`, at most 40), `message` (1 to 5000 characters); nothing is written", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this client; nothing is written", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
#[post("/account-recovery-requests")]
pub async fn request_account_recovery(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ValidJson<AccountRecoveryRequest>,
) -> ApiResult<HttpResponse> {
    let locale = preferred_locale(&req);
    lost_account::request(&state, body.0, &client_address(&req), locale).await?;
    Ok(HttpResponse::Accepted().finish())
}
