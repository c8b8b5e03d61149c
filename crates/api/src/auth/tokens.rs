//! Access tokens (short-lived JWTs, HS256 only) and refresh tokens (opaque, stored hashed).
use base64::Engine;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use guichet_types::UserId;

use crate::config::Secret;

pub const ACCESS_TOKEN_SECONDS: u64 = 15 * 60;
pub const REFRESH_TOKEN_DAYS: i64 = 14;
const ISSUER: &str = "guichet";
const AUDIENCE: &str = "guichet-api";
const ACCESS_TYPE: &str = "access";
/// The `typ` of an assisted session's token (support access): never taken for an access token.
const ASSISTED_TYPE: &str = "assisted";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session the token belongs to; revoking the session revokes the token.
    pub sid: i64,
    pub typ: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
}

/// The actor of an assisted token (RFC 8693 `act`): the agent acting as the subject.
#[derive(Debug, Serialize, Deserialize)]
pub struct ActClaim {
    pub sub: String,
}

/// An assisted session's token: `sub` is the customer, `act.sub` the agent, `sid` the
/// support session (checked in the database at each request).
#[derive(Debug, Serialize, Deserialize)]
pub struct AssistedClaims {
    pub sub: String,
    pub act: ActClaim,
    pub sid: i64,
    pub typ: String,
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub exp: u64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &Secret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
        }
    }

    pub fn issue_access(
        &self,
        user_id: UserId,
        session_id: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id,
            typ: ACCESS_TYPE.to_owned(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + ACCESS_TOKEN_SECONDS,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The claims of a valid access token: signature, algorithm, expiry, issuer, audience
    /// and type are all checked.
    pub fn verify_access(&self, token: &str) -> Option<Claims> {
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        (claims.typ == ACCESS_TYPE).then_some(claims)
    }
}

impl TokenKeys {
    /// The token of support session `session_id`: `customer` as the subject, `agent` as the
    /// actor, valid until `expires_at` (seconds since the epoch).
    pub fn issue_assisted(
        &self,
        customer: UserId,
        agent: UserId,
        session_id: i64,
        expires_at: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp().max(0) as u64;
        let claims = AssistedClaims {
            sub: customer.to_string(),
            act: ActClaim {
                sub: agent.to_string(),
            },
            sid: session_id,
            typ: ASSISTED_TYPE.to_owned(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: expires_at,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The claims of a valid assisted token (signature, expiry, issuer, audience, type).
    pub fn verify_assisted(&self, token: &str) -> Option<AssistedClaims> {
        let claims = decode::<AssistedClaims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        (claims.typ == ASSISTED_TYPE).then_some(claims)
    }
}

/// A new refresh token: 256 random bits, URL-safe. Only its hash is stored.
pub fn new_refresh_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_refresh_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        let mut settings = crate::config::Settings::from_map(
            &[("GUICHET_TOKEN_KEY".to_owned(), secret.to_owned())]
                .into_iter()
                .collect(),
        )
        .expect("settings");
        TokenKeys::new(&settings.token_key.take().expect("key"))
    }

    #[test]
    fn issued_tokens_verify_and_forged_ones_do_not() {
        let keys = keys("an-example-key-that-is-long-enough-1234");
        let token = keys.issue_access(UserId(7), 3).expect("token");
        let claims = keys.verify_access(&token).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.sid), ("7", 3));
        let other = self::keys("another-example-key-that-is-long-enough");
        assert!(other.verify_access(&token).is_none());
        assert!(keys.verify_access("not.a.token").is_none());
    }

    #[test]
    fn assisted_tokens_are_not_access_tokens_nor_the_reverse() {
        let keys = keys("an-example-key-that-is-long-enough-1234");
        let exp = chrono::Utc::now().timestamp() as u64 + 60;
        let assisted = keys
            .issue_assisted(UserId(7), UserId(2), 5, exp)
            .expect("token");
        let claims = keys.verify_assisted(&assisted).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.act.sub.as_str()), ("7", "2"));
        assert_eq!(claims.sid, 5);
        assert!(keys.verify_access(&assisted).is_none());
        let access = keys.issue_access(UserId(7), 3).expect("token");
        assert!(keys.verify_assisted(&access).is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert!(a.len() >= 43);
        assert_ne!(hash_refresh_token(&a), a);
    }
}
