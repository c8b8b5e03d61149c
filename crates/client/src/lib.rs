//! A typed client of the Guichet API (`/api/v1`), used by the SPA, the integration tests and
//! integrators. Every method maps to one endpoint of SPEC.md; errors come back as the
//! server's problem answer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), guichet_client::ClientError> {
//! let mut client = guichet_client::Client::new("http://127.0.0.1:8080")?;
//! let tokens = client.login("claire@acme.test", "Demo-Guichet-2026!").await?;
//! client.set_access_token(Some(tokens.access_token));
//! let page = client.list_tickets(&Default::default()).await?;
//! # Ok(()) }
//! ```
mod articles;
mod support_access;
mod webhooks;
pub use webhooks::PageAt;

use guichet_types::{
    AccessRequest, AccessRequestAccount, AccessRequestId, AccountRecoveryRequest, Actor,
    Announcement, AnnouncementInput, ApiTokenPage, ApproveRequest, Asset, AssetId, AssetImport,
    AssetUpdate, AttachmentInfo, AuditEventPage, AuditQuery, Category, CategoryId, CategoryNode,
    CategoryUpdate, ChangePasswordRequest, Company, CompanyId, CompanyListQuery, CompanyPage,
    CompanyUpdate, Contact, ContactId, ContactPage, ContactUpdate, Contract, ContractId,
    ContractPage, ContractUpdate, CreatedApiToken, DeadJobPage, EmailAddress, EventFeed,
    EventFeedQuery, InboundResult, JobKindName, ListQuery, LoginRequest, NewApiToken, NewAsset,
    NewCategory, NewCompany, NewContact, NewContract, NewFollowup, NewServiceAccount, NewTicket,
    NewUser, PasswordLinkAccount, PasswordLinkToken, PasswordResetConfirm, PasswordResetRequest,
    Problem, Profile, ProfileUpdate, ReasonRequest, RefreshRequest, RefusedAccessRequestPage,
    RejectedMailPage, SatisfactionRequest, ServiceAccount, ServiceAccountPage, ServiceAccountPatch,
    ShareOutcome, ShareRequest, SolutionRequest, Ticket, TicketExportQuery, TicketListQuery,
    TicketNumber, TicketPage, TicketUpdate, TimelineEntry, TokenPair, User, UserId, UserListQuery,
    UserPage, UserUpdate,
};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::{de::DeserializeOwned, Serialize};

/// What a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with a problem (4xx or 5xx).
    #[error("{} {}: {}", .0.status, .0.code, .0.detail.as_deref().unwrap_or(&.0.title))]
    Api(Box<Problem>),
    /// The request did not get an answer, or the answer was not what the API promises.
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("invalid base URL: {0}")]
    BaseUrl(String),
}

impl ClientError {
    /// The problem the server answered with, if any.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Api(problem) => Some(problem),
            _ => None,
        }
    }

    /// The HTTP status of a problem answer.
    pub fn status(&self) -> Option<u16> {
        self.problem().map(|p| p.status)
    }
}

/// An answer kept whole, for callers that need headers or raw bodies.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }
}

/// A client of one Guichet server, optionally signed in.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    access_token: Option<String>,
    idempotency_key: Option<String>,
}

