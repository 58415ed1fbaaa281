//! The audit trail (product.md §9): appended in the same transaction as the
//! change it records, hash-chained so a modified or deleted row shows. The
//! hashes are keyed (HMAC-SHA-256) with a key kept outside the database, so
//! whoever can edit the database cannot rewrite history and recompute the chain.
//!
//! Each practice has a chain of its own, and install-wide events (sign-ups,
//! logins) have theirs: appends to different chains never wait for one
//! another. Events written before the chains were split are the start of the
//! install chain.

use hmac::Mac;
use serde::Serialize;
use serde_json::Value;
use shared::ids::{AccountId, PracticeId};
use std::collections::BTreeMap;

use crate::db::{Db, Tx};
use crate::tokens::hex;
use crate::{on_pool, on_tx};

mod key;
mod verify;

pub use key::{Key, KeyError};
pub use verify::{verify, verify_practice, ChainCheck};

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

/// The chain an event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chain {
    /// Events of no practice, and every event from before the chains were split.
    Install,
    Practice(PracticeId),
}

impl Chain {
    fn of(event: &Event) -> Chain {
        event.practice.map_or(Chain::Install, Chain::Practice)
    }

    /// Its name in the `chain` columns.
    pub fn key(self) -> String {
        match self {
            Chain::Install => "install".into(),
            Chain::Practice(practice) => practice.to_string(),
        }
    }
}

/// A stored event, as the audit log shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Record {
    /// The order of all events.
    pub seq: i64,
    pub chain: String,
    /// The event's place in its chain, from 1.
    pub chain_seq: i64,
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
    /// The keyed hash covers every field but itself (and the order of all
    /// events, which the database assigns), in an unambiguous (JSON) encoding.
    /// An event from before the split has its old sequence number as its
    /// place in the install chain, so its hash still holds.
    fn computed_hash(&self, key: &Key) -> String {
        let fields = serde_json::json!([
            self.chain_seq,
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

/// Appends `event` inside `tx`, chained with `key`.
pub async fn append(
    tx: &mut Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    event: Event,
) -> Result<(), sqlx::Error> {
    append_to(tx, key, origin, at_ms, Chain::of(&event), vec![event]).await
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

/// Appends many events of one change inside `tx`, chaining each in order
/// onto its practice's chain. Batched so a bulk change stays fast.
pub async fn append_all(
    tx: &mut Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    events: Vec<Event>,
) -> Result<(), sqlx::Error> {
    let mut by_chain: BTreeMap<Chain, Vec<Event>> = BTreeMap::new();
    for event in events {
        by_chain.entry(Chain::of(&event)).or_default().push(event);
    }
    // One order of locking for every transaction that appends to several chains.
    for (chain, events) in by_chain {
        append_to(tx, key, origin, at_ms, chain, events).await?;
    }
    Ok(())
}

async fn append_to(
    tx: &mut Tx,
    key: &Key,
    origin: &Origin,
    at_ms: i64,
    chain: Chain,
    events: Vec<Event>,
) -> Result<(), sqlx::Error> {
    let chain_key = chain.key();
    // The head row is the chain's lock: PostgreSQL holds it (the upsert locks
    // the row) until the transaction ends; SQLite already holds the writer
    // lock (BEGIN IMMEDIATE). A chain's first append starts it.
    let (mut seq, mut prev): (i64, String) = on_tx!(tx, c => {
        sqlx::query_as(
            "INSERT INTO audit_chains (chain, seq, hash) VALUES ($1, 0, 'genesis')
             ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain
             RETURNING seq, hash",
        )
        .bind(&chain_key)
        .fetch_one(c)
        .await
    })?;
    let records: Vec<Record> = events
        .into_iter()
        .map(|event| {
            seq += 1;
            let mut record = Record {
                seq: 0,
                chain: chain_key.clone(),
                chain_seq: seq,
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
                "INSERT INTO audit_events (chain, chain_seq, practice_id, actor_id, action, target, before_json, after_json, at, ip, prev_hash, hash) ",
            );
            insert.push_values(chunk, |mut row, r| {
                row.push_bind(r.chain.as_str())
                    .push_bind(r.chain_seq)
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
        sqlx::query("UPDATE audit_chains SET seq = $1, hash = $2 WHERE chain = $3")
            .bind(seq)
            .bind(&prev)
            .bind(&chain_key)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
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
