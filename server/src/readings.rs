//! Readings a person logs for themselves (product.md §7). One person's
//! readings serve every practice they belong to; who may read them is the
//! business of the pages that show them.

use shared::goals::{Amount, ReadingKind};
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::readings::{Reading, ReadingEntry, ReadingLine};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::ServiceResult;
use crate::{on_pool, on_tx};

/// Logs a reading for `account`, checked again here whatever the page did;
/// audited without its value.
pub async fn log(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    kind: ReadingKind,
    value: Amount,
    taken_at_ms: i64,
) -> ServiceResult<()> {
    let reading = Reading::new(kind, value, taken_at_ms, backend.now_ms())?;
    store(backend, caller, account, reading, 0).await
}

/// Logs a reading as the person typed it on their phone (unit, local time).
pub async fn log_entry(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    entry: &ReadingEntry,
) -> ServiceResult<()> {
    let reading = entry.reading(backend.now_ms())?;
    store(backend, caller, account, reading, entry.utc_offset_minutes).await
}

async fn store(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    reading: Reading,
    utc_offset_minutes: i32,
) -> ServiceResult<()> {
    let now = backend.now_ms();
    let id = Uuid::new_v4().to_string();
    let mut tx = backend.db.begin().await?;
    on_tx!(&mut tx, c => {
        sqlx::query(
            "INSERT INTO readings (id, account_id, kind, value, taken_at, recorded_at, utc_offset_minutes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(account)
        .bind(reading.kind.code())
        .bind(reading.value.0)
        .bind(reading.taken_at_ms)
        .bind(now)
        .bind(utc_offset_minutes)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    // The trail says that a reading was logged, not what it was.
    let event =
        Event::new("reading.logged", id).after(serde_json::json!({ "kind": reading.kind.code() }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(())
}

/// A reading as stored: kind code, hundredths, when, and the phone's offset.
type Stored = (String, i64, i64, i32);

/// Stored readings with their time as the person wrote it.
fn lines(rows: Vec<Stored>) -> Vec<ReadingLine> {
    rows.into_iter()
        .filter_map(|(kind, value, taken_at, offset)| {
            let kind = ReadingKind::from_code(&kind)?;
            let zone = chrono::FixedOffset::east_opt(offset * 60)?;
            let taken = crate::clock::from_ms(taken_at)
                .with_timezone(&zone)
                .format("%-d %b %Y, %H:%M")
                .to_string();
            Some(ReadingLine {
                kind,
                value: Amount(value),
                taken_at_ms: taken_at,
                taken,
            })
        })
        .collect()
}

/// `account`'s newest readings.
pub async fn recent(
    backend: &Backend,
    account: AccountId,
    limit: i64,
) -> ServiceResult<Vec<ReadingLine>> {
    let rows: Vec<Stored> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT kind, value, taken_at, utc_offset_minutes FROM readings WHERE account_id = $1
             ORDER BY taken_at DESC LIMIT $2",
        )
        .bind(account)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    Ok(lines(rows))
}

/// A client's newest readings, logged through their portal login with
/// `practice`; the caller has checked who may see them (Client details).
pub(crate) async fn of_client(
    tx: &mut Tx,
    practice: PracticeId,
    client: ClientId,
    limit: i64,
) -> ServiceResult<Vec<ReadingLine>> {
    let rows: Vec<Stored> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT r.kind, r.value, r.taken_at, r.utc_offset_minutes
             FROM portal_logins l JOIN readings r ON r.account_id = l.account_id
             WHERE l.client_id = $1 AND l.practice_id = $2
             ORDER BY r.taken_at DESC LIMIT $3",
        )
        .bind(client)
        .bind(practice)
        .bind(limit)
        .fetch_all(c)
        .await
    })?;
    Ok(lines(rows))
}
