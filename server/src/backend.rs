//! Everything a service needs, built once at start-up and shared.

use std::sync::Arc;
use tokio::sync::Notify;

use shared::ids::AccountId;

use crate::audit::{self, Origin};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::Db;
use crate::passwords::Passwords;

#[derive(Clone)]
pub struct Backend {
    pub db: Db,
    pub clock: SharedClock,
    pub passwords: Passwords,
    pub config: Arc<Config>,
    /// Wakes the outbox worker after a commit that queued mail.
    pub mail_wake: Arc<Notify>,
    /// Keys the audit chain: from `CAREKEYS_AUDIT_KEY`, or the data directory's `audit.key`.
    pub audit_key: audit::Key,
}

impl Backend {
    pub fn new(db: Db, clock: SharedClock, config: Config) -> Result<Self, audit::KeyError> {
        let audit_key = match &config.audit_key {
            Some(key) => key.clone(),
            None => audit::Key::load_or_create(&config.data_dir.join("audit.key"))?,
        };
        Ok(Self {
            db,
            clock,
            passwords: Passwords::new(2),
            config: Arc::new(config),
            mail_wake: Arc::new(Notify::new()),
            audit_key,
        })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}

/// Where a request came from, for rate limits, sessions and the audit trail.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The browser's device cookie (product.md §6), when it sent one.
    pub device: Option<crate::tokens::Secret>,
}

impl Caller {
    /// The audit trail's "who and from where" for `account` acting through this request.
    pub fn as_actor(&self, account: AccountId) -> Origin {
        Origin {
            actor: Some(account),
            ip: self.ip.clone(),
        }
    }

    /// The audit trail's origin for someone who is not signed in (a link from an email).
    pub fn anonymous(&self) -> Origin {
        Origin {
            actor: None,
            ip: self.ip.clone(),
        }
    }

    /// The key rate limits use when the peer address is unknown (tests, proxies misconfigured).
    pub fn ip_key(&self) -> &str {
        self.ip.as_deref().unwrap_or("unknown")
    }
}
