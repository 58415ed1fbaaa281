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

/// Delivers every message due now, giving each send at most `deadline`
/// (shorter than the lease); returns what happened.
pub async fn deliver_due(
    db: &Db,
    transport: &Transport,
    clock: &SharedClock,
    deadline: Duration,
) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    while let Some(message) = outbox::claim_due(db, clock.now_ms()).await? {
        let sent = tokio::time::timeout(deadline, transport.deliver(&message))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} s", deadline.as_secs())));
        match sent {
            Ok(()) => {
                if !outbox::mark_sent(db, &message, transport.keeps(), clock.now_ms()).await? {
                    tracing::warn!(message = %message.id, "delivered after another worker took the message over");
                }
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
        if let Err(error) = deliver_due(&db, &transport, &clock, outbox::SEND_DEADLINE).await {
            tracing::error!(%error, "outbox pass failed");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
}
