//! Delivers due messages from the outbox, with retries: it claims them in
//! batches and keeps several in flight over the SMTP connection pool, at
//! most as fast as the configured rate (product.md §10; a provider's limit
//! per second is the usual reason to set one).

use futures_util::stream::{self, StreamExt};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::outbox::{self, Claimed};
use super::sent_log::SentLog;
use super::transport::Transport;
use crate::clock::SharedClock;
use crate::db::Db;

/// Messages one worker claims at a time: a lease each, all sent before the next claim.
const CLAIM: i64 = 64;

/// How the worker sends.
#[derive(Clone, Copy, Debug)]
pub struct Throughput {
    /// The longest one send may take (shorter than the lease).
    pub deadline: Duration,
    /// Messages sent at once; the SMTP pool keeps as many connections.
    pub in_flight: usize,
    /// At most this many messages a second (`CAREKEYS_MAIL_PER_SECOND`); none: as fast as they go.
    pub per_second: Option<NonZeroU32>,
}

/// Connections in lettre's SMTP pool, and messages in flight.
pub const IN_FLIGHT: usize = 16;

impl Default for Throughput {
    fn default() -> Self {
        Throughput {
            deadline: outbox::SEND_DEADLINE,
            in_flight: IN_FLIGHT,
            per_second: None,
        }
    }
}

/// Spaces the starts of sends `1 / rate` apart, across passes.
#[derive(Debug)]
pub struct Pacer {
    gap: Option<Duration>,
    next: Option<Instant>,
}

impl Pacer {
    pub fn new(per_second: Option<NonZeroU32>) -> Self {
        Pacer {
            gap: per_second.map(|r| Duration::from_secs(1) / r.get()),
            next: None,
        }
    }

    /// When the next send may start, asked at `now`.
    pub fn slot(&mut self, now: Instant) -> Instant {
        let Some(gap) = self.gap else {
            return now;
        };
        let slot = self.next.map_or(now, |next| next.max(now));
        self.next = Some(slot + gap);
        slot
    }
}

/// What one pass delivered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

enum Outcome {
    Sent,
    Retrying,
    Failed,
}

/// Delivers every message due now; returns what happened.
pub async fn deliver_due(
    db: &Db,
    transport: &Transport,
    clock: &SharedClock,
    throughput: &Throughput,
) -> Result<Pass, sqlx::Error> {
    let pacer = Mutex::new(Pacer::new(throughput.per_second));
    deliver_paced(db, transport, clock, throughput, &pacer, None).await
}

async fn deliver_paced(
    db: &Db,
    transport: &Transport,
    clock: &SharedClock,
    throughput: &Throughput,
    pacer: &Mutex<Pacer>,
    sent_log: Option<&SentLog>,
) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass::default();
    loop {
        let batch = outbox::claim_due(db, clock.now_ms(), CLAIM).await?;
        if batch.is_empty() {
            return Ok(pass);
        }
        let outcomes: Vec<Result<Outcome, sqlx::Error>> = stream::iter(batch)
            .map(|message| {
                // Slots are handed out in claim order, as the stream asks for the next send.
                let slot = pacer
                    .lock()
                    .expect("the pacer is never poisoned: slot() cannot panic")
                    .slot(Instant::now());
                async move {
                    tokio::time::sleep_until(slot).await;
                    deliver_one(
                        db,
                        transport,
                        clock,
                        throughput.deadline,
                        &message,
                        sent_log,
                    )
                    .await
                }
            })
            .buffer_unordered(throughput.in_flight.max(1))
            .collect()
            .await;
        for outcome in outcomes {
            match outcome? {
                Outcome::Sent => pass.sent += 1,
                Outcome::Retrying => pass.retrying += 1,
                Outcome::Failed => pass.failed += 1,
            }
        }
        // Every message of the batch is marked: their lines have done their work.
        if let Some(Err(error)) = sent_log.map(SentLog::clear) {
            tracing::warn!(%error, "could not empty the sent log");
        }
    }
}

async fn deliver_one(
    db: &Db,
    transport: &Transport,
    clock: &SharedClock,
    deadline: Duration,
    message: &Claimed,
    sent_log: Option<&SentLog>,
) -> Result<Outcome, sqlx::Error> {
    let sent = tokio::time::timeout(deadline, transport.deliver(message))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", deadline.as_secs())));
    match sent {
        Ok(()) => {
            if let Some(Err(error)) = sent_log.map(|log| log.record(&message.id, message.attempts))
            {
                tracing::warn!(message = %message.id, %error, "could not note the message in the sent log");
            }
            let (id, attempts) = (&message.id, message.attempts);
            if !outbox::mark_sent(db, id, attempts, transport.keeps(), clock.now_ms()).await? {
                tracing::warn!(message = %message.id, "delivered after another worker took the message over");
            }
            Ok(Outcome::Sent)
        }
        Err(error) => {
            tracing::warn!(message = %message.id, attempt = message.attempts, %error, "mail delivery failed");
            Ok(
                match outbox::mark_failed(db, message, &error, clock.now_ms()).await? {
                    outbox::Delivery::Failed => Outcome::Failed,
                    _ => Outcome::Retrying,
                },
            )
        }
    }
}

/// Runs forever: a pass whenever something is queued (`wake`) and at least every
/// `interval`, which also picks up retries whose backoff has passed. First it
/// marks sent what `sent_log` says a server accepted before the last stop.
pub async fn run(
    db: Db,
    transport: Transport,
    clock: SharedClock,
    wake: Arc<Notify>,
    interval: Duration,
    throughput: Throughput,
    sent_log: Option<SentLog>,
) {
    let pacer = Mutex::new(Pacer::new(throughput.per_second));
    if let Some(log) = &sent_log {
        match log.replay(&db, transport.keeps(), clock.now_ms()).await {
            Ok(0) => {}
            Ok(marked) => tracing::info!(
                marked,
                "marked sent what the SMTP server accepted before the last stop"
            ),
            Err(error) => tracing::error!(%error, "could not replay the sent log"),
        }
    }
    loop {
        let log = sent_log.as_ref();
        if let Err(error) = deliver_paced(&db, &transport, &clock, &throughput, &pacer, log).await {
            tracing::error!(%error, "outbox pass failed");
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_start_one_gap_apart_and_never_before_they_are_asked_for() {
        let start = Instant::now();
        let mut pacer = Pacer::new(NonZeroU32::new(100));
        let gap = Duration::from_millis(10);
        assert_eq!(pacer.slot(start), start);
        assert_eq!(pacer.slot(start), start + gap);
        assert_eq!(pacer.slot(start), start + 2 * gap);
        // After a quiet while the next send goes at once, with no burst to catch up.
        let later = start + Duration::from_secs(5);
        assert_eq!(pacer.slot(later), later);
        assert_eq!(pacer.slot(later), later + gap);
    }

    #[test]
    fn without_a_rate_every_send_may_start_now() {
        let now = Instant::now();
        let mut pacer = Pacer::new(None);
        assert!((0..1000).all(|_| pacer.slot(now) == now));
    }
}