impl Client {
    /// `base` is the server's origin, e.g. `https://support.example.com`.
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::BaseUrl(base));
        }
        Ok(Self {
            http: reqwest::Client::new(),
            base,
            access_token: None,
            idempotency_key: None,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn set_access_token(&mut self, token: Option<String>) {
        self.access_token = token;
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }

    /// A copy of this client signed in with `token`.
    pub fn with_access_token(&self, token: impl Into<String>) -> Self {
        Self {
            access_token: Some(token.into()),
            ..self.clone()
        }
    }

    /// A copy of this client that sends `Idempotency-Key: key` (ticket creation and
    /// follow-ups honour it: a retry with the same key returns the first answer).
    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Self {
        Self {
            idempotency_key: Some(key.into()),
            ..self.clone()
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut builder = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.access_token {
            builder = builder.bearer_auth(token);
        }
        if let Some(key) = &self.idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        builder
    }

    async fn send<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ClientError> {
        let response = Self::check(builder.send().await?).await?;
        Ok(response.json().await?)
    }

    async fn send_empty(builder: RequestBuilder) -> Result<(), ClientError> {
        Self::check(builder.send().await?).await?;
        Ok(())
    }

    async fn check(response: reqwest::Response) -> Result<reqwest::Response, ClientError> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let bytes = response.bytes().await?;
        let problem =
            serde_json::from_slice::<Problem>(&bytes).unwrap_or_else(|_| fallback_problem(status));
        Err(ClientError::Api(Box::new(problem)))
    }

    /// Sends any request and keeps the whole answer (status, headers, body), whatever the status.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, ClientError> {
        let headers: Vec<(&str, &str)> = content_type
            .map(|value| vec![("Content-Type", value)])
            .unwrap_or_default();
        self.raw_with_headers(method, path, &headers, body).await
    }

    /// `raw` with any request headers (`Origin`, `If-Match`, `Content-Type`…).
    pub async fn raw_with_headers(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, ClientError> {
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| ClientError::BaseUrl(method.to_owned()))?;
        let mut builder = self.request(method, path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        Self::into_raw(builder.send().await?).await
    }

    /// The whole answer: status, headers, body.
    async fn into_raw(response: reqwest::Response) -> Result<RawResponse, ClientError> {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let body = response.bytes().await?.to_vec();
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// Sends a JSON value as is, for bodies the typed methods cannot express.
    pub async fn raw_json(
        &self,
        method: &str,
        path: &str,
        body: &impl Serialize,
    ) -> Result<RawResponse, ClientError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ClientError::BaseUrl(e.to_string()))?;
        self.raw(method, path, Some("application/json"), Some(bytes))
            .await
    }

    // --- auth -------------------------------------------------------------------------

    pub async fn login(&self, email: &str, password: &str) -> Result<TokenPair, ClientError> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        Self::send(self.request(Method::POST, "/api/v1/auth/login").json(&body)).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, ClientError> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        Self::send(
            self.request(Method::POST, "/api/v1/auth/refresh")
                .json(&body),
        )
        .await
    }

    pub async fn logout(&self, refresh_token: &str) -> Result<(), ClientError> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        Self::send_empty(
            self.request(Method::POST, "/api/v1/auth/logout")
                .json(&body),
        )
        .await
    }

    pub async fn me(&self) -> Result<Profile, ClientError> {
        Self::send(self.request(Method::GET, "/api/v1/me")).await
    }

    pub async fn update_me(&self, update: &ProfileUpdate) -> Result<Profile, ClientError> {
        Self::send(
            self.request(Method::PATCH, "/api/v1/me")
                .json(&without_nulls(update)),
        )
        .await
    }

    pub async fn change_password(
        &self,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), ClientError> {
        let body = ChangePasswordRequest {
            current_password: current_password.to_owned(),
            new_password: new_password.to_owned(),
        };
        Self::send_empty(
            self.request(Method::POST, "/api/v1/me/password")
                .json(&body),
        )
        .await
    }

    // --- reference data -----------------------------------------------------------------

    pub async fn categories(&self) -> Result<Vec<CategoryNode>, ClientError> {
        Self::send(self.request(Method::GET, "/api/v1/categories")).await
    }

    /// Admins: the whole tree, retired categories included, with both names.
    pub async fn all_categories(&self) -> Result<Vec<CategoryNode>, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/categories")
                .query(&[("all", "true")]),
        )
        .await
    }

    /// Admins: add a category.
    pub async fn create_category(&self, input: &NewCategory) -> Result<Category, ClientError> {
        Self::send(self.request(Method::POST, "/api/v1/categories").json(input)).await
    }

    /// Admins: change a category; the members given change.
    pub async fn update_category(
        &self,
        id: CategoryId,
        update: &CategoryUpdate,
    ) -> Result<Category, ClientError> {
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/categories/{id}"))
                .json(update),
        )
        .await
    }

    /// Support team: the agents and admins.
    pub async fn staff(&self) -> Result<Vec<Actor>, ClientError> {
        Self::send(self.request(Method::GET, "/api/v1/staff")).await
    }

    pub async fn assets(&self) -> Result<Vec<Asset>, ClientError> {
        Self::send(self.request(Method::GET, "/api/v1/assets")).await
    }

    /// Support team: a company's assets; admins may ask for the retired ones too (`all`).
    pub async fn company_assets(
        &self,
        company_id: CompanyId,
        all: bool,
    ) -> Result<Vec<Asset>, ClientError> {
        let company = company_id.to_string();
        let mut query = vec![("company_id", company.as_str())];
        if all {
            query.push(("all", "true"));
        }
        Self::send(self.request(Method::GET, "/api/v1/assets").query(&query)).await
    }

    /// Admins: add an asset.
    pub async fn create_asset(&self, input: &NewAsset) -> Result<Asset, ClientError> {
        Self::send(self.request(Method::POST, "/api/v1/assets").json(input)).await
    }

    /// Admins: change an asset; the members given change.
    pub async fn update_asset(
        &self,
        id: AssetId,
        update: &AssetUpdate,
    ) -> Result<Asset, ClientError> {
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/assets/{id}"))
                .json(update),
        )
        .await
    }

    /// Admins: add every asset of a CSV file to a company, or none.
    pub async fn import_assets(
        &self,
        company_id: CompanyId,
        csv: impl Into<Vec<u8>>,
    ) -> Result<AssetImport, ClientError> {
        Self::send(
            self.request(
                Method::POST,
                &format!("/api/v1/companies/{company_id}/assets/import"),
            )
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv.into()),
        )
        .await
    }

    // --- tickets ------------------------------------------------------------------------

    pub async fn create_ticket(&self, ticket: &NewTicket) -> Result<Ticket, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/tickets")
                .json(&without_nulls(ticket)),
        )
        .await
    }

    pub async fn list_tickets(&self, query: &TicketListQuery) -> Result<TicketPage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/tickets")
                .query(&query.to_pairs()),
        )
        .await
    }

    pub async fn ticket(&self, number: &TicketNumber) -> Result<Ticket, ClientError> {
        Self::send(self.request(Method::GET, &format!("/api/v1/tickets/{number}"))).await
    }

    pub async fn timeline(&self, number: &TicketNumber) -> Result<Vec<TimelineEntry>, ClientError> {
        Self::send(self.request(Method::GET, &format!("/api/v1/tickets/{number}/timeline"))).await
    }

    // --- the ticket's life -------------------------------------------------------------

    /// The ticket and its current `ETag`, for `update_ticket`.
    pub async fn ticket_with_etag(
        &self,
        number: &TicketNumber,
    ) -> Result<(Ticket, String), ClientError> {
        let response = Self::check(
            self.request(Method::GET, &format!("/api/v1/tickets/{number}"))
                .send()
                .await?,
        )
        .await?;
        let etag = etag_of(&response);
        Ok((response.json().await?, etag))
    }

    /// Agents change status, assignee (`Some(None)` unassigns), category or impact; the
    /// requester changes `notify` and `notify_email`. `if_match` is the ETag the change was
    /// based on; a stale one is refused (412). Returns the ticket and its new ETag.
    pub async fn update_ticket(
        &self,
        number: &TicketNumber,
        update: &TicketUpdate,
        if_match: &str,
    ) -> Result<(Ticket, String), ClientError> {
        let builder = self
            .request(Method::PATCH, &format!("/api/v1/tickets/{number}"))
            .header("If-Match", if_match)
            .json(&update_body(update));
        let response = Self::check(builder.send().await?).await?;
        let etag = etag_of(&response);
        Ok((response.json().await?, etag))
    }

    /// A public follow-up, or an internal note (agents).
    pub async fn add_followup(
        &self,
        number: &TicketNumber,
        followup: &NewFollowup,
    ) -> Result<TimelineEntry, ClientError> {
        Self::send(
            self.request(Method::POST, &format!("/api/v1/tickets/{number}/followups"))
                .json(&without_nulls(followup)),
        )
        .await
    }

    pub async fn propose_solution(
        &self,
        number: &TicketNumber,
        body: &str,
    ) -> Result<Ticket, ClientError> {
        let request = SolutionRequest {
            body: body.to_owned(),
        };
        Self::send(
            self.request(Method::POST, &format!("/api/v1/tickets/{number}/solution"))
                .json(&request),
        )
        .await
    }

    pub async fn approve_solution(
        &self,
        number: &TicketNumber,
        comment: Option<&str>,
    ) -> Result<Ticket, ClientError> {
        let request = ApproveRequest {
            comment: comment.map(str::to_owned),
        };
        let path = format!("/api/v1/tickets/{number}/solution/approve");
        Self::send(
            self.request(Method::POST, &path)
                .json(&without_nulls(&request)),
        )
        .await
    }

    pub async fn reject_solution(
        &self,
        number: &TicketNumber,
        reason: &str,
    ) -> Result<Ticket, ClientError> {
        self.with_reason(number, "solution/reject", reason).await
    }

    /// The requester closes their own ticket.
    pub async fn withdraw(
        &self,
        number: &TicketNumber,
        reason: &str,
    ) -> Result<Ticket, ClientError> {
        self.with_reason(number, "withdraw", reason).await
    }

    /// Agents reopen a closed ticket.
    pub async fn reopen(&self, number: &TicketNumber, reason: &str) -> Result<Ticket, ClientError> {
        self.with_reason(number, "reopen", reason).await
    }

    async fn with_reason(
        &self,
        number: &TicketNumber,
        action: &str,
        reason: &str,
    ) -> Result<Ticket, ClientError> {
        let request = ReasonRequest {
            reason: reason.to_owned(),
        };
        Self::send(
            self.request(Method::POST, &format!("/api/v1/tickets/{number}/{action}"))
                .json(&request),
        )
        .await
    }

    /// Shares the ticket with `email`; the answer says whether that person sees the ticket
    /// (an account of its company) or will only be notified (any other address).
    pub async fn share(
        &self,
        number: &TicketNumber,
        email: &EmailAddress,
    ) -> Result<ShareOutcome, ClientError> {
        let request = ShareRequest {
            email: email.clone(),
        };
        Self::send(
            self.request(Method::POST, &format!("/api/v1/tickets/{number}/watchers"))
                .json(&request),
        )
        .await
    }

    pub async fn unshare(&self, number: &TicketNumber, email: &str) -> Result<(), ClientError> {
        let path = format!(
            "/api/v1/tickets/{number}/watchers/{}",
            encode_path_segment(email)
        );
        Self::send_empty(self.request(Method::DELETE, &path)).await
    }

    /// The requester rates a closed ticket, once.
    pub async fn rate(
        &self,
        number: &TicketNumber,
        rating: u8,
        comment: Option<&str>,
    ) -> Result<Ticket, ClientError> {
        let request = SatisfactionRequest {
            rating,
            comment: comment.map(str::to_owned),
        };
        let path = format!("/api/v1/tickets/{number}/satisfaction");
        Self::send(
            self.request(Method::POST, &path)
                .json(&without_nulls(&request)),
        )
        .await
    }

    /// Uploads a file to the ticket (multipart, part `file`).
    pub async fn upload_attachment(
        &self,
        number: &TicketNumber,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<AttachmentInfo, ClientError> {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str(content_type)?;
        let form = reqwest::multipart::Form::new().part("file", part);
        Self::send(
            self.request(
                Method::POST,
                &format!("/api/v1/tickets/{number}/attachments"),
            )
            .multipart(form),
        )
        .await
    }

    pub async fn attachments(
        &self,
        number: &TicketNumber,
    ) -> Result<Vec<AttachmentInfo>, ClientError> {
        Self::send(self.request(
            Method::GET,
            &format!("/api/v1/tickets/{number}/attachments"),
        ))
        .await
    }

    /// The file, with its headers (`Content-Disposition` gives the name).
    pub async fn download_attachment(&self, id: i64) -> Result<RawResponse, ClientError> {
        self.raw("GET", &format!("/api/v1/attachments/{id}"), None, None)
            .await
    }
}

