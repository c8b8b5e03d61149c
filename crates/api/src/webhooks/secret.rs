//! Webhook secrets: made here, kept encrypted, and used to sign as Standard Webhooks says.
//!
//! A secret signs every request, so the server must read it back: it cannot be hashed like
//! API tokens. It is stored encrypted (XChaCha20-Poly1305, a random nonce per value) under a
//! key derived from the server's token key (`GUICHET_TOKEN_KEY` or `token.key`), which every
//! instance already shares; a database copy alone does not reveal the secrets. Changing the
//! token key makes the stored secrets unreadable: their endpoints then need a rotation.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;
use crate::error::{ApiError, ApiResult};

/// What the secrets shown to admins begin with.
pub const PREFIX: &str = "whsec_";
/// Random bytes of a secret (192 bits).
const SECRET_BYTES: usize = 24;
/// Marks the stored form (and its cipher), so that another may follow.
const STORED_PREFIX: &str = "x1:";

/// A new secret as admins see it: `whsec_` + base64 of random bytes.
pub fn generate() -> String {
    let bytes: [u8; SECRET_BYTES] = rand::random();
    format!("{PREFIX}{}", STANDARD.encode(bytes))
}

/// The signing key of a secret: the bytes after `whsec_`.
fn signing_key(secret: &str) -> ApiResult<Vec<u8>> {
    STANDARD
        .decode(secret.strip_prefix(PREFIX).unwrap_or(secret))
        .map_err(|_| ApiError::internal("a webhook secret is not base64"))
}

/// `v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}` for each secret, space-separated:
/// the `webhook-signature` header.
pub fn signature(secrets: &[String], id: &str, timestamp: i64, body: &[u8]) -> ApiResult<String> {
    let mut signatures = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&signing_key(secret)?)
            .map_err(ApiError::internal)?;
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        signatures.push(format!(
            "v1,{}",
            STANDARD.encode(mac.finalize().into_bytes())
        ));
    }
    Ok(signatures.join(" "))
}

/// Encrypts and decrypts the stored secrets with the key derived from the token key.
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl SecretBox {
    pub fn new(token_key: &Secret) -> Self {
        // A key of its own, so that the JWT key is never used as a cipher key.
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(token_key.expose())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        derive.update(b"guichet webhook secrets v1");
        let key = derive.finalize().into_bytes();
        Self {
            cipher: XChaCha20Poly1305::new(&key),
        }
    }

    /// The stored form of `secret`.
    pub fn seal(&self, secret: &str) -> ApiResult<String> {
        let nonce_bytes: [u8; 24] = rand::random();
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce_bytes), secret.as_bytes())
            .map_err(|_| ApiError::internal("encrypting a webhook secret failed"))?;
        let mut stored = nonce_bytes.to_vec();
        stored.extend(sealed);
        Ok(format!("{STORED_PREFIX}{}", STANDARD.encode(stored)))
    }

    /// The secret of its stored form.
    pub fn open(&self, stored: &str) -> ApiResult<String> {
        let unreadable =
            || ApiError::internal("a webhook secret does not decrypt (was the token key changed?)");
        let bytes = stored
            .strip_prefix(STORED_PREFIX)
            .and_then(|b64| STANDARD.decode(b64).ok())
            .filter(|bytes| bytes.len() > 24)
            .ok_or_else(unreadable)?;
        let (nonce, sealed) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce.try_into().map_err(|_| unreadable())?;
        let plain = self
            .cipher
            .decrypt(&XNonce::from(nonce), sealed)
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Secret {
        let mut settings = crate::config::Settings::from_map(
            &[("GUICHET_TOKEN_KEY".to_owned(), text.to_owned())]
                .into_iter()
                .collect(),
        )
        .expect("settings");
        settings.token_key.take().expect("key")
    }

    #[test]
    fn secrets_are_random_and_prefixed() {
        let secret = generate();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(signing_key(&secret).expect("base64").len(), SECRET_BYTES);
        assert_ne!(secret, generate());
    }

    #[test]
    fn sealed_secrets_open_with_the_same_key_only() {
        let keys = SecretBox::new(&key("an-example-key-that-is-long-enough-1234"));
        let secret = generate();
        let stored = keys.seal(&secret).expect("sealed");
        assert!(!stored.contains(&secret[PREFIX.len()..]));
        assert_ne!(
            stored,
            keys.seal(&secret).expect("sealed"),
            "a nonce per value"
        );
        assert_eq!(keys.open(&stored).expect("opened"), secret);
        let other = SecretBox::new(&key("another-example-key-that-is-long-enough"));
        assert!(other.open(&stored).is_err());
        assert!(keys.open("garbage").is_err());
    }

    #[test]
    fn the_signature_is_that_of_the_specification() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned();
        let body = br#"{"test": 2432232314}"#;
        let signed = signature(
            std::slice::from_ref(&secret),
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
        )
        .expect("signed");
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let both = signature(
            &[secret.clone(), secret],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
        )
        .expect("signed");
        assert_eq!(both.split(' ').count(), 2);
    }
}
