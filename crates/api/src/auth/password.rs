//! Argon2id hashing, run off the async workers and bounded so that a burst of sign-ins
//! cannot take every core or exhaust memory.
use std::sync::Arc;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// The password hash of a locked account, such as the lost-account form's system account:
/// not a PHC string, so no password ever verifies against it.
pub const LOCKED_HASH: &str = "!";

pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so both cases take as long.
    dummy_hash: String,
}

impl Passwords {
    pub fn new() -> ApiResult<Self> {
        let parallel = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Self {
            permits: Arc::new(Semaphore::new(parallel)),
            dummy_hash: hash_now("guichet-dummy-password")?,
        })
    }

    pub async fn hash(&self, password: &str) -> ApiResult<String> {
        let password = password.to_owned();
        self.run(move || hash_now(&password)).await?
    }

    /// Checks `password` against `hash`, or against a dummy hash when there is no account
    /// or its hash is none (a locked system account's `!`), so every case takes as long.
    pub async fn verify(&self, hash: Option<&str>, password: &str) -> ApiResult<bool> {
        let hash = hash.filter(|h| PasswordHash::new(h).is_ok());
        let exists = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let matches = self.run(move || verify_now(&hash, &password)).await?;
        Ok(exists && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(ApiError::internal)
    }
}

fn hash_now(password: &str) -> ApiResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

fn verify_now(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let passwords = Passwords::new().expect("hasher");
        let hash = passwords.hash("Demo-Guichet-2026!").await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(passwords
            .verify(Some(&hash), "Demo-Guichet-2026!")
            .await
            .expect("verify"));
        assert!(!passwords
            .verify(Some(&hash), "demo-guichet-2026!")
            .await
            .expect("verify"));
        assert!(!passwords
            .verify(None, "Demo-Guichet-2026!")
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn a_locked_account_never_verifies() {
        let passwords = Passwords::new().expect("hasher");
        for attempt in ["!", "", "Demo-Guichet-2026!"] {
            let verified = passwords.verify(Some(LOCKED_HASH), attempt).await;
            assert!(!verified.expect("verify"));
        }
    }
}
