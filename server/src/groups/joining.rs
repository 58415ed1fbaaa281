//! Practices joining and leaving a group (product.md §2 Group): invited by a
//! group admin by id, with an email to the invited practice's Owner; in only
//! when that Owner accepts; out when its Owner leaves or the group's owner
//! removes it, taking back every membership the group granted through it.

use shared::groups::may_remove;
use shared::ids::{AccountId, GroupId, PracticeId};
use shared::roles::{Capability, Role};
use shared::validation::FieldErrors;

use super::{admin_of, commit, commit_in_group, group_of, in_each, join, places, practice_ids};
use crate::audit::Event;
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::mail::{outbox, templates};
use crate::{on_tx, practices};

/// A group admin, working in one of the group's practices, invites another
/// practice by its id (its Owner reads it on their own Settings → Group).
pub async fn invite(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    target: &str,
) -> ServiceResult<()> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let group = group_of(&mut tx, practice)
        .await?
        .ok_or_else(|| FieldErrors::single("practice", "Create a group first."))?;
    if admin_of(&mut tx, group, account).await?.is_none() {
        return Err(ServiceError::Forbidden);
    }
    let unknown = || FieldErrors::single("practice", "No practice has this id.").into();
    let target: PracticeId = target.trim().parse().map_err(|_| unknown())?;
    if !tx.lock_practice(target).await? {
        return Err(unknown());
    }
    if group_of(&mut tx, target).await?.is_some() {
        return Err(FieldErrors::single("practice", "That practice is in a group already.").into());
    }
    let now = backend.now_ms();
    let inserted = on_tx!(&mut tx, c => {
        sqlx::query(
            "INSERT INTO group_invitations (group_id, practice_id, invited_by, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(group)
        .bind(target)
        .bind(account)
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    if inserted == 0 {
        return Err(FieldErrors::single("practice", "That practice is invited already.").into());
    }
    notify_owner(backend, &mut tx, account, group, target, now).await?;
    let event = Event::new("group.practice_invited", target.to_string())
        .after(serde_json::json!({ "group": group }));
    let events = in_each(&[practice, target], &event);
    commit(backend, caller, account, tx, events).await?;
    backend.mail_wake.notify_one();
    Ok(())
}

/// Queues the invitation's email to the invited practice's Owner (their
/// contact address if they set one), with the change.
async fn notify_owner(
    backend: &Backend,
    tx: &mut Tx,
    account: AccountId,
    group: GroupId,
    target: PracticeId,
    now: i64,
) -> ServiceResult<()> {
    let facts: (String, String, String, Option<String>, Option<String>) = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT g.name, p.name, (SELECT full_name FROM accounts WHERE id = $3), a.email, m.contact_email
             FROM practice_groups g, practices p
             JOIN memberships m ON m.practice_id = p.id AND m.role = $4
             JOIN accounts a ON a.id = m.account_id
             WHERE g.id = $1 AND p.id = $2",
        )
        .bind(group)
        .bind(target)
        .bind(account)
        .bind(Role::Owner)
        .fetch_one(c)
        .await
    })?;
    let (group_name, practice_name, invited_by, login, contact) = facts;
    let Some(to) = shared::staff::notification_address(contact.as_deref(), login.as_deref()) else {
        return Ok(()); // an Owner with a username and no contact address reads it on the page
    };
    let link = backend.config.link(&format!("/p/{target}/settings/group"));
    let mail = templates::group_invitation(&to, &group_name, &practice_name, &invited_by, &link);
    outbox::enqueue(tx, Some(target), &mail, now).await?;
    Ok(())
}

/// The invited practice's Owner accepts or declines the group's invitation.
pub async fn respond(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    group: GroupId,
    accept: bool,
) -> ServiceResult<()> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::JoinGroups).await?;
    let removed = on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM group_invitations WHERE group_id = $1 AND practice_id = $2")
            .bind(group)
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    if removed == 0 {
        return Err(ServiceError::NotFound);
    }
    if !accept {
        let event = Event::new("group.invitation_declined", practice.to_string())
            .in_practice(practice)
            .after(serde_json::json!({ "group": group }));
        return commit(backend, caller, account, tx, vec![event]).await;
    }
    join(&mut tx, group, practice).await?;
    let event = Event::new("group.practice_added", practice.to_string());
    commit_in_group(backend, caller, account, tx, group, event).await
}

/// Takes `target` out of the group: its Owner leaving, or the group's owner
/// removing it. Every membership the group granted into `target`, or to
/// people of `target` in the other practices, ends with it.
pub async fn remove(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    target: PracticeId,
) -> ServiceResult<()> {
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let group = group_of(&mut tx, practice)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let group_owner = admin_of(&mut tx, group, account).await? == Some(true);
    if !may_remove(&actor, target == practice, group_owner) {
        return Err(ServiceError::Forbidden);
    }
    if !tx.lock_practice(target).await? || group_of(&mut tx, target).await? != Some(group) {
        return Err(ServiceError::NotFound);
    }
    let touched = practice_ids(&mut tx, group).await?;
    let ended: Vec<(AccountId, PracticeId, PracticeId, Role)> = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT account_id, practice_id, granted_from, role FROM memberships
             WHERE via_group = $1 AND (practice_id = $2 OR granted_from = $2)",
        )
        .bind(group)
        .bind(target)
        .fetch_all(c)
        .await
    })?;
    on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM memberships WHERE via_group = $1 AND (practice_id = $2 OR granted_from = $2)")
            .bind(group)
            .bind(target)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET group_id = NULL WHERE id = $1")
            .bind(target)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new("group.practice_removed", target.to_string())
        .before(serde_json::json!({ "group": group }));
    let mut events = in_each(&touched, &event);
    for (member, there, from, role) in ended {
        events.extend(places::withdrawn(member, there, from, role));
    }
    commit(backend, caller, account, tx, events).await
}
