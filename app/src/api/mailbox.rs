use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One message of the local mailbox page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailItem {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
}

/// The local mailbox, shown only while no SMTP server is configured and only to
/// a browser on this machine: it holds sign-up and reset links.
#[server(endpoint = "mailbox")]
pub async fn mailbox() -> Result<Vec<MailItem>, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let local = caller()
            .ip
            .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
            .is_some_and(|ip| ip.is_loopback());
        if backend.config.smtp_url.is_some() || !local {
            return Err(AppError::NotFound);
        }
        let messages = server::mail::outbox::recent(&backend.db, 100)
            .await
            .map_err(server::error::ServiceError::from)?;
        Ok(messages
            .into_iter()
            .map(|m| MailItem {
                status: format!("{:?}", m.delivery()),
                id: m.id,
                to: m.to_address,
                subject: m.subject,
                body: m.body_text,
            })
            .collect())
    })
    .await
}