impl Client {
    // --- integrations: the event feed, exports --------------------------------------------

    /// The events after `query.after` that the caller may see, oldest first; keep
    /// `next_cursor` and pass it as `after` to the next call.
    pub async fn events(&self, query: &EventFeedQuery) -> Result<EventFeed, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/events")
                .query(&query.to_pairs()),
        )
        .await
    }

    /// The tickets of the list `query` describes, as a CSV file (UTF-8 with a BOM), whatever
    /// the status of the answer.
    pub async fn export_tickets_csv(
        &self,
        query: &TicketExportQuery,
    ) -> Result<RawResponse, ClientError> {
        let response = self
            .request(Method::GET, "/api/v1/exports/tickets.csv")
            .query(&query.to_pairs())
            .send()
            .await?;
        Self::into_raw(response).await
    }
}

impl Client {
    // --- accounts by email ---------------------------------------------------------------

    /// Asks for a password-reset link; accepted (202) whatever the address.
    pub async fn request_password_reset(&self, email: &EmailAddress) -> Result<(), ClientError> {
        let body = PasswordResetRequest {
            email: email.clone(),
        };
        Self::send_empty(
            self.request(Method::POST, "/api/v1/auth/password-reset")
                .json(&body),
        )
        .await
    }

    /// Sets a new password with the token of a reset or set-password link.
    /// The account a reset or set-password link's token is for; the token stays valid.
    pub async fn inspect_password_link(
        &self,
        token: &str,
    ) -> Result<PasswordLinkAccount, ClientError> {
        let body = PasswordLinkToken {
            token: token.to_owned(),
        };
        Self::send(
            self.request(Method::POST, "/api/v1/auth/password-reset/inspect")
                .json(&body),
        )
        .await
    }

