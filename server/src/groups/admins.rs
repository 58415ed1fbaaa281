//! Group admins (product.md §1 Group admin): the group's owner names people
//! of the group's practices who may invite practices and let members into
//! other practices. Naming someone gives them no role anywhere: what they may
//! grant in a practice is still capped by their own place there.

use shared::ids::{AccountId, PracticeId};
use shared::roles::Capability;
use shared::validation::{FieldErrors, LoginIdentifier};

use super::{admin_of, commit_in_group, group_of};
use crate::audit::Event;
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_tx, practices};

/// The group of `practice`, when `account` owns it.
async fn owned_group(
    tx: &mut Tx,
    account: AccountId,
    practice: PracticeId,
    field: &str,
) -> ServiceResult<shared::ids::GroupId> {
    let group = group_of(tx, practice)
        .await?
        .ok_or_else(|| FieldErrors::single(field, "This practice is in no group."))?;
    if admin_of(tx, group, account).await? != Some(true) {
        return Err(ServiceError::Forbidden);
    }
    Ok(group)
}

/// The group's owner names the person with `login` (email or username), who
/// must be an active Owner or Admin of one of the group's practices.
pub async fn name_admin(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    login: &str,
) -> ServiceResult<()> {
    let login = LoginIdentifier::parse(login).map_err(|m| FieldErrors::single("login", m))?;
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let group = owned_group(&mut tx, account, practice, "login").await?;
    let column = match login {
        LoginIdentifier::Email(_) => "email",
        LoginIdentifier::Username(_) => "username",
    };
    // Only someone who manages a team of the group has anything to grant or invite with.
    let sql = format!(
        "SELECT a.id FROM accounts a WHERE a.{column} = $1 AND EXISTS (
            SELECT 1 FROM memberships m JOIN practices p ON p.id = m.practice_id
            WHERE m.account_id = a.id AND p.group_id = $2 AND {})",
        memberships::active_admin_capable("m")
    );
    let found: Option<(AccountId,)> = on_tx!(&mut tx, c => {
        sqlx::query_as(&sql)
            .bind(login.key())
            .bind(group)
            .fetch_optional(c)
            .await
    })?;
    let (named,) = found.ok_or_else(|| {
        FieldErrors::single(
            "login",
            "Nobody with this login is an active Owner or Admin of a practice of this group.",
        )
    })?;
    let now = backend.now_ms();
    let added = on_tx!(&mut tx, c => {
        sqlx::query(
            "INSERT INTO group_admins (group_id, account_id, owner, added_at) VALUES ($1, $2, FALSE, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(group)
        .bind(named)
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    if added == 0 {
        return Err(FieldErrors::single("login", "They are a group admin already.").into());
    }
    commit_in_group(
        backend,
        caller,
        account,
        tx,
        group,
        Event::new("group.admin_named", named.to_string()),
    )
    .await
}

/// The group's owner takes a named admin off the list (never themselves).
pub async fn remove_admin(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    admin: AccountId,
) -> ServiceResult<()> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let group = owned_group(&mut tx, account, practice, "admin").await?;
    let removed = on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM group_admins WHERE group_id = $1 AND account_id = $2 AND NOT owner")
            .bind(group)
            .bind(admin)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    if removed == 0 {
        return Err(ServiceError::NotFound);
    }
    commit_in_group(
        backend,
        caller,
        account,
        tx,
        group,
        Event::new("group.admin_removed", admin.to_string()),
    )
    .await
}
