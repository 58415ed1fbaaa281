//! Login throttling kept in the database, so every app server sees it.
//!
//! Failures are counted per (login, IP) and per IP. A stranger guessing a
//! victim's password from their own address exhausts only their own pair:
//! the victim, logging in from elsewhere, is never locked out.

use crate::db::{Db, Tx};
use crate::{on_pool, on_tx};

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_PER_LOGIN_AND_IP: i64 = 5;
pub const MAX_PER_IP: i64 = 50;

/// `Some(seconds to wait)` when this login from this IP must wait.
pub async fn login_blocked(
    db: &Db,
    login_key: &str,
    ip: &str,
    now_ms: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let since = now_ms - WINDOW_MS;
    let (pair, pair_oldest, by_ip, ip_oldest): (i64, Option<i64>, i64, Option<i64>) = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM login_failures WHERE login_key = $1 AND ip = $2 AND at > $3),
               (SELECT MIN(at) FROM login_failures WHERE login_key = $1 AND ip = $2 AND at > $3),
               (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at > $3),
               (SELECT MIN(at) FROM login_failures WHERE ip = $2 AND at > $3)",
        )
        .bind(login_key)
        .bind(ip)
        .bind(since)
        .fetch_one(pool)
        .await
    })?;
    let wait =
        |oldest: Option<i64>| ((oldest.unwrap_or(now_ms) + WINDOW_MS - now_ms) / 1000).max(1);
    Ok(if pair >= MAX_PER_LOGIN_AND_IP {
        Some(wait(pair_oldest))
    } else if by_ip >= MAX_PER_IP {
        Some(wait(ip_oldest))
    } else {
        None
    })
}

pub async fn record_failure(
    db: &Db,
    login_key: &str,
    ip: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query("INSERT INTO login_failures (login_key, ip, at) VALUES ($1, $2, $3)")
            .bind(login_key)
            .bind(ip)
            .bind(now_ms)
            .execute(pool)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A successful login forgets that pair's failures and prunes old rows.
pub async fn record_success(
    tx: &mut Tx,
    login_key: &str,
    ip: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM login_failures WHERE (login_key = $1 AND ip = $2) OR at <= $3")
            .bind(login_key)
            .bind(ip)
            .bind(now_ms - WINDOW_MS)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