    pub async fn confirm_password_reset(
        &self,
        token: &str,
        new_password: &str,
    ) -> Result<(), ClientError> {
        let body = PasswordResetConfirm {
            token: token.to_owned(),
            new_password: new_password.to_owned(),
        };
        Self::send_empty(
            self.request(Method::POST, "/api/v1/auth/password-reset/confirm")
                .json(&body),
        )
        .await
    }

    /// Asks for an account with a service code; accepted (202) whatever happens.
    pub async fn request_access(&self, request: &AccessRequest) -> Result<(), ClientError> {
        Self::send_empty(
            self.request(Method::POST, "/api/v1/access-requests")
                .json(request),
        )
        .await
    }

    /// Tells the support team one's account is lost (no sign-in needed): they get a ticket
    /// and contact the person. Accepted (202) with no body; 429 when sent too often.
    pub async fn request_account_recovery(
        &self,
        request: &AccountRecoveryRequest,
    ) -> Result<(), ClientError> {
        Self::send_empty(
            self.request(Method::POST, "/api/v1/account-recovery-requests")
                .json(&without_nulls(request)),
        )
        .await
    }
}

impl Client {
    // --- audit log ------------------------------------------------------------------------

    /// Admins: a page of the audit log, newest first.
    pub async fn audit_events(&self, query: &AuditQuery) -> Result<AuditEventPage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/audit-events")
                .query(query),
        )
        .await
    }

    // --- dead jobs -------------------------------------------------------------------------

    /// Admins: the jobs given up after their last attempt, newest first.
    pub async fn dead_jobs(
        &self,
        kind: Option<JobKindName>,
        cursor: Option<&str>,
    ) -> Result<DeadJobPage, ClientError> {
        let mut query: Vec<(&str, &str)> = Vec::new();
        if let Some(kind) = kind {
            query.push(("kind", kind.as_str()));
        }
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor));
        }
        Self::send(self.request(Method::GET, "/api/v1/dead-jobs").query(&query)).await
    }

    /// Admins: tries a dead job again, now.
    pub async fn retry_dead_job(&self, id: i64) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::POST, &format!("/api/v1/dead-jobs/{id}/retry"))).await
    }

    // --- announcements -------------------------------------------------------------------

    /// The current announcements for the caller (`all`: admins get every one).
    pub async fn announcements(&self, all: bool) -> Result<Vec<Announcement>, ClientError> {
        let query: &[(&str, &str)] = if all { &[("all", "true")] } else { &[] };
        Self::send(
            self.request(Method::GET, "/api/v1/announcements")
                .query(query),
        )
        .await
    }

    pub async fn create_announcement(
        &self,
        input: &AnnouncementInput,
    ) -> Result<Announcement, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/announcements")
                .json(input),
        )
        .await
    }

    pub async fn replace_announcement(
        &self,
        id: i64,
        input: &AnnouncementInput,
    ) -> Result<Announcement, ClientError> {
        Self::send(
            self.request(Method::PUT, &format!("/api/v1/announcements/{id}"))
                .json(input),
        )
        .await
    }

    pub async fn delete_announcement(&self, id: i64) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::DELETE, &format!("/api/v1/announcements/{id}"))).await
    }
}

