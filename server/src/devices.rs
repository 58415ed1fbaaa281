//! Devices (product.md §6): the browser behind a request, known by a
//! long-lived cookie whose SHA-256 is all that is stored, and trusted per
//! person and per practice. The browser on which someone creates a practice
//! or accepts an invitation is trusted from then on; people and admins see
//! trusted devices and revoke them, which ends that browser's sessions.

use shared::devices::{label, may_manage_devices_of, DevicesView, TrustedDevice};
use shared::ids::{AccountId, DeviceId, PracticeId};
use shared::roles::Capability;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::{Db, Tx};
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::{memberships, on_pool, on_tx, practices};

/// "Chrome on Android" and the like, from a user agent.
pub fn label_of(user_agent: Option<&str>) -> String {
    let parsed = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua));
    label(
        parsed.as_ref().map(|p| p.name),
        parsed.as_ref().map(|p| p.os),
    )
}

const FIND_SQL: &str = "SELECT id FROM devices WHERE token_hash = $1";

/// The known device the request comes from, if any.
pub async fn find(db: &Db, caller: &Caller) -> Result<Option<DeviceId>, sqlx::Error> {
    let Some(secret) = &caller.device else {
        return Ok(None);
    };
    let found: Option<(DeviceId,)> = on_pool!(db, pool => {
        sqlx::query_as(FIND_SQL).bind(secret.hash()).fetch_optional(pool).await
    })?;
    Ok(found.map(|(id,)| id))
}

/// [`find`] inside a transaction.
pub async fn find_in(tx: &mut Tx, caller: &Caller) -> Result<Option<DeviceId>, sqlx::Error> {
    let Some(secret) = &caller.device else {
        return Ok(None);
    };
    let found: Option<(DeviceId,)> = on_tx!(tx, c => {
        sqlx::query_as(FIND_SQL).bind(secret.hash()).fetch_optional(c).await
    })?;
    Ok(found.map(|(id,)| id))
}

/// The device the request comes from, recorded on first use; `None` when the
/// request carries no device cookie.
pub async fn identify(
    tx: &mut Tx,
    caller: &Caller,
    now: i64,
) -> Result<Option<DeviceId>, sqlx::Error> {
    let Some(secret) = &caller.device else {
        return Ok(None);
    };
    let hash = secret.hash();
    let found: Option<(DeviceId,)> = on_tx!(tx, c => {
        sqlx::query_as(FIND_SQL).bind(&hash).fetch_optional(c).await
    })?;
    if let Some((id,)) = found {
        return Ok(Some(id));
    }
    let id = DeviceId::from_uuid(Uuid::new_v4());
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO devices (id, token_hash, label, first_ip, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(id)
        .bind(&hash)
        .bind(label_of(caller.user_agent.as_deref()))
        .bind(caller.ip.as_deref())
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    // Another request of the same browser may have recorded it first.
    let (id,): (DeviceId,) = on_tx!(tx, c => {
        sqlx::query_as(FIND_SQL).bind(&hash).fetch_one(c).await
    })?;
    Ok(Some(id))
}

/// Trusts the request's browser for `account` in `practice`, from now on.
pub async fn trust(
    tx: &mut Tx,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    now: i64,
) -> Result<(), sqlx::Error> {
    let Some(device) = identify(tx, caller, now).await? else {
        return Ok(());
    };
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO trusted_devices (device_id, account_id, practice_id, trusted_at, last_seen_at, last_ip)
             VALUES ($1, $2, $3, $4, $4, $5)
             ON CONFLICT (device_id, account_id, practice_id)
             DO UPDATE SET last_seen_at = excluded.last_seen_at, last_ip = excluded.last_ip",
        )
        .bind(device)
        .bind(account)
        .bind(practice)
        .bind(now)
        .bind(caller.ip.as_deref())
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Marks `device` as seen for `account` wherever it is trusted (at each login).
pub async fn seen(
    tx: &mut Tx,
    device: DeviceId,
    account: AccountId,
    caller: &Caller,
    now: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE trusted_devices SET last_seen_at = $1, last_ip = $2 WHERE device_id = $3 AND account_id = $4")
            .bind(now)
            .bind(caller.ip.as_deref())
            .bind(device)
            .bind(account)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct DeviceRow {
    device_id: DeviceId,
    account_id: AccountId,
    full_name: String,
    label: String,
    created_at: i64,
    trusted_at: i64,
    last_seen_at: i64,
    last_ip: Option<String>,
}

/// Settings → Devices: everyone's trusted devices for admins, one's own for others.
pub async fn list(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<DevicesView> {
    let actor = memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let everyone = may_manage_devices_of(&actor, false);
    let zone = crate::practices::zone_name(backend, practice).await?;
    let rows: Vec<DeviceRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT t.device_id, t.account_id, a.full_name, d.label, d.created_at, t.trusted_at, t.last_seen_at, t.last_ip
             FROM trusted_devices t JOIN devices d ON d.id = t.device_id JOIN accounts a ON a.id = t.account_id
             WHERE t.practice_id = $1 AND ($2 OR t.account_id = $3)
             ORDER BY a.full_name, t.account_id, t.last_seen_at DESC",
        )
        .bind(practice)
        .bind(everyone)
        .bind(account)
        .fetch_all(pool)
        .await
    })?;
    let this_browser = find(&backend.db, caller).await?;
    Ok(DevicesView {
        devices: rows
            .into_iter()
            .map(|row| TrustedDevice {
                device: row.device_id,
                account: row.account_id,
                person: row.full_name,
                label: row.label,
                first_seen: practice_time(row.created_at, &zone),
                trusted: practice_time(row.trusted_at, &zone),
                last_seen: practice_time(row.last_seen_at, &zone),
                last_ip: row.last_ip,
                this_browser: this_browser == Some(row.device_id) && row.account_id == account,
            })
            .collect(),
        everyone,
    })
}

/// Stops trusting `device` for `member` in `practice` and ends the member's
/// sessions in that browser; audited.
pub async fn revoke(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    member: AccountId,
    device: DeviceId,
) -> ServiceResult<()> {
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ViewClients).await?;
    if !may_manage_devices_of(&actor, member == account) {
        return Err(ServiceError::Forbidden);
    }
    let label: Option<(String,)> = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT d.label FROM trusted_devices t JOIN devices d ON d.id = t.device_id
             WHERE t.device_id = $1 AND t.account_id = $2 AND t.practice_id = $3",
        )
        .bind(device)
        .bind(member)
        .bind(practice)
        .fetch_optional(c)
        .await
    })?;
    let (label,) = label.ok_or(ServiceError::NotFound)?;
    on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM trusted_devices WHERE device_id = $1 AND account_id = $2 AND practice_id = $3")
            .bind(device)
            .bind(member)
            .bind(practice)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND device_id = $2")
            .bind(member)
            .bind(device)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new("device.revoked", member.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "device": device, "label": label }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, backend.now_ms(), event).await?;
    Ok(())
}
