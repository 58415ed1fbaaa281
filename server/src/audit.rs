//! The audit trail (product.md §9): appended in the same transaction as the
//! change it records, hash-chained so a modified or deleted row shows. The
//! hashes are keyed (HMAC-SHA-256) with a key kept outside the database, so
//! whoever can edit the database cannot rewrite history and recompute the chain.
//!
//! Each practice has a chain of its own, and install-wide events (sign-ups,
//! logins) have theirs: appends to different chains never wait for one
//! another. Events written before the chains were split are the start of the
//! install chain.

use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;
use shared::ids::{AccountId, PracticeId};
use std::collections::BTreeMap;
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

/// The result of walking the chains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        events: i64,
    },
    /// The chain and the first place in it at which it no longer holds, and why.
    Broken {
        chain: String,
        seq: i64,
        reason: &'static str,
    },
}

/// Recomputes every hash of every chain from its start; detects edited,
/// removed or reordered rows, including removal of a chain's newest ones
/// (its head row remembers where it ended).
pub async fn verify(db: &Db, key: &Key) -> Result<ChainCheck, sqlx::Error> {
    let heads: Vec<(String, i64, String)> = on_pool!(db, pool => {
        sqlx::query_as("SELECT chain, seq, hash FROM audit_chains ORDER BY chain").fetch_all(pool).await
    })?;
    let mut events = 0;
    for (chain, head_seq, head_hash) in heads {
        match verify_chain(db, key, &chain, head_seq, &head_hash).await? {
            ChainCheck::Intact { events: n } => events += n,
            broken => return Ok(broken),
        }
    }
    // Rows of a chain without a head were added behind the chains' backs.
    let orphan: Option<(String, i64)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT chain, MIN(chain_seq) FROM audit_events
             WHERE chain NOT IN (SELECT chain FROM audit_chains) GROUP BY chain LIMIT 1",
        )
        .fetch_optional(pool)
        .await
    })?;
    if let Some((chain, seq)) = orphan {
        return Ok(ChainCheck::Broken {
            chain,
            seq,
            reason: "an event belongs to no chain",
        });
    }
    Ok(ChainCheck::Intact { events })
}

/// [`verify`] for `practice`'s chain and the install chain, which holds the
/// practice's events from before the chains were split.
pub async fn verify_practice(
    db: &Db,
    key: &Key,
    practice: PracticeId,
) -> Result<ChainCheck, sqlx::Error> {
    let mut events = 0;
    for chain in [Chain::Install, Chain::Practice(practice)] {
        let chain = chain.key();
        let head: Option<(i64, String)> = on_pool!(db, pool => {
            sqlx::query_as("SELECT seq, hash FROM audit_chains WHERE chain = $1")
                .bind(&chain)
                .fetch_optional(pool)
                .await
        })?;
        let (head_seq, head_hash) = head.unwrap_or((0, "genesis".into()));
        match verify_chain(db, key, &chain, head_seq, &head_hash).await? {
            ChainCheck::Intact { events: n } => events += n,
            broken => return Ok(broken),
        }
    }
    Ok(ChainCheck::Intact { events })
}