impl Client {
    // --- reply by email --------------------------------------------------------------------

    /// For a mail gateway: hands over one raw received message with the gateway's token.
    pub async fn inbound_email(
        &self,
        gateway_token: &str,
        raw: Vec<u8>,
    ) -> Result<InboundResult, ClientError> {
        Self::send(
            self.http
                .post(format!("{}/api/v1/inbound-email", self.base))
                .bearer_auth(gateway_token)
                .header("Content-Type", "message/rfc822")
                .body(raw),
        )
        .await
    }

    /// Support team: a page of rejected mails, newest first.
    pub async fn rejected_mails(
        &self,
        cursor: Option<&str>,
        limit: Option<u64>,
    ) -> Result<RejectedMailPage, ClientError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        Self::send(
            self.request(Method::GET, "/api/v1/rejected-mails")
                .query(&query),
        )
        .await
    }

    /// Support team: a rejected mail, whole.
    pub async fn rejected_mail_raw(&self, id: i64) -> Result<Vec<u8>, ClientError> {
        let response = Self::check(
            self.request(Method::GET, &format!("/api/v1/rejected-mails/{id}/raw"))
                .send()
                .await?,
        )
        .await?;
        Ok(response.bytes().await?.to_vec())
    }
}

impl Client {
    // --- administration: companies, contacts, contracts, the audit log --------------------

