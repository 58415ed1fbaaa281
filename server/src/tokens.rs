//! Secrets handed to people (session cookies, email links): 256 random bits,
//! shown once, and only their SHA-256 kept. The database is searched by that
//! hash, so a stored value is useless to whoever reads it and no comparison
//! ever touches the secret itself.

use base64::Engine;
use sha2::{Digest, Sha256};

/// A secret as given to its holder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn from_presented(text: &str) -> Self {
        Self(text.trim().to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_unique_and_hashed() {
        let a = Secret::generate();
        let b = Secret::generate();
        assert_ne!(a, b);
        // 32 bytes of base64 without padding: 43 characters, 256 bits.
        assert_eq!(a.expose().len(), 43);
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.expose());
        assert_eq!(Secret::from_presented(a.expose()).hash(), a.hash());
    }
}
