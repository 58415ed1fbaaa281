//! argon2id at OWASP's parameters (19 MiB, 2 iterations, 1 lane). Hashing is
//! CPU-heavy and blocking: it runs on the blocking pool, at most a few at a
//! time, so a burst of logins cannot starve the async threads.
//!
//! Each permit owns one 19 MiB work area, allocated once and reused. With
//! argon2's own allocation every hash mallocs 19 MiB on whichever blocking
//! thread runs it, and glibc keeps the freed block in that thread's arena: a
//! burst of 50 logins left the server at 374–709 MB. Reusing the areas keeps
//! the memory for hashing at `parallel × 19 MiB`, whatever the burst.

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

use crate::error::{ServiceError, ServiceResult};

/// The memory one hash fills: `params().block_count()` blocks of 1 KiB.
type WorkArea = Vec<Block>;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// One work area per permit; a holder of a permit always finds one here.
    areas: Arc<Mutex<Vec<WorkArea>>>,
    /// Verified against when a login names nobody, so that answer takes as long as a wrong password.
    dummy_hash: Arc<str>,
}

fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("OWASP parameters are valid")
}

fn new_area(params: &Params) -> WorkArea {
    vec![Block::default(); params.block_count()]
}

/// Hashes into `area` and writes the PHC string (`$argon2id$v=19$m=…`).
fn hash_with(password: &str, area: &mut WorkArea) -> Result<String, argon2::password_hash::Error> {
    let params = params();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        Ok(argon.hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            out,
            &mut *area,
        )?)
    })?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string())
}

/// Recomputes `hash` for `password` in `area` (or a fresh area if the stored
/// parameters need more) and compares in constant time (`Output`'s equality).
fn verify_with(password: &str, hash: &str, area: &mut WorkArea) -> bool {
    let mut check = || -> Result<bool, argon2::password_hash::Error> {
        let parsed = PasswordHash::new(hash)?;
        let expected = parsed.hash.ok_or(argon2::password_hash::Error::Password)?;
        let salt = parsed.salt.ok_or(argon2::password_hash::Error::Password)?;
        let params = Params::try_from(&parsed)?;
        let argon = Argon2::new(
            Algorithm::try_from(parsed.algorithm)?,
            Version::try_from(parsed.version.unwrap_or(0x13))?,
            params.clone(),
        );
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
        let mut bigger;
        let blocks: &mut [Block] = if params.block_count() <= area.len() {
            &mut area[..params.block_count()]
        } else {
            bigger = new_area(&params);
            &mut bigger
        };
        let computed = Output::init_with(expected.len(), |out| {
            Ok(argon.hash_password_into_with_memory(
                password.as_bytes(),
                salt_bytes,
                out,
                &mut *blocks,
            )?)
        })?;
        Ok(computed == expected)
    };
    check().unwrap_or(false)
}

impl Passwords {
    /// `parallel` bounds concurrent hashes, and so the memory they hold (19 MiB each).
    pub fn new(parallel: usize) -> Self {
        let parallel = parallel.max(1);
        let params = params();
        let mut areas: Vec<WorkArea> = (0..parallel).map(|_| new_area(&params)).collect();
        let dummy =
            hash_with("carekeys-dummy-password", &mut areas[0]).expect("hashing a constant works");
        Self {
            permits: Arc::new(Semaphore::new(parallel)),
            areas: Arc::new(Mutex::new(areas)),
            dummy_hash: dummy.into(),
        }
    }

    /// Waits for a permit, runs `work` on the blocking pool with that permit's
    /// work area, and puts the area back.
    async fn with_area<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut WorkArea) -> T + Send + 'static,
    ) -> ServiceResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let areas = self.areas.clone();
        let mut area = areas
            .lock()
            .map_err(|_| ServiceError::Internal("password work areas poisoned".into()))?
            .pop()
            .ok_or_else(|| ServiceError::Internal("no password work area free".into()))?;
        let (result, area) = tokio::task::spawn_blocking(move || {
            let result = work(&mut area);
            (result, area)
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
        if let Ok(mut free) = areas.lock() {
            free.push(area);
        }
        Ok(result)
    }

    pub async fn hash(&self, password: &str) -> ServiceResult<String> {
        let password = password.to_owned();
        self.with_area(move |area| hash_with(&password, area))
            .await?
            .map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// True only if `hash` exists and matches; with no hash, spends the same time and says no.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let exists = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let matched = self
            .with_area(move |area| verify_with(&password, &hash, area))
            .await
            .unwrap_or(false);
        exists && matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher;

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
        assert!(!passwords.verify("anything", Some("not a hash")).await);
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_verify_and_vice_versa() {
        let passwords = Passwords::new(1);
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(
            passwords
                .verify("correct horse battery", Some(&theirs))
                .await
        );
        let ours = passwords.hash("correct horse battery").await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        use argon2::PasswordVerifier;
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        // A stored hash with more memory than a work area still verifies.
        let bigger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32 * 1024, 2, 1, None).unwrap(),
        )
        .hash_password(b"pw-with-more-memory", &salt)
        .unwrap()
        .to_string();
        assert!(passwords.verify("pw-with-more-memory", Some(&bigger)).await);
    }
}