async fn verify_chain(
    db: &Db,
    key: &Key,
    chain: &str,
    head_seq: i64,
    head_hash: &str,
) -> Result<ChainCheck, sqlx::Error> {
    let records: Vec<Record> = on_pool!(db, pool => {
        sqlx::query_as("SELECT * FROM audit_events WHERE chain = $1 ORDER BY chain_seq")
            .bind(chain)
            .fetch_all(pool)
            .await
    })?;
    let broken = |seq: i64, reason: &'static str| ChainCheck::Broken {
        chain: chain.to_owned(),
        seq,
        reason,
    };
    let mut expected_prev = "genesis";
    for (index, record) in records.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        if record.chain_seq != expected_seq {
            return Ok(broken(expected_seq, "an event is missing"));
        }
        if record.prev_hash != expected_prev {
            return Ok(broken(
                record.chain_seq,
                "the link to the previous event is wrong",
            ));
        }
        if record.hash != record.computed_hash(key) {
            return Ok(broken(record.chain_seq, "the event was modified"));
        }
        expected_prev = &record.hash;
    }
    let last = records.len() as i64;
    if head_seq != last || head_hash != expected_prev {
        return Ok(broken(last + 1, "the newest events are missing"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::migrate::Migrator;

    fn up_to(mut migrator: Migrator, version: i64) -> Migrator {
        let kept: Vec<_> = migrator
            .migrations
            .iter()
            .filter(|m| m.version <= version)
            .cloned()
            .collect();
        migrator.migrations = kept.into();
        migrator
    }

    /// A chain written before the split (one head row, hashes over the old
    /// sequence numbers) verifies after the migration that splits it, and
    /// goes on as the install chain beside a new practice chain.
    async fn a_chain_from_before_the_split_still_verifies(db: Db) {
        const BEFORE_THE_SPLIT: i64 = 16;
        match &db {
            Db::Sqlite(pool) => {
                up_to(sqlx::migrate!("./migrations/sqlite"), BEFORE_THE_SPLIT)
                    .run(pool)
                    .await
            }
            Db::Postgres(pool) => {
                up_to(sqlx::migrate!("./migrations/postgres"), BEFORE_THE_SPLIT)
                    .run(pool)
                    .await
            }
        }
        .unwrap();
        let key = Key::generate();
        let mut prev = "genesis".to_owned();
        for seq in 1..=3 {
            let mut old = Record {
                seq,
                chain: "install".into(),
                chain_seq: seq,
                practice_id: (seq == 2).then(|| "a practice".into()),
                actor_id: None,
                action: "legacy.event".into(),
                target: format!("old {seq}"),
                before_json: None,
                after_json: Some("{}".into()),
                at: seq,
                ip: None,
                prev_hash: prev,
                hash: String::new(),
            };
            old.hash = old.computed_hash(&key);
            on_pool!(&db, pool => {
                sqlx::query("INSERT INTO audit_events (seq, practice_id, action, target, after_json, at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(old.seq)
                    .bind(&old.practice_id)
                    .bind(&old.action)
                    .bind(&old.target)
                    .bind(&old.after_json)
                    .bind(old.at)
                    .bind(&old.prev_hash)
                    .bind(&old.hash)
                    .execute(pool)
                    .await
                    .map(drop)
            })
            .unwrap();
            prev = old.hash;
        }
        on_pool!(&db, pool => {
            sqlx::query("UPDATE audit_head SET seq = 3, hash = $1 WHERE id = 1").bind(&prev).execute(pool).await.map(drop)
        })
        .unwrap();

        db.migrate().await.unwrap();
        assert_eq!(
            verify(&db, &key).await.unwrap(),
            ChainCheck::Intact { events: 3 }
        );
        let practice = PracticeId::from_uuid(uuid::Uuid::new_v4());
        let mut tx = db.begin().await.unwrap();
        let events = vec![
            Event::new("account.created", "new 1"),
            Event::new("practice.created", "new 2").in_practice(practice),
        ];
        append_all(&mut tx, &key, &Origin::default(), 4, events)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            verify(&db, &key).await.unwrap(),
            ChainCheck::Intact { events: 5 }
        );
        assert_eq!(
            verify_practice(&db, &key, practice).await.unwrap(),
            ChainCheck::Intact { events: 5 },
            "the practice's chain and the install chain"
        );
        let places: Vec<(String, String, i64)> = on_pool!(&db, pool => {
            sqlx::query_as("SELECT target, chain, chain_seq FROM audit_events WHERE target LIKE 'new%' ORDER BY target")
                .fetch_all(pool)
                .await
        })
        .unwrap();
        assert_eq!(
            places,
            [
                ("new 1".into(), "install".into(), 4),
                ("new 2".into(), practice.to_string(), 1)
            ]
        );
    }

    #[tokio::test]
    async fn a_chain_from_before_the_split_still_verifies_on_sqlite() {
        let dir = std::env::temp_dir().join(format!("carekeys-audit-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(&format!("sqlite://{}/test.db", dir.display()))
            .await
            .unwrap();
        a_chain_from_before_the_split_still_verifies(db).await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_chain_from_before_the_split_still_verifies_on_postgres() {
        let Ok(base) = std::env::var("TEST_POSTGRES_URL") else {
            assert!(std::env::var_os("CI").is_none(), "CI runs PostgreSQL");
            return;
        };
        let schema = crate::db::PostgresSchema::create(&base, "audit")
            .await
            .unwrap();
        a_chain_from_before_the_split_still_verifies(Db::connect(&schema.url).await.unwrap()).await;
        schema.drop().await.unwrap();
    }
}
