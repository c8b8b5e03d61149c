//! Webhooks (admins): endpoints, their secret, deliveries, redelivery and test events.
use guichet_types::{
    NewWebhook, Webhook, WebhookDelivery, WebhookDeliveryId, WebhookDeliveryPage, WebhookId,
    WebhookPage, WebhookUpdate, WebhookWithSecret,
};
use reqwest::Method;

use crate::{patch_body, without_nulls, Client, ClientError};

/// Where a page of a list starts and how long it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageAt {
    pub cursor: Option<String>,
    pub limit: Option<u64>,
}

impl PageAt {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("cursor", self.cursor.clone()),
            ("limit", self.limit.map(|l| l.to_string())),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect()
    }
}

impl Client {
    /// Admins: a page of the endpoints, newest first.
    pub async fn webhooks(&self, page: &PageAt) -> Result<WebhookPage, ClientError> {
        Self::send(
            self.request(Method::GET, "/api/v1/webhooks")
                .query(&page.to_pairs()),
        )
        .await
    }

    /// Admins: registers an endpoint; the answer alone carries its secret.
    pub async fn create_webhook(
        &self,
        webhook: &NewWebhook,
    ) -> Result<WebhookWithSecret, ClientError> {
        Self::send(
            self.request(Method::POST, "/api/v1/webhooks")
                .json(&without_nulls(webhook)),
        )
        .await
    }

    pub async fn webhook(&self, id: WebhookId) -> Result<Webhook, ClientError> {
        Self::send(self.request(Method::GET, &format!("/api/v1/webhooks/{id}"))).await
    }

    /// Admins: the members given change; `company_id: Some(None)` sends every ticket.
    pub async fn update_webhook(
        &self,
        id: WebhookId,
        update: &WebhookUpdate,
    ) -> Result<Webhook, ClientError> {
        let body = patch_body(update, &[("company_id", update.company_id == Some(None))]);
        Self::send(
            self.request(Method::PATCH, &format!("/api/v1/webhooks/{id}"))
                .json(&body),
        )
        .await
    }

    pub async fn delete_webhook(&self, id: WebhookId) -> Result<(), ClientError> {
        Self::send_empty(self.request(Method::DELETE, &format!("/api/v1/webhooks/{id}"))).await
    }

    /// Admins: a new secret; the previous one signs too for 24 hours.
    pub async fn rotate_webhook_secret(
        &self,
        id: WebhookId,
    ) -> Result<WebhookWithSecret, ClientError> {
        Self::send(self.request(Method::POST, &format!("/api/v1/webhooks/{id}/secret"))).await
    }

    /// Admins: a page of the endpoint's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        id: WebhookId,
        page: &PageAt,
    ) -> Result<WebhookDeliveryPage, ClientError> {
        Self::send(
            self.request(Method::GET, &format!("/api/v1/webhooks/{id}/deliveries"))
                .query(&page.to_pairs()),
        )
        .await
    }

    pub async fn redeliver_webhook(
        &self,
        id: WebhookId,
        delivery: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, ClientError> {
        Self::send(self.request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        ))
        .await
    }

    /// Admins: queues a test event (`ping`) to the endpoint.
    pub async fn test_webhook(&self, id: WebhookId) -> Result<WebhookDelivery, ClientError> {
        Self::send(self.request(Method::POST, &format!("/api/v1/webhooks/{id}/test"))).await
    }
}
