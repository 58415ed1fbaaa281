//! Delivers due messages from the outbox, one at a time, with retries.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

use super::outbox;
use super::transport::Transport;
use crate::clock::SharedClock;
use crate::db::Db;

/// What one pass delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Delivers every message due now; returns what happened.
pub async fn deliver_due(
    db: &Db,
    transport: &Transport,
    clock: &SharedClock,
) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    while let Some(message) = outbox::claim_due(db, clock.now_ms()).await? {
        match transport.deliver(&message).await {
            Ok(()) => {
                outbox::mark_sent(db, &message.id, clock.now_ms()).await?;
                pass.sent += 1;
            }
            Err(error) => {
                tracing::warn!(message = %message.id, attempt = message.attempts, %error, "mail delivery failed");
                match outbox::mark_failed(db, &message, &error, clock.now_ms()).await? {
                    outbox::Delivery::Failed => pass.failed += 1,
                    _ => pass.retrying += 1,
                }
            }
        }
    }
    Ok(pass)
}

/// Runs forever: a pass whenever something is queued (`wake`) and at least every
/// `interval`, which also picks up retries whose backoff has passed.
pub async fn run(
    db: Db,
    transport: Transport,
    clock: SharedClock,
    wake: Arc<Notify>,
    interval: Duration,
) {
    loop {
        if let Err(error) = deliver_due(&db, &transport, &clock).await {
            tracing::error!(%error, "outbox pass failed");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
}
