//! Choosing a new password while signed in — first of all after logging in
//! with a one-time password an admin handed over (product.md §4).

use shared::ids::AccountId;
use shared::validation::{ChangePasswordForm, FieldErrors};

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::{ServiceError, ServiceResult};
use crate::tokens::Secret;
use crate::{on_pool, on_tx, rate_limit, sessions};

/// Checks the current password (counted like a login attempt, so a borrowed
/// session cannot guess it), sets the new one, ends every other session and
/// returns the browser's new one.
pub async fn change_password(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    form: &ChangePasswordForm,
) -> ServiceResult<Secret> {
    let new = form.validate()?;
    let key = account.to_string();
    let ip = &rate_limit::address_key(caller.ip_key());
    let now = backend.now_ms();
    if let Err(retry_after_secs) = rate_limit::reserve_attempt(&backend.db, &key, ip, now).await? {
        return Err(ServiceError::RateLimited { retry_after_secs });
    }
    let (hash, email): (String, Option<String>) = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT password_hash, email FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_one(pool)
            .await
    })?;
    if !backend.passwords.verify(&form.current, Some(&hash)).await {
        return Err(ServiceError::Validation(FieldErrors::single(
            "current",
            "That is not the password you logged in with.",
        )));
    }
    let new_hash = backend.passwords.hash(new.expose()).await?;
    let mut tx = backend.db.begin().await?;
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE accounts SET password_hash = $1, must_change_password = FALSE WHERE id = $2")
            .bind(&new_hash)
            .bind(account)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    rate_limit::record_success(&mut tx, &key, ip, now).await?;
    sessions::end_all(&mut tx, account).await?;
    let session = sessions::start(&mut tx, account, caller, now).await?;
    super::reset::tell_password_changed(backend, &mut tx, email.as_deref(), now).await?;
    let origin = caller.as_actor(account);
    let event = Event::new("account.password_changed", account.to_string());
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    backend.mail_wake.notify_one();
    Ok(session)
}

/// Whether `account` still has to replace a one-time password.
pub async fn must_change_password(db: &crate::db::Db, account: AccountId) -> ServiceResult<bool> {
    let (must,): (bool,) = on_pool!(db, pool => {
        sqlx::query_as("SELECT must_change_password FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_one(pool)
            .await
    })?;
    Ok(must)
}
