//! Login throttling kept in the database, so every app server sees it.
//!
//! Failures are counted per (login, address) and per address. A stranger
//! guessing a victim's password from their own address exhausts only their
//! own pair: the victim, logging in from elsewhere, is never locked out. A
//! login that many addresses guess at is slowed down to one attempt every few
//! seconds, never blocked. IPv6 addresses count by their /64, which one
//! machine can fill at will.
//!
//! An attempt is reserved — recorded as a failure — in one serialised step
//! *before* its password is checked, and forgotten when the password was
//! right. Checking first and recording after let parallel guesses all pass
//! the check while their password checks waited for the argon2 slots.

use std::net::IpAddr;

use crate::db::{Db, Tx};
use crate::on_tx;

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_PER_LOGIN_AND_IP: i64 = 5;
pub const MAX_PER_IP: i64 = 50;
/// Failures on one login from all addresses before it is slowed down.
pub const MAX_PER_LOGIN: i64 = 20;
/// Past [`MAX_PER_LOGIN`], one attempt on that login per this interval.
pub const SLOWED_INTERVAL_MS: i64 = 5_000;

/// The key one address is counted under: IPv4 as it is, IPv6 by its /64.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

/// Reserves one login attempt for `login_key` from `address` (an
/// [`address_key`]) if the limits allow it; otherwise `Err(seconds to wait)`.
pub async fn reserve_attempt(
    db: &Db,
    login_key: &str,
    address: &str,
    now_ms: i64,
) -> Result<Result<(), i64>, sqlx::Error> {
    // SQLite: BEGIN IMMEDIATE holds the one writer lock. PostgreSQL: two
    // transaction locks, always login first, so two servers cannot both pass.
    let mut tx = db.begin().await?;
    if let Tx::Postgres(pg) = &mut tx {
        for (key, space) in [(login_key, 1_i64), (address, 2)] {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, $2))")
                .bind(key)
                .bind(space)
                .execute(&mut **pg)
                .await?;
        }
    }
    let since = now_ms - WINDOW_MS;
    let counts: Counts = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM login_failures WHERE login_key = $1 AND ip = $2 AND at > $3) AS pair,
               (SELECT MIN(at) FROM login_failures WHERE login_key = $1 AND ip = $2 AND at > $3) AS pair_oldest,
               (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at > $3) AS by_ip,
               (SELECT MIN(at) FROM login_failures WHERE ip = $2 AND at > $3) AS ip_oldest,
               (SELECT COUNT(*) FROM login_failures WHERE login_key = $1 AND at > $3) AS by_login,
               (SELECT MAX(at) FROM login_failures WHERE login_key = $1 AND at > $3) AS login_latest",
        )
        .bind(login_key)
        .bind(address)
        .bind(since)
        .fetch_one(c)
        .await
    })?;
    if let Some(wait_ms) = counts.wait_ms(now_ms) {
        return Ok(Err((wait_ms + 999) / 1000));
    }
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO login_failures (login_key, ip, at) VALUES ($1, $2, $3)")
            .bind(login_key)
            .bind(address)
            .bind(now_ms)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    tx.commit().await?;
    Ok(Ok(()))
}

#[derive(sqlx::FromRow)]
struct Counts {
    pair: i64,
    pair_oldest: Option<i64>,
    by_ip: i64,
    ip_oldest: Option<i64>,
    by_login: i64,
    login_latest: Option<i64>,
}

impl Counts {
    /// How long this attempt must wait, if it must.
    fn wait_ms(&self, now_ms: i64) -> Option<i64> {
        let window_left =
            |oldest: Option<i64>| (oldest.unwrap_or(now_ms) + WINDOW_MS - now_ms).max(1);
        if self.pair >= MAX_PER_LOGIN_AND_IP {
            return Some(window_left(self.pair_oldest));
        }
        if self.by_ip >= MAX_PER_IP {
            return Some(window_left(self.ip_oldest));
        }
        let next_slot = self.login_latest.unwrap_or(i64::MIN / 2) + SLOWED_INTERVAL_MS;
        (self.by_login >= MAX_PER_LOGIN && next_slot > now_ms).then(|| next_slot - now_ms)
    }
}

/// A successful login forgets that pair's failures (its own reservation among
/// them) and prunes old rows.
pub async fn record_success(
    tx: &mut Tx,
    login_key: &str,
    address: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM login_failures WHERE (login_key = $1 AND ip = $2) OR at <= $3")
            .bind(login_key)
            .bind(address)
            .bind(now_ms - WINDOW_MS)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(
            address_key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            address_key("2001:db8:1:2::1")
        );
        assert_ne!(
            address_key("2001:db8:1:3::1"),
            address_key("2001:db8:1:2::1")
        );
        assert_eq!(address_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key("unknown"), "unknown");
    }

    #[test]
    fn a_much_guessed_login_is_slowed_not_blocked() {
        let counts = |by_login, latest| Counts {
            pair: 0,
            pair_oldest: None,
            by_ip: 0,
            ip_oldest: None,
            by_login,
            login_latest: Some(latest),
        };
        assert_eq!(counts(MAX_PER_LOGIN - 1, 1_000).wait_ms(1_000), None);
        assert_eq!(counts(MAX_PER_LOGIN, 1_000).wait_ms(2_000), Some(4_000));
        assert_eq!(counts(MAX_PER_LOGIN + 50, 1_000).wait_ms(6_000), None);
    }
}
