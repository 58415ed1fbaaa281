//! Configuration from environment variables. A handful of keys with defaults
//! that work out of the box (SQLite under ./data, mail kept locally), so a
//! plain function is clearer here than a configuration framework.

use std::num::NonZeroU32;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://…` (default) or `postgres://…`.
    pub database_url: String,
    /// Where links in emails point; never taken from a request's Host header.
    pub base_url: String,
    /// `smtp://`, `smtps://` or `smtp://…?tls=required`; without it mail is kept locally.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub data_dir: PathBuf,
    /// End-to-end runs only: time stands still until the suite moves it.
    pub test_clock: bool,
    /// Development only (`CAREKEYS_DEV_MAILBOX=1`, set by `make run`): the local
    /// mailbox page shows sign-up and reset links to a browser on this machine.
    pub dev_mailbox: bool,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` is believed
    /// (`CAREKEYS_TRUSTED_PROXIES`, e.g. `127.0.0.1, ::1`); none by default.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The audit chain's key (`CAREKEYS_AUDIT_KEY`, 64 hex digits); without it,
    /// `audit.key` in the data directory, created on first start. Several app
    /// servers on one database must share it.
    pub audit_key: Option<crate::audit::Key>,
    /// Invitation emails one practice may send in 24 hours (`CAREKEYS_INVITATIONS_PER_DAY`).
    pub invitations_per_day: i64,
    /// The most messages the outbox sends a second (`CAREKEYS_MAIL_PER_SECOND`,
    /// a mail provider's limit); none: as fast as the SMTP server takes them.
    pub mail_per_second: Option<NonZeroU32>,
}

/// A positive whole number from the variable `name`, if it is set.
fn positive(value: Option<String>, name: &'static str) -> Result<Option<NonZeroU32>, ConfigError> {
    value
        .map(|text| {
            text.trim().parse().map_err(|_| ConfigError::Invalid {
                name,
                why: format!("“{text}” is not a positive whole number"),
            })
        })
        .transpose()
}

/// One list of the largest size the Invite page takes, each day.
pub const INVITATIONS_PER_DAY: i64 = shared::addresses::MAX_ENTRIES as i64;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {why}")]
    Invalid { name: &'static str, why: String },
    #[error("{name} is required: {why}")]
    Missing { name: &'static str, why: String },
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The configuration the variables `lookup` finds describe.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("CAREKEYS_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/carekeys.db", data_dir.display()));
        let base_url = var("CAREKEYS_BASE_URL")
            .unwrap_or_else(|| "http://127.0.0.1:3000".into())
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "CAREKEYS_BASE_URL",
                why: "it must start with http:// or https://".into(),
            });
        }
        let mail_from = var("CAREKEYS_MAIL_FROM")
            .unwrap_or_else(|| "Carekeys <no-reply@carekeys.example>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid {
                name: "CAREKEYS_MAIL_FROM",
                why: "it must be an address like Name <a@b.org>".into(),
            });
        }
        let trusted_proxies = var("CAREKEYS_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split([',', ' '])
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse().map_err(|_| ConfigError::Invalid {
                    name: "CAREKEYS_TRUSTED_PROXIES",
                    why: format!("“{a}” is not an IP address"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let audit_key = var("CAREKEYS_AUDIT_KEY")
            .map(|text| {
                crate::audit::Key::from_hex(&text).ok_or(ConfigError::Invalid {
                    name: "CAREKEYS_AUDIT_KEY",
                    why: "it must be 64 hex digits (e.g. from `openssl rand -hex 32`)".into(),
                })
            })
            .transpose()?;
        let invitations_per_day = positive(
            var("CAREKEYS_INVITATIONS_PER_DAY"),
            "CAREKEYS_INVITATIONS_PER_DAY",
        )?
        .map_or(INVITATIONS_PER_DAY, |n| i64::from(n.get()));
        let mail_per_second =
            positive(var("CAREKEYS_MAIL_PER_SECOND"), "CAREKEYS_MAIL_PER_SECOND")?;
        let smtp_url = var("CAREKEYS_SMTP_URL");
        let dev_mailbox = var("CAREKEYS_DEV_MAILBOX").is_some_and(|v| v == "1");
        // An https address means people use it: their mail must leave this machine,
        // and nothing may show it in a page.
        if base_url.starts_with("https://") && smtp_url.is_none() {
            return Err(ConfigError::Missing {
                name: "CAREKEYS_SMTP_URL",
                why: "CAREKEYS_BASE_URL is https, so people rely on the mail Carekeys sends; \
                      without an SMTP server it would stay on this machine"
                    .into(),
            });
        }
        let test_clock = var("CAREKEYS_TEST_CLOCK").is_some_and(|v| v == "1");
        if base_url.starts_with("https://") && test_clock {
            return Err(ConfigError::Invalid {
                name: "CAREKEYS_TEST_CLOCK",
                why: "a clock the browser tests move cannot run a site people use (https CAREKEYS_BASE_URL)".into(),
            });
        }
        if base_url.starts_with("https://") && dev_mailbox {
            return Err(ConfigError::Invalid {
                name: "CAREKEYS_DEV_MAILBOX",
                why: "the development mailbox shows sign-up and reset links; it cannot be on with an https CAREKEYS_BASE_URL".into(),
            });
        }
        Ok(Config {
            database_url,
            base_url,
            smtp_url,
            mail_from,
            data_dir,
            test_clock,
            dev_mailbox,
            trusted_proxies,
            audit_key,
            invitations_per_day,
            mail_per_second,
        })
    }

    /// A local configuration around a SQLite file in `data_dir`, mail kept locally:
    /// what tests and benchmarks start from.
    pub fn local(data_dir: PathBuf) -> Config {
        Config {
            database_url: format!("sqlite://{}/carekeys.db", data_dir.display()),
            base_url: "http://127.0.0.1:3000".into(),
            smtp_url: None,
            mail_from: "Carekeys <no-reply@carekeys.test>".into(),
            data_dir,
            test_clock: false,
            dev_mailbox: false,
            trusted_proxies: Vec::new(),
            audit_key: None,
            invitations_per_day: INVITATIONS_PER_DAY,
            mail_per_second: None,
        }
    }

    /// Cookies get `Secure` and the `__Host-` prefix whenever the site is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// `scheme://host[:port]` of the base URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        match self.base_url[after_scheme..].find('/') {
            Some(slash) => &self.base_url[..after_scheme + slash],
            None => &self.base_url,
        }
    }

    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base_url, path_and_query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn out_of_the_box_mail_stays_local_and_the_mailbox_page_is_off() {
        let c = config(&[]).unwrap();
        assert!(c.smtp_url.is_none());
        assert!(!c.dev_mailbox);
        assert!(
            config(&[("CAREKEYS_DEV_MAILBOX", "1")])
                .unwrap()
                .dev_mailbox
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_a_clear_refusal() {
        let c = config(&[("CAREKEYS_TRUSTED_PROXIES", "127.0.0.1, ::1")]).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        let refused = config(&[("CAREKEYS_TRUSTED_PROXIES", "localhost")])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("CAREKEYS_TRUSTED_PROXIES") && refused.contains("localhost"));
    }

    #[test]
    fn an_https_site_needs_smtp_and_never_shows_the_mailbox() {
        let https = ("CAREKEYS_BASE_URL", "https://care.example.org");
        let smtp = ("CAREKEYS_SMTP_URL", "smtp://mail.example.org:587");
        let refused = config(&[https]).unwrap_err().to_string();
        assert!(refused.contains("CAREKEYS_SMTP_URL"), "{refused}");
        assert!(config(&[https, smtp]).is_ok());
        let refused = config(&[https, smtp, ("CAREKEYS_DEV_MAILBOX", "1")])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("CAREKEYS_DEV_MAILBOX"), "{refused}");
        let refused = config(&[https, smtp, ("CAREKEYS_TEST_CLOCK", "1")])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("CAREKEYS_TEST_CLOCK"), "{refused}");
    }

    #[test]
    fn the_mail_rate_is_a_positive_whole_number_or_a_clear_refusal() {
        assert!(config(&[]).unwrap().mail_per_second.is_none());
        let rate = config(&[("CAREKEYS_MAIL_PER_SECOND", " 50 ")]).unwrap();
        assert_eq!(rate.mail_per_second, NonZeroU32::new(50));
        for bad in ["0", "-3", "fast"] {
            let refused = config(&[("CAREKEYS_MAIL_PER_SECOND", bad)])
                .unwrap_err()
                .to_string();
            assert!(
                refused.contains("CAREKEYS_MAIL_PER_SECOND") && refused.contains(bad),
                "{refused}"
            );
        }
    }

    #[test]
    fn the_audit_key_is_64_hex_digits_or_a_clear_refusal() {
        let key = "0123456789abcdef".repeat(4);
        assert!(config(&[("CAREKEYS_AUDIT_KEY", &key)])
            .unwrap()
            .audit_key
            .is_some());
        assert!(config(&[]).unwrap().audit_key.is_none());
        let refused = config(&[("CAREKEYS_AUDIT_KEY", "secret")])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("CAREKEYS_AUDIT_KEY"), "{refused}");
    }
}
