use leptos::prelude::*;
use shared::mailbox::MailItem;

use crate::error::AppError;

/// The local mailbox (see `server::mail::mailbox`).
#[server(endpoint = "mailbox")]
pub async fn mailbox() -> Result<Vec<MailItem>, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::mail::mailbox::recent(&r.backend, &r.caller).await }).await
}
