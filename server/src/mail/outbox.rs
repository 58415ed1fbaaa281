//! The transactional outbox: a message is a row committed with the change that
//! sends it; the worker claims rows with a lease so two servers never deliver
//! one message twice.

use serde::Serialize;
use shared::ids::{MessageId, PracticeId};
use uuid::Uuid;

use super::Email;
use crate::db::{Db, Tx};
use crate::{on_pool, on_tx};

pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed message is reserved for the worker that claimed it.
pub const LEASE_MS: i64 = 120_000;
/// A send that has not finished by then is abandoned (and retried), so it can
/// never still be going when the lease runs out and another worker takes over.
pub const SEND_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);
const _: () = assert!(SEND_DEADLINE.as_millis() < LEASE_MS as u128);
const FIRST_RETRY_MS: i64 = 30_000;
const MAX_RETRY_MS: i64 = 3_600_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Delivery {
    Queued,
    Sent,
    Failed,
}

impl Delivery {
    fn code(self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Delivery {
        match code {
            "sent" => Delivery::Sent,
            "failed" => Delivery::Failed,
            _ => Delivery::Queued,
        }
    }
}

/// Exponential backoff after the `attempts`-th failure: 30 s, 1 min, 2 min … at most 1 h.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20) as u32;
    FIRST_RETRY_MS
        .saturating_mul(1 << doublings)
        .min(MAX_RETRY_MS)
}

/// Queues `email` inside the caller's transaction.
pub async fn enqueue(
    tx: &mut Tx,
    practice: Option<PracticeId>,
    email: &Email,
    now_ms: i64,
) -> Result<MessageId, sqlx::Error> {
    let ids = enqueue_all(tx, practice, std::slice::from_ref(email), now_ms).await?;
    Ok(ids[0])
}

/// Rows per multi-row INSERT: well under both backends' limits on bound values.
const BATCH: usize = 500;

/// Queues many emails inside the caller's transaction, in batches.
pub async fn enqueue_all(
    tx: &mut Tx,
    practice: Option<PracticeId>,
    emails: &[Email],
    now_ms: i64,
) -> Result<Vec<MessageId>, sqlx::Error> {
    // v7 ids sort in creation order, which keeps the mailbox in order within one millisecond.
    let ids: Vec<MessageId> = emails
        .iter()
        .map(|_| MessageId::from_uuid(Uuid::now_v7()))
        .collect();
    let practice = practice.map(|p| p.to_string());
    for (chunk_ids, chunk) in ids.chunks(BATCH).zip(emails.chunks(BATCH)) {
        on_tx!(tx, c => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO outbox (id, practice_id, to_address, subject, body_text, body_html, secret, list_unsubscribe, status, attempts, next_attempt_at, created_at) ",
            );
            insert.push_values(chunk_ids.iter().zip(chunk), |mut row, (id, email)| {
                row.push_bind(id.to_string())
                    .push_bind(practice.as_deref())
                    .push_bind(email.to.as_str())
                    .push_bind(email.subject.as_str())
                    .push_bind(email.body.as_str())
                    .push_bind(email.html.as_deref())
                    .push_bind(email.secret.as_deref())
                    .push_bind(email.list_unsubscribe.as_deref())
                    .push_bind("queued")
                    .push_bind(0_i64)
                    .push_bind(now_ms)
                    .push_bind(now_ms);
            });
            insert.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(ids)
}

/// A message this worker holds the lease on. `attempts` tells this claim from
/// any later one, so only the holder can record how its send went.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub attempts: i64,
}

/// What replaces an emailed link's secret in the stored copy once the message has left.
pub const REDACTED: &str = "(removed after sending)";

