//! Password reset (product.md §6): a link by email that works once, within
//! the hour; using it ends every session of the account.

use shared::email::EmailAddress;
use shared::ids::AccountId;
use shared::validation::{validate_new_password, validate_reset_request};

use super::{account_id_by_email, RESET_LINK_MS};
use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::mail::{outbox, templates};
use crate::mail_limit::{self, MailRequest};
use crate::tokens::Secret;
use crate::{on_pool, on_tx, rate_limit, sessions};

/// A link that sets `account`'s password once, until `expires_at`: the
/// token (for the mail to carry) and the link. Used by reset requests and by
/// Add user's "choose your password".
pub(crate) async fn password_link(
    backend: &Backend,
    tx: &mut Tx,
    account: AccountId,
    expires_at: i64,
    now: i64,
) -> ServiceResult<(Secret, String)> {
    let token = Secret::generate();
    on_tx!(tx, c => {
        sqlx::query("INSERT INTO password_resets (token_hash, account_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token.hash())
            .bind(account)
            .bind(expires_at)
            .bind(now)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let link = backend
        .config
        .link(&format!("/reset-password?token={}", token.expose()));
    Ok((token, link))
}

/// Tells the account's address (if it has one) that its password changed,
/// with a reset link in case it was not them.
pub(crate) async fn tell_password_changed(
    backend: &Backend,
    tx: &mut Tx,
    email: Option<&str>,
    now: i64,
) -> ServiceResult<()> {
    if let Some(email) = email.and_then(|e| EmailAddress::parse(e).ok()) {
        let reset_link = backend.config.link("/forgot-password");
        outbox::enqueue(
            tx,
            None,
            &templates::password_changed(&email, &reset_link),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Mails a reset link if the address has an account; answers the same if not.
pub async fn request_password_reset(
    backend: &Backend,
    caller: &Caller,
    email: &str,
) -> ServiceResult<EmailAddress> {
    let email = validate_reset_request(email)?;
    let now = backend.now_ms();
    let address = rate_limit::address_key(caller.ip_key());
    mail_limit::reserve(
        &backend.db,
        MailRequest::PasswordReset,
        &address,
        email.as_str(),
        now,
    )
    .await?;
    let mut tx = backend.db.begin().await?;
    if let Some(account) = account_id_by_email(&mut tx, &email).await? {
        let (token, link) =
            password_link(backend, &mut tx, account, now + RESET_LINK_MS, now).await?;
        outbox::enqueue(
            &mut tx,
            None,
            &templates::password_reset(&email, &link).carrying(&token),
            now,
        )
        .await?;
        let origin = Origin {
            actor: Some(account),
            ip: caller.ip.clone(),
        };
        audit::append(
            &mut tx,
            &backend.audit_key,
            &origin,
            now,
            Event::new("account.reset_requested", account.to_string()),
        )
        .await?;
    }
    tx.commit().await?;
    backend.mail_wake.notify_one();
    Ok(email)
}

#[derive(sqlx::FromRow)]
struct ResetRow {
    account_id: AccountId,
    email: Option<String>,
    expires_at: i64,
    used_at: Option<i64>,
}

const RESET_SQL: &str =
    "SELECT r.account_id, a.email, r.expires_at, r.used_at FROM password_resets r
     JOIN accounts a ON a.id = r.account_id WHERE r.token_hash = $1";

/// A reset link works once, within the hour.
fn usable_reset(row: Option<ResetRow>, now: i64) -> ServiceResult<ResetRow> {
    match row {
        None => Err(ServiceError::Link(LinkProblem::Unknown)),
        Some(r) if r.used_at.is_some() => Err(ServiceError::Link(LinkProblem::Used)),
        Some(r) if now >= r.expires_at => Err(ServiceError::Link(LinkProblem::Expired)),
        Some(r) => Ok(r),
    }
}

/// Whether a reset link can still be used: the page says so before anyone types.
pub async fn check_reset_link(backend: &Backend, token: &str) -> ServiceResult<()> {
    let token = Secret::from_presented(token);
    let row: Option<ResetRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(RESET_SQL).bind(token.hash()).fetch_optional(pool).await
    })?;
    usable_reset(row, backend.now_ms()).map(|_| ())
}

/// Sets a new password from a reset link: the link works once, within the hour,
/// and every session of the account ends.
pub async fn reset_password(
    backend: &Backend,
    caller: &Caller,
    token: &str,
    new_password: &str,
) -> ServiceResult<()> {
    let password = validate_new_password(new_password)?;
    // The link first: a dead or forged link must not take one of the few argon2 slots.
    check_reset_link(backend, token).await?;
    let token = Secret::from_presented(token);
    let password_hash = backend.passwords.hash(password.expose()).await?;
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let row: Option<ResetRow> = on_tx!(&mut tx, c => {
        sqlx::query_as(RESET_SQL).bind(token.hash()).fetch_optional(c).await
    })?;
    let row = usable_reset(row, now)?;
    let account = row.account_id;
    // Only one use wins, even at the same moment on two connections; every
    // other link of the account dies with it.
    let claimed = on_tx!(&mut tx, c => {
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(token.hash())
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    if claimed != 1 {
        return Err(ServiceError::Link(LinkProblem::Used));
    }
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE password_resets SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(account)
            .execute(&mut *c)
            .await?;
        sqlx::query("UPDATE accounts SET password_hash = $1, must_change_password = FALSE WHERE id = $2")
            .bind(&password_hash)
            .bind(row.account_id)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
    })?;
    sessions::end_all(&mut tx, account).await?;
    let origin = caller.as_actor(account);
    audit::append(
        &mut tx,
        &backend.audit_key,
        &origin,
        now,
        Event::new("account.password_reset", account.to_string()),
    )
    .await?;
    tell_password_changed(backend, &mut tx, row.email.as_deref(), now).await?;
    tx.commit().await?;
    backend.mail_wake.notify_one();
    Ok(())
}
