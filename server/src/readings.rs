//! Readings a person logs for themselves (product.md §7). One person's
//! readings serve every practice they belong to; who may read them is the
//! business of the pages that show them.

use shared::goals::{Amount, ReadingKind};
use shared::ids::AccountId;
use shared::readings::Reading;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::ServiceResult;
use crate::on_tx;

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
    let now = backend.now_ms();
    let reading = Reading::new(kind, value, taken_at_ms, now)?;
    let id = Uuid::new_v4().to_string();
    let mut tx = backend.db.begin().await?;
    on_tx!(&mut tx, c => {
        sqlx::query(
            "INSERT INTO readings (id, account_id, kind, value, taken_at, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(account)
        .bind(reading.kind.code())
        .bind(reading.value.0)
        .bind(reading.taken_at_ms)
        .bind(now)
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
