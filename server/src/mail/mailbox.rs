//! The local mailbox page: shown only when the development switch is on
//! (`CAREKEYS_DEV_MAILBOX=1`, never with an https base URL), while no SMTP
//! server is configured, and only to a browser on this machine — because it
//! holds sign-up and reset links.

use shared::mailbox::MailItem;

use crate::backend::{Backend, Caller};
use crate::error::{ServiceError, ServiceResult};
use crate::mail::outbox;

pub async fn recent(backend: &Backend, caller: &Caller) -> ServiceResult<Vec<MailItem>> {
    let local = caller
        .ip
        .as_deref()
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback());
    let config = &backend.config;
    if !config.dev_mailbox || config.smtp_url.is_some() || !local {
        return Err(ServiceError::NotFound);
    }
    let messages = outbox::recent(&backend.db, 100).await?;
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
}
