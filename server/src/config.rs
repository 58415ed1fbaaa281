//! Configuration from environment variables. A handful of keys with defaults
//! that work out of the box (SQLite under ./data, mail kept locally), so a
//! plain function is clearer here than a configuration framework.

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
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {why}")]
    Invalid { name: &'static str, why: String },
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
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
        Ok(Config {
            database_url,
            base_url,
            smtp_url: var("CAREKEYS_SMTP_URL"),
            mail_from,
            data_dir,
            test_clock: var("CAREKEYS_TEST_CLOCK").is_some_and(|v| v == "1"),
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
