//! Sign-in, tokens and password change.
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::password::validate_password;

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "claire@acme.test", "password": "Demo-Guichet-2026!"})))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    #[validate(length(min = 1, max = 254, message = "enter your email address"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    #[validate(length(min = 1, max = 1024, message = "enter your password"))]
    pub password: String,
}

/// A fresh pair of tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque token for `POST /auth/refresh`; it works once.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The account must change its password before anything else.
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 512))]
    #[validate(length(min = 1, max = 512, message = "a refresh token is required"))]
    pub refresh_token: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"current_password": "Demo-Guichet-2026!", "new_password": "Un-Nouveau-Secret-42"})))]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    #[validate(length(min = 1, max = 1024, message = "enter your current password"))]
    pub current_password: String,
    #[validate(custom(function = "validate_password"))]
    pub new_password: String,
}
