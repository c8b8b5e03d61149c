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
use guichet_types::{
    Asset, CategoryNode, ChangePasswordRequest, LoginRequest, NewTicket, Problem, Profile,
    ProfileUpdate, RefreshRequest, Ticket, TicketListQuery, TicketNumber, TicketPage,
    TimelineEntry, TokenPair,
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

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.base));
        match &self.access_token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
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
        let method = Method::from_bytes(method.as_bytes())
            .map_err(|_| ClientError::BaseUrl(method.to_owned()))?;
        let mut builder = self.request(method, path);
        if let Some(content_type) = content_type {
            builder = builder.header("Content-Type", content_type);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let response = builder.send().await?;
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

    pub async fn assets(&self) -> Result<Vec<Asset>, ClientError> {
        Self::send(self.request(Method::GET, "/api/v1/assets")).await
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
}

/// Optional members are left out rather than sent as `null`.
fn without_nulls(value: &impl Serialize) -> serde_json::Value {
    match serde_json::to_value(value) {
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
