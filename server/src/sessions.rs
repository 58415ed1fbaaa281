//! Database sessions (product.md §6). The cookie holds a 256-bit secret; the
//! table holds only its hash. A session ends after 30 idle minutes, after 12
//! hours in any case, at logout, and when the account's epoch moves (password
//! reset, suspension), which ends every session of that person at once.

use serde::Serialize;
use shared::email::EmailAddress;
use shared::ids::AccountId;

use crate::backend::Caller;
use crate::db::{Db, Tx};
use crate::tokens::Secret;
use crate::{devices, on_pool, on_tx};

pub const IDLE_TIMEOUT_MS: i64 = 30 * 60 * 1000;
pub const ABSOLUTE_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// The person behind a valid session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedIn {
    pub account: AccountId,
    pub full_name: String,
    pub email: Option<EmailAddress>,
    /// A one-time password is still in use: nothing but choosing a new one is allowed.
    pub must_change_password: bool,
}

/// Starts a session for `account` inside `tx`, and records the login.
pub async fn start(
    tx: &mut Tx,
    account: AccountId,
    caller: &Caller,
    now_ms: i64,
) -> Result<Secret, sqlx::Error> {
    let token = Secret::generate();
    let device = devices::identify(tx, caller, now_ms).await?;
    if let Some(device) = device {
        devices::seen(tx, device, account, caller, now_ms).await?;
    }
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, epoch, created_at, last_seen_at, expires_at, ip, user_agent, device_id)
             SELECT $1, id, session_epoch, $2, $2, $3, $4, $5, $7 FROM accounts WHERE id = $6",
        )
        .bind(token.hash())
        .bind(now_ms)
        .bind(now_ms + ABSOLUTE_LIFETIME_MS)
        .bind(caller.ip.as_deref())
        .bind(caller.user_agent.as_deref().map(|ua| ua.chars().take(300).collect::<String>()))
        .bind(account.to_string())
        .bind(device)
        .execute(&mut *c)
        .await?;
        sqlx::query("UPDATE accounts SET last_login_at = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(account.to_string())
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    account_id: AccountId,
    full_name: String,
    email: Option<String>,
    must_change_password: bool,
    last_seen_at: i64,
    expires_at: i64,
    live_epoch: bool,
}

/// The person a session token belongs to, if the session is still alive.
pub async fn resolve(
    db: &Db,
    token: &Secret,
    now_ms: i64,
) -> Result<Option<SignedIn>, sqlx::Error> {
    let hash = token.hash();
    let row: Option<SessionRow> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT s.account_id, a.full_name, a.email, a.must_change_password, s.last_seen_at, s.expires_at, (s.epoch = a.session_epoch) AS live_epoch
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(pool)
        .await
    })?;
    let Some(row) = row else { return Ok(None) };
    let alive =
        row.live_epoch && now_ms < row.expires_at && now_ms - row.last_seen_at < IDLE_TIMEOUT_MS;
    if !alive {
        end(db, token).await?;
        return Ok(None);
    }
    if now_ms - row.last_seen_at >= TOUCH_EVERY_MS {
        on_pool!(db, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now_ms)
                .bind(&hash)
                .execute(pool)
                .await.map(|r| r.rows_affected())
        })?;
    }
    Ok(Some(SignedIn {
        account: row.account_id,
        full_name: row.full_name,
        email: row.email.and_then(|e| EmailAddress::parse(&e).ok()),
        must_change_password: row.must_change_password,
    }))
}

pub async fn end(db: &Db, token: &Secret) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token.hash()).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Ends every session of `account` (moves its epoch and deletes the rows).
pub async fn end_all(tx: &mut Tx, account: AccountId) -> Result<(), sqlx::Error> {
    let id = account.to_string();
    on_tx!(tx, c => {
        sqlx::query("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE id = $1")
            .bind(&id)
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(&id).execute(&mut *c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