/// Reserves up to `limit` due messages for this worker, oldest first.
pub async fn claim_due(db: &Db, now_ms: i64, limit: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    // Only the row lock differs: PostgreSQL skips rows another server is claiming;
    // SQLite has a single writer, so its UPDATE is already atomic.
    let pick = match db {
        Db::Sqlite(_) => "SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2) ORDER BY next_attempt_at, id LIMIT $3",
        Db::Postgres(_) => "SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2) ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED",
    };
    let sql = format!(
        "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 WHERE id IN ({pick})
         RETURNING id, to_address, subject, body_text, body_html, list_unsubscribe, attempts"
    );
    let mut claimed: Vec<Claimed> = on_pool!(db, pool => {
        sqlx::query_as(&sql).bind(now_ms + LEASE_MS).bind(now_ms).bind(limit).fetch_all(pool).await
    })?;
    // RETURNING has no order; v7 ids sort in the order messages were queued.
    claimed.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(claimed)
}

/// Sets both bodies to their stored copy without the link's secret, with
/// `$param` bound to [`REDACTED`].
fn redact_bodies(param: usize) -> String {
    let redacted = |column: &str| {
        format!(
            "CASE WHEN secret IS NULL THEN {column} ELSE REPLACE({column}, secret, ${param}) END"
        )
    };
    format!(
        "body_text = {}, body_html = {}",
        redacted("body_text"),
        redacted("body_html")
    )
}

/// What the stored copy keeps once a message is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The whole body: the local mailbox is this machine's inbox, links and all.
    Everything,
    /// The body without the link's secret: the message now lives in the recipient's mailbox.
    Redacted,
}

/// Records a delivery, if this worker still holds the lease (false if another
/// worker has claimed the message since).
pub async fn mark_sent(
    db: &Db,
    id: &str,
    attempts: i64,
    keep: Keep,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let bodies = match keep {
        Keep::Everything => String::new(),
        Keep::Redacted => format!("{}, ", redact_bodies(4)),
    };
    let sql = format!(
        "UPDATE outbox SET status = 'sent', sent_at = $1, lease_until = NULL, last_error = NULL,
         {bodies}secret = NULL, list_unsubscribe = NULL
         WHERE id = $2 AND attempts = $3 AND status = 'queued'"
    );
    let changed = on_pool!(db, pool => {
        let query = sqlx::query(&sql)
            .bind(now_ms)
            .bind(id)
            .bind(attempts);
        let query = match keep {
            Keep::Everything => query,
            Keep::Redacted => query.bind(REDACTED),
        };
        query.execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(changed == 1)
}

/// Records a failed attempt: retried later with backoff, or given up after [`MAX_ATTEMPTS`].
pub async fn mark_failed(
    db: &Db,
    message: &Claimed,
    error: &str,
    now_ms: i64,
) -> Result<Delivery, sqlx::Error> {
    let outcome = if message.attempts >= MAX_ATTEMPTS {
        Delivery::Failed
    } else {
        Delivery::Queued
    };
    let next = now_ms + retry_delay_ms(message.attempts);
    // A message given up on will never be sent: its link's secret has no reason to stay.
    let forget = match outcome {
        Delivery::Failed => format!(
            ", {}, secret = NULL, list_unsubscribe = NULL",
            redact_bodies(6)
        ),
        _ => String::new(),
    };
    let sql = format!(
        "UPDATE outbox SET status = $1, next_attempt_at = $2, lease_until = NULL, last_error = $3{forget}
         WHERE id = $4 AND attempts = $5 AND status = 'queued'"
    );
    on_pool!(db, pool => {
        let query = sqlx::query(&sql)
            .bind(outcome.code())
            .bind(next)
            .bind(error)
            .bind(&message.id)
            .bind(message.attempts);
        let query = match outcome {
            Delivery::Failed => query.bind(REDACTED),
            _ => query,
        };
        query.execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(outcome)
}

/// A message as the mailbox page and tests see it.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Stored {
    pub id: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

impl Stored {
    pub fn delivery(&self) -> Delivery {
        Delivery::from_code(&self.status)
    }
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Stored>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, to_address, subject, body_text, body_html, status, attempts, created_at, sent_at, last_error
             FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::retry_delay_ms;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(retry_delay_ms(1), 30_000);
        assert_eq!(retry_delay_ms(2), 60_000);
        assert_eq!(retry_delay_ms(3), 120_000);
        assert_eq!(retry_delay_ms(30), 3_600_000);
    }
}
