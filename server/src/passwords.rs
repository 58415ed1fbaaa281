//! argon2id at OWASP's parameters (19 MiB, 2 iterations, 1 lane). Hashing is
//! CPU-heavy and blocking: it runs on the blocking pool, at most a few at a
//! time, so a burst of logins cannot starve the async threads.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

use crate::error::{ServiceError, ServiceResult};

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when a login names nobody, so that answer takes as long as a wrong password.
    dummy_hash: Arc<str>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Passwords {
    /// `parallel` bounds concurrent hashes (19 MiB each).
    pub fn new(parallel: usize) -> Self {
        let dummy = hash_blocking("carekeys-dummy-password").expect("hashing a constant works");
        Self {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
            dummy_hash: dummy.into(),
        }
    }

    pub async fn hash(&self, password: &str) -> ServiceResult<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// True only if `hash` exists and matches; with no hash, spends the same time and says no.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let exists = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let matched = tokio::task::spawn_blocking(move || verify_blocking(&password, &hash))
            .await
            .unwrap_or(false);
        exists && matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_at_owasp_parameters() {
        let passwords = Passwords::new(2);
        let hash = passwords.hash("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(passwords.verify("correct horse battery", Some(&hash)).await);
        assert!(!passwords.verify("wrong horse battery", Some(&hash)).await);
        // The dummy hash's own password must not log anyone in.
        assert!(!passwords.verify("carekeys-dummy-password", None).await);
    }
}
