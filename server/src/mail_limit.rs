//! Limits on the anonymous requests that send mail or create an account
//! (sign-up, password reset, an invitee's sign-up): per calling address and per
//! recipient, kept in the database so every app server counts the same. A
//! request is counted before any work (hashing a password, writing mail) is
//! done for it.

use crate::db::{Db, Tx};
use crate::error::{ServiceError, ServiceResult};
use crate::on_tx;

pub const WINDOW_MS: i64 = 60 * 60 * 1000;
/// Generous: a clinic's front desk may sign several people up from one address.
pub const PER_ADDRESS: i64 = 100;
/// Mail to one inbox per hour from these pages, whoever asks.
pub const PER_RECIPIENT: i64 = 5;

/// What the mail is for, as counted.
#[derive(Clone, Copy, Debug)]
pub enum MailRequest {
    SignUp,
    PasswordReset,
    InviteeSignUp,
    /// A link asked for at the community join page.
    CommunityJoin,
}

impl MailRequest {
    fn code(self) -> &'static str {
        match self {
            MailRequest::SignUp => "sign_up",
            MailRequest::PasswordReset => "password_reset",
            MailRequest::InviteeSignUp => "invitee_sign_up",
            MailRequest::CommunityJoin => "community_join",
        }
    }
}

/// Counts one request from `address` (a rate-limit address key) for mail to
/// `recipient`, or refuses it with the time to wait.
pub async fn reserve(
    db: &Db,
    kind: MailRequest,
    address: &str,
    recipient: &str,
    now_ms: i64,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(pg) = &mut tx {
        // One request per recipient at a time across servers (BEGIN IMMEDIATE does it on SQLite).
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 3))")
            .bind(recipient)
            .execute(&mut **pg)
            .await?;
    }
    let since = now_ms - WINDOW_MS;
    let (by_address, address_oldest, by_recipient, recipient_oldest): (
        i64,
        Option<i64>,
        i64,
        Option<i64>,
    ) = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT
                   (SELECT COUNT(*) FROM mail_requests WHERE ip = $1 AND at > $3),
                   (SELECT MIN(at) FROM mail_requests WHERE ip = $1 AND at > $3),
                   (SELECT COUNT(*) FROM mail_requests WHERE recipient = $2 AND at > $3),
                   (SELECT MIN(at) FROM mail_requests WHERE recipient = $2 AND at > $3)",
        )
        .bind(address)
        .bind(recipient)
        .bind(since)
        .fetch_one(c)
        .await
    })?;
    let wait = |oldest: Option<i64>| (oldest.unwrap_or(now_ms) + WINDOW_MS - now_ms + 999) / 1000;
    if by_address >= PER_ADDRESS {
        return Err(ServiceError::RateLimited {
            retry_after_secs: wait(address_oldest),
        });
    }
    if by_recipient >= PER_RECIPIENT {
        return Err(ServiceError::RateLimited {
            retry_after_secs: wait(recipient_oldest),
        });
    }
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO mail_requests (kind, ip, recipient, at) VALUES ($1, $2, $3, $4)")
            .bind(kind.code())
            .bind(address)
            .bind(recipient)
            .bind(now_ms)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    tx.commit().await?;
    Ok(())
}
