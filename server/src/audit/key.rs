//! The chain's key, kept outside the database.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::tokens::hex;

/// The key of the chain: 32 random bytes, written as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Arc<[u8; 32]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the audit key {0}: {1}")]
    File(PathBuf, std::io::Error),
    #[error("the audit key in {0} is not 64 hex digits; restore it from your backup")]
    Damaged(PathBuf),
}

impl Key {
    pub fn generate() -> Key {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Key(Arc::new(bytes))
    }

    /// 64 hex digits, as `CAREKEYS_AUDIT_KEY` or the key file hold it.
    pub fn from_hex(text: &str) -> Option<Key> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(Key(Arc::new(bytes)))
    }

    /// The key in `file`, created (readable by this user only) on first start.
    pub fn load_or_create(file: &Path) -> Result<Key, KeyError> {
        let failed = |e| KeyError::File(file.to_owned(), e);
        match std::fs::read_to_string(file) {
            Ok(text) => Key::from_hex(&text).ok_or_else(|| KeyError::Damaged(file.to_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                use std::io::Write;
                let key = Key::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut out = options.open(file).map_err(failed)?;
                writeln!(out, "{}", hex(&key.0[..])).map_err(failed)?;
                out.sync_all().map_err(failed)?;
                Ok(key)
            }
            Err(e) => Err(failed(e)),
        }
    }

    pub(super) fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0[..]).expect("HMAC takes any key length")
    }
}