    /// Support team: a page of companies, by name.
    pub async fn companies(&self, query: &CompanyListQuery) -> Result<CompanyPage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/companies")
                .query(&query.to_pairs()),
        )
        .await
    }

    /// Support team: every company, by name, page after page.
    pub async fn all_companies(&self) -> Result<Vec<Company>, ClientError> {
        let mut query = CompanyListQuery {
            limit: Some(guichet_types::LIST_LIMIT_MAX),
            ..Default::default()
        };
        let mut all = Vec::new();
        loop {
            let page = self.companies(&query).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => return Ok(all),
            }
        }
    }

    /// Support team: one company.
    pub async fn company(&self, id: CompanyId) -> Result<Company, ClientError> {
        Self::send(self.request(Method::GET, &format!("/api/v1/companies/{id}"))).await
    }

    /// Admins.
    pub async fn create_company(&self, company: &NewCompany) -> Result<Company, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/companies")
                .json(&without_nulls(company)),
        )
        .await
    }

    /// Admins: the members given change; `account_manager_id: Some(None)` removes the manager.
    pub async fn update_company(
        &self,
        id: CompanyId,
        update: &CompanyUpdate,
    ) -> Result<Company, ClientError> {
        let body = patch_body(
            update,
            &[(
                "account_manager_id",
                update.account_manager_id == Some(None),
            )],
        );
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/companies/{id}"))
                .json(&body),
        )
        .await
    }

    /// Support team: a page of the company's known contacts, by address.
    pub async fn contacts(
        &self,
        company: CompanyId,
        query: &ListQuery,
    ) -> Result<ContactPage, ClientError> {
        Self::send(
            self.request(
                Method::GET,
                &format!("/api/v1/companies/{company}/contacts"),
            )
            .query(&query.to_pairs()),
        )
        .await
    }

    /// Admins.
    pub async fn create_contact(
        &self,
        company: CompanyId,
        contact: &NewContact,
    ) -> Result<Contact, ClientError> {
        Self::send(
            self.request(
                Method::POST,
                &format!("/api/v1/companies/{company}/contacts"),
            )
            .json(&without_nulls(contact)),
        )
        .await
    }

    /// Admins.
    pub async fn update_contact(
        &self,
        id: ContactId,
        update: &ContactUpdate,
    ) -> Result<Contact, ClientError> {
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/contacts/{id}"))
                .json(&without_nulls(update)),
        )
        .await
    }

    /// Admins.
    pub async fn delete_contact(&self, id: ContactId) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::DELETE, &format!("/api/v1/contacts/{id}"))).await
    }

    /// Support team: a page of the company's contracts, newest first.
    pub async fn contracts(
        &self,
        company: CompanyId,
        query: &ListQuery,
    ) -> Result<ContractPage, ClientError> {
        Self::send(
            self.request(
                Method::GET,
                &format!("/api/v1/companies/{company}/contracts"),
            )
            .query(&query.to_pairs()),
        )
        .await
    }

    /// Admins.
    pub async fn create_contract(
        &self,
        company: CompanyId,
        contract: &NewContract,
    ) -> Result<Contract, ClientError> {
        Self::send(
            self.request(
                Method::POST,
                &format!("/api/v1/companies/{company}/contracts"),
            )
            .json(&without_nulls(contract)),
        )
        .await
    }

    /// Admins: the members given change; `ends_on: Some(None)` makes it open-ended.
    pub async fn update_contract(
        &self,
        id: ContractId,
        update: &ContractUpdate,
    ) -> Result<Contract, ClientError> {
        let body = patch_body(update, &[("ends_on", update.ends_on == Some(None))]);
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/contracts/{id}"))
                .json(&body),
        )
        .await
    }
}

