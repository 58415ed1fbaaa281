//! The audit trail (product.md §9): appended in the same transaction as the
//! change it records, hash-chained so a modified or deleted row shows. The
//! hashes are keyed (HMAC-SHA-256) with a key kept outside the database, so
//! whoever can edit the database cannot rewrite history and recompute the chain.

use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;
use shared::ids::{AccountId, PracticeId};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::db::{Db, Tx};
use crate::tokens::hex;
use crate::{on_pool, on_tx};

/// The key of the chain: 32 random bytes, written as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Arc<[u8; 32]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the audit key {0}: {1}")]
    File(PathBuf, std::io::Error),
    #[error("the audit key in {0} is not 64 hex digits; restore it from your backup")]
    Damaged(PathBuf),
}

impl Key {
    pub fn generate() -> Key {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Key(Arc::new(bytes))
    }

    /// 64 hex digits, as `CAREKEYS_AUDIT_KEY` or the key file hold it.
    pub fn from_hex(text: &str) -> Option<Key> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(Key(Arc::new(bytes)))
    }

    /// The key in `file`, created (readable by this user only) on first start.
    pub fn load_or_create(file: &Path) -> Result<Key, KeyError> {
        let failed = |e| KeyError::File(file.to_owned(), e);
        match std::fs::read_to_string(file) {
            Ok(text) => Key::from_hex(&text).ok_or_else(|| KeyError::Damaged(file.to_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                use std::io::Write;
                let key = Key::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut out = options.open(file).map_err(failed)?;
                writeln!(out, "{}", hex(&key.0[..])).map_err(failed)?;
                out.sync_all().map_err(failed)?;
                Ok(key)
            }
            Err(e) => Err(failed(e)),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0[..]).expect("HMAC takes any key length")
    }
}

/// Who did it and from where.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub actor: Option<AccountId>,
    pub ip: Option<String>,
}

