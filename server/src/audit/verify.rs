//! Walking the chains: each hash recomputed from its chain's start.

use shared::ids::PracticeId;

use super::{Chain, Key, Record};
use crate::db::Db;
use crate::on_pool;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{append_all, Event, Origin};
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