impl Client {
    // --- people ----------------------------------------------------------------------------

    /// Support team: people, by last name (agents: customers and referents).
    pub async fn users(&self, query: &UserListQuery) -> Result<UserPage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/users")
                .query(&query.to_pairs()),
        )
        .await
    }

    /// Support team: creates an account, invited unless `send_invitation` is `false`.
    pub async fn create_user(&self, user: &NewUser) -> Result<User, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/users")
                .json(&without_nulls(user)),
        )
        .await
    }

    pub async fn user(&self, id: UserId) -> Result<User, ClientError> {
        Self::send(self.request(Method::GET, &format!("/api/v1/users/{id}"))).await
    }

    /// Changes the members given; `company_id: Some(None)` removes the company.
    pub async fn update_user(&self, id: UserId, update: &UserUpdate) -> Result<User, ClientError> {
        let mut body = without_nulls(update);
        if let (Some(None), serde_json::Value::Object(members)) = (update.company_id, &mut body) {
            members.insert("company_id".to_owned(), serde_json::Value::Null);
        }
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/users/{id}"))
                .json(&body),
        )
        .await
    }

    /// Mails the person a new invitation; the earlier links stop working.
    pub async fn send_user_invitation(&self, id: UserId) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::POST, &format!("/api/v1/users/{id}/invitation")))
            .await
    }

    /// Mails the person a password-reset link.
    pub async fn send_user_password_reset(&self, id: UserId) -> Result<(), ClientError> {
        let path = format!("/api/v1/users/{id}/password-reset");
        Self::send_empty(self.request(Method::POST, &path)).await
    }

    /// Lifts the sign-in throttle of the person's account.
    pub async fn lift_user_lockout(&self, id: UserId) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::DELETE, &format!("/api/v1/users/{id}/lockout"))).await
    }

    /// Support team: the refused access requests, newest first.
    pub async fn access_requests(
        &self,
        cursor: Option<&str>,
        limit: Option<u64>,
    ) -> Result<RefusedAccessRequestPage, ClientError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        Self::send(
            self.request(Method::GET, "/api/v1/access-requests")
                .query(&query),
        )
        .await
    }

    /// Support team: makes the account a refused access request asked for.
    pub async fn create_account_from_access_request(
        &self,
        id: AccessRequestId,
        account: &AccessRequestAccount,
    ) -> Result<User, ClientError> {
        Self::send(
            self.request(
                Method::POST,
                &format!("/api/v1/access-requests/{id}/account"),
            )
            .json(&without_nulls(account)),
        )
        .await
    }

    // --- API tokens and service accounts ------------------------------------------------

    /// The caller's tokens that are not revoked, newest first.
    pub async fn my_tokens(&self, cursor: Option<&str>) -> Result<ApiTokenPage, ClientError> {
        let query: Vec<(&str, &str)> = cursor.map(|c| vec![("cursor", c)]).unwrap_or_default();
        Self::send(self.request(Method::GET, "/api/v1/me/tokens").query(&query)).await
    }

    /// Makes a token for the caller; the answer alone carries its secret.
    pub async fn create_my_token(
        &self,
        token: &NewApiToken,
    ) -> Result<CreatedApiToken, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/me/tokens")
                .json(&without_nulls(token)),
        )
        .await
    }

    pub async fn revoke_my_token(&self, id: i64) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::DELETE, &format!("/api/v1/me/tokens/{id}"))).await
    }

    /// Admins: the service accounts, newest first.
    pub async fn service_accounts(
        &self,
        cursor: Option<&str>,
    ) -> Result<ServiceAccountPage, ClientError> {
        let query: Vec<(&str, &str)> = cursor.map(|c| vec![("cursor", c)]).unwrap_or_default();
        Self::send(
            self.request(Method::GET, "/api/v1/service-accounts")
                .query(&query),
        )
        .await
    }

    pub async fn service_account(&self, id: UserId) -> Result<ServiceAccount, ClientError> {
        Self::send(self.request(Method::GET, &format!("/api/v1/service-accounts/{id}"))).await
    }

    pub async fn create_service_account(
        &self,
        account: &NewServiceAccount,
    ) -> Result<ServiceAccount, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/service-accounts")
                .json(&without_nulls(account)),
        )
        .await
    }

    pub async fn update_service_account(
        &self,
        id: UserId,
        patch: &ServiceAccountPatch,
    ) -> Result<ServiceAccount, ClientError> {
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/service-accounts/{id}"))
                .json(&without_nulls(patch)),
        )
        .await
    }

    pub async fn service_account_tokens(
        &self,
        id: UserId,
        cursor: Option<&str>,
    ) -> Result<ApiTokenPage, ClientError> {
        let path = format!("/api/v1/service-accounts/{id}/tokens");
        let query: Vec<(&str, &str)> = cursor.map(|c| vec![("cursor", c)]).unwrap_or_default();
        Self::send(self.request(Method::GET, &path).query(&query)).await
    }

    pub async fn create_service_account_token(
        &self,
        id: UserId,
        token: &NewApiToken,
    ) -> Result<CreatedApiToken, ClientError> {
        let path = format!("/api/v1/service-accounts/{id}/tokens");
        Self::send(
            self.request(Method::POST, &path)
                .json(&without_nulls(token)),
        )
        .await
    }

    pub async fn revoke_service_account_token(
        &self,
        id: UserId,
        token_id: i64,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/service-accounts/{id}/tokens/{token_id}");
        Self::send_empty(self.request(Method::DELETE, &path)).await
    }
}