/// One change to record.
#[derive(Clone, Debug)]
pub struct Event {
    pub practice: Option<PracticeId>,
    pub action: &'static str,
    pub target: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Event {
    pub fn new(action: &'static str, target: impl Into<String>) -> Self {
        Self {
            practice: None,
            action,
            target: target.into(),
            before: None,
            after: None,
        }
    }

    pub fn in_practice(mut self, practice: PracticeId) -> Self {
        self.practice = Some(practice);
        self
    }

    pub fn before(mut self, value: impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// A stored event, as the audit log shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Record {
    pub seq: i64,
    pub practice_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: String,
    pub target: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub at: i64,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Record {
    /// The keyed hash covers every field but itself, in an unambiguous (JSON) encoding.
    fn computed_hash(&self, key: &Key) -> String {
        let fields = serde_json::json!([
            self.seq,
            self.practice_id,
            self.actor_id,
            self.action,
            self.target,
            self.before_json,
            self.after_json,
            self.at,
            self.ip,
        ]);
        let mut mac = key.mac();
        mac.update(self.prev_hash.as_bytes());
        mac.update(fields.to_string().as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// Appends `event` inside `tx`, chained with `key`; returns its sequence number.
pub async fn append(
    tx: &mut Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    event: Event,
) -> Result<i64, sqlx::Error> {
    append_all(tx, key, origin, at_ms, vec![event]).await
}

/// Appends `event` and commits `tx`: a change and its audit event land
/// together or not at all.
pub async fn commit(
    mut tx: Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    event: Event,
) -> Result<(), sqlx::Error> {
    append(&mut tx, key, origin, at_ms, event).await?;
    tx.commit().await
}

/// [`commit`] for the many events of one bulk change.
pub async fn commit_all(
    mut tx: Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    events: Vec<Event>,
) -> Result<(), sqlx::Error> {
    append_all(&mut tx, key, origin, at_ms, events).await?;
    tx.commit().await
}

/// Rows per multi-row INSERT: well under both backends' limits on bound values.
const BATCH: usize = 500;

/// Appends many events of one change inside `tx`, chaining them in order;
/// returns the last sequence number. Batched so a bulk change stays fast.
pub async fn append_all(
    tx: &mut Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    events: Vec<Event>,
) -> Result<i64, sqlx::Error> {
    // The head row is the chain's lock: PostgreSQL serialises appends on it,
    // SQLite already holds the writer lock (BEGIN IMMEDIATE).
    let head_sql = match tx {
        Tx::Sqlite(_) => "SELECT seq, hash FROM audit_head WHERE id = 1",
        Tx::Postgres(_) => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let (mut seq, mut prev): (i64, String) =
        on_tx!(tx, c => sqlx::query_as(head_sql).fetch_one(c).await)?;
    let records: Vec<Record> = events
        .into_iter()
        .map(|event| {
            seq += 1;
            let mut record = Record {
                seq,
                practice_id: event.practice.map(|p| p.to_string()),
                actor_id: origin.actor.map(|a| a.to_string()),
                action: event.action.to_owned(),
                target: event.target,
                before_json: event.before.map(|v| v.to_string()),
                after_json: event.after.map(|v| v.to_string()),
                at: at_ms,
                ip: origin.ip.clone(),
                prev_hash: std::mem::take(&mut prev),
                hash: String::new(),
            };
            record.hash = record.computed_hash(key);
            prev = record.hash.clone();
            record
        })
        .collect();
    for chunk in records.chunks(BATCH) {
        on_tx!(tx, c => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO audit_events (seq, practice_id, actor_id, action, target, before_json, after_json, at, ip, prev_hash, hash) ",
            );
            insert.push_values(chunk, |mut row, r| {
                row.push_bind(r.seq)
                    .push_bind(r.practice_id.as_deref())
                    .push_bind(r.actor_id.as_deref())
                    .push_bind(r.action.as_str())
                    .push_bind(r.target.as_str())
                    .push_bind(r.before_json.as_deref())
                    .push_bind(r.after_json.as_deref())
                    .push_bind(r.at)
                    .push_bind(r.ip.as_deref())
                    .push_bind(r.prev_hash.as_str())
                    .push_bind(r.hash.as_str());
            });
            insert.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    on_tx!(tx, c => {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(&prev)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(seq)
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        events: i64,
    },
    /// The first sequence number at which the chain no longer holds, and why.
    Broken {
        seq: i64,
        reason: &'static str,
    },
}

/// Recomputes every hash from the start; detects edited, removed or reordered rows,
/// including removal of the newest ones (the head row remembers where the chain ended).
pub async fn verify(db: &Db, key: &Key) -> Result<ChainCheck, sqlx::Error> {
    let records: Vec<Record> = on_pool!(db, pool => {
        sqlx::query_as("SELECT * FROM audit_events ORDER BY seq").fetch_all(pool).await
    })?;
    let (head_seq, head_hash): (i64, String) = on_pool!(db, pool => {
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await
    })?;
    let mut expected_prev = "genesis".to_owned();
    for (index, record) in records.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        if record.seq != expected_seq {
            return Ok(ChainCheck::Broken {
                seq: expected_seq,
                reason: "an event is missing",
            });
        }
        if record.prev_hash != expected_prev {
            return Ok(ChainCheck::Broken {
                seq: record.seq,
                reason: "the link to the previous event is wrong",
            });
        }
        if record.hash != record.computed_hash(key) {
            return Ok(ChainCheck::Broken {
                seq: record.seq,
                reason: "the event was modified",
            });
        }
        expected_prev = record.hash.clone();
    }
    let last = records.len() as i64;
    if head_seq != last || head_hash != expected_prev {
        return Ok(ChainCheck::Broken {
            seq: last + 1,
            reason: "the newest events are missing",
        });
    }
    Ok(ChainCheck::Intact { events: last })
}

/// The newest events of one practice, newest first.
pub async fn list_for_practice(
    db: &Db,
    practice: PracticeId,
    limit: i64,
) -> Result<Vec<Record>, sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query_as("SELECT * FROM audit_events WHERE practice_id = $1 ORDER BY seq DESC LIMIT $2")
            .bind(practice.to_string())
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}
