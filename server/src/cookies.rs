//! The cookies Carekeys sets: each holds a 256-bit secret whose hash is all
//! the database keeps. Over https they are `__Host-` prefixed and Secure, so
//! no subdomain and no plain-http page can plant one; always HttpOnly and
//! SameSite=Lax.

use crate::config::Config;
use crate::tokens::Secret;

#[derive(Clone, Copy, Debug)]
pub struct Cookie {
    name: &'static str,
    max_age_s: i64,
}

impl Cookie {
    /// The login session (product.md §6).
    pub const SESSION: Cookie = Cookie {
        name: "carekeys_session",
        max_age_s: crate::sessions::ABSOLUTE_LIFETIME_MS / 1000,
    };
    /// A login waiting for approval (product.md §6), as long as a request waits.
    pub const LOGIN_WAIT: Cookie = Cookie {
        name: "carekeys_login_wait",
        max_age_s: shared::login_request::WAIT_MS / 1000,
    };
    /// The browser itself, for device approval: as long as browsers keep a cookie (400 days).
    pub const DEVICE: Cookie = Cookie {
        name: "carekeys_device",
        max_age_s: 400 * 24 * 60 * 60,
    };

    pub fn name(&self, config: &Config) -> String {
        // `__Host-` requires Secure, which a browser refuses over plain HTTP.
        if config.secure_cookies() {
            format!("__Host-{}", self.name)
        } else {
            self.name.to_owned()
        }
    }

    fn attributes(&self, config: &Config, max_age_s: i64) -> String {
        let secure = if config.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        format!("Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
    }

    /// The `Set-Cookie:` value that gives the browser `secret`.
    pub fn set(&self, config: &Config, secret: &Secret) -> String {
        format!(
            "{}={}; {}",
            self.name(config),
            secret.expose(),
            self.attributes(config, self.max_age_s)
        )
    }

    /// The `Set-Cookie:` value that makes the browser forget it.
    pub fn clear(&self, config: &Config) -> String {
        format!("{}=; {}", self.name(config), self.attributes(config, 0))
    }

    /// The secret among a request's `Cookie:` headers.
    pub fn read(&self, config: &Config, headers: &http::HeaderMap) -> Option<Secret> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|header| self.read_header(config, header))
    }

    /// The secret in one `Cookie:` header.
    pub fn read_header(&self, config: &Config, header: &str) -> Option<Secret> {
        let name = self.name(config);
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| Secret::from_presented(v))
            .filter(|s| !s.expose().is_empty())
    }
}