fn etag_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Percent-encodes everything but unreserved characters, for an email in a path.
fn encode_path_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A PATCH body: members left out are not changed, and `assignee_id: null` unassigns.
fn update_body(update: &TicketUpdate) -> serde_json::Value {
    let mut body = without_nulls(update);
    if let (Some(None), serde_json::Value::Object(members)) = (update.assignee_id, &mut body) {
        members.insert("assignee_id".to_owned(), serde_json::Value::Null);
    }
    body
}

/// A PATCH body: members left out are not changed, and each member named with `true` in
/// `cleared` is sent as `null` (it is set to nothing).
fn patch_body(update: &impl Serialize, cleared: &[(&str, bool)]) -> serde_json::Value {
    let mut body = without_nulls(update);
    if let serde_json::Value::Object(members) = &mut body {
        for (member, _) in cleared.iter().filter(|(_, cleared)| *cleared) {
            members.insert((*member).to_owned(), serde_json::Value::Null);
        }
    }
    body
}

/// Optional members are left out rather than sent as `null`.
fn without_nulls(value: &impl Serialize) -> serde_json::Value {
    drop_nulls(serde_json::to_value(value))
}

/// The part of `without_nulls` that is the same for every type: compiled once rather than
/// once per request type (it sorts the members into a map, which is a lot of WASM).
fn drop_nulls(value: Result<serde_json::Value, serde_json::Error>) -> serde_json::Value {
    match value {
        Ok(serde_json::Value::Object(map)) => {
            serde_json::Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        Ok(other) => other,
        Err(_) => serde_json::Value::Null,
    }
}

fn fallback_problem(status: StatusCode) -> Problem {
    Problem::new(
        status.as_u16(),
        "unexpected_answer",
        status.canonical_reason().unwrap_or("Error"),
    )
}
