//! Support access (issue 17): agents ask, the ticket's requester grants or revokes, agents
//! start and end assisted sessions (whose token `with_access_token` puts to use).
use guichet_types::{
    AssistedToken, SupportAccess, SupportAccessGrant, SupportAccessPage, TicketNumber,
};
use reqwest::Method;

use crate::{Client, ClientError, PageAt};

impl Client {
    /// The ticket's accesses, newest first (the support team and the requester).
    pub async fn ticket_support_accesses(
        &self,
        number: &TicketNumber,
        page: &PageAt,
    ) -> Result<SupportAccessPage, ClientError> {
        Self::send(
            self.request(
                Method::GET,
                &format!("/api/v1/tickets/{number}/support-access"),
            )
            .query(&page.to_pairs()),
        )
        .await
    }

    /// Agents: asks the ticket's requester for access to their account.
    pub async fn request_support_access(
        &self,
        number: &TicketNumber,
    ) -> Result<SupportAccess, ClientError> {
        Self::send(self.request(
            Method::POST,
            &format!("/api/v1/tickets/{number}/support-access"),
        ))
        .await
    }

    /// The caller's pending and granted accesses (the profile's panel).
    pub async fn my_support_accesses(
        &self,
        page: &PageAt,
    ) -> Result<SupportAccessPage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/me/support-access")
                .query(&page.to_pairs()),
        )
        .await
    }

    /// The ticket's requester grants access until `grant.until`.
    pub async fn grant_support_access(
        &self,
        id: i64,
        grant: &SupportAccessGrant,
    ) -> Result<SupportAccess, ClientError> {
        Self::send(
            self.request(Method::POST, &format!("/api/v1/support-access/{id}/grant"))
                .json(grant),
        )
        .await
    }

    /// The ticket's requester refuses a pending request or ends a granted access.
    pub async fn revoke_support_access(&self, id: i64) -> Result<SupportAccess, ClientError> {
        Self::send(self.request(Method::POST, &format!("/api/v1/support-access/{id}/revoke"))).await
    }

    /// Agents: starts an assisted session; its `access_token` acts as the customer.
    pub async fn start_support_session(&self, id: i64) -> Result<AssistedToken, ClientError> {
        Self::send(self.request(
            Method::POST,
            &format!("/api/v1/support-access/{id}/sessions"),
        ))
        .await
    }

    /// Ends the assisted session of this client's token, or (the agent's own token) their
    /// live sessions on the access.
    pub async fn end_support_session(&self, id: i64) -> Result<(), ClientError> {
        Self::send_empty(self.request(
            Method::DELETE,
            &format!("/api/v1/support-access/{id}/sessions/current"),
        ))
        .await
    }
}
