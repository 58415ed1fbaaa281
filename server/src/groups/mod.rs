//! Groups of practices (product.md §2 Group, §4 Multi-location): an Owner
//! makes one from their practice, the group's admins invite other practices,
//! and a practice joins only when its own Owner accepts — never by one side
//! alone. Leaving takes away every membership the group granted into or out
//! of the practice. Each change is audited in every practice it touches.
//! Joining and leaving is `joining`, naming admins `admins`, who may log in
//! where `places`.

mod admins;
mod joining;
mod places;

pub use admins::{name_admin, remove_admin};
pub use joining::{invite, remove, respond};
pub use places::{member_places, set_member_places};

use shared::groups::{GroupAdmin, GroupForm, GroupInvitation, GroupPage, GroupPractice, GroupView};
use shared::ids::{AccountId, GroupId, PracticeId};
use shared::roles::{Capability, Role};
use shared::validation::FieldErrors;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::ServiceResult;
use crate::{memberships, on_tx, practices};

/// The group `practice` is in.
async fn group_of(tx: &mut Tx, practice: PracticeId) -> ServiceResult<Option<GroupId>> {
    let found: Option<(Option<GroupId>,)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT group_id FROM practices WHERE id = $1").bind(practice).fetch_optional(c).await
    })?;
    Ok(found.and_then(|(group,)| group))
}

/// Whether `account` is an admin of `group`, and its owner.
async fn admin_of(tx: &mut Tx, group: GroupId, account: AccountId) -> ServiceResult<Option<bool>> {
    let found: Option<(bool,)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT owner FROM group_admins WHERE group_id = $1 AND account_id = $2")
            .bind(group)
            .bind(account)
            .fetch_optional(c)
            .await
    })?;
    Ok(found.map(|(owner,)| owner))
}

/// The group's practices, by name.
async fn practices_of(tx: &mut Tx, group: GroupId) -> ServiceResult<Vec<GroupPractice>> {
    let rows: Vec<(PracticeId, String, Option<String>)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT p.id, p.name, (SELECT a.full_name FROM memberships m JOIN accounts a ON a.id = m.account_id
                                   WHERE m.practice_id = p.id AND m.role = $2)
             FROM practices p WHERE p.group_id = $1 ORDER BY p.name, p.id",
        )
        .bind(group)
        .bind(Role::Owner)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, owner)| GroupPractice {
            id,
            name,
            owner: owner.unwrap_or_default(),
        })
        .collect())
}

/// The ids of the group's practices.
async fn practice_ids(tx: &mut Tx, group: GroupId) -> ServiceResult<Vec<PracticeId>> {
    Ok(practices_of(tx, group)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// One event per practice in `touched`.
fn in_each(touched: &[PracticeId], event: &Event) -> Vec<Event> {
    touched
        .iter()
        .map(|practice| event.clone().in_practice(*practice))
        .collect()
}

/// Commits the change in `tx` with its audit events, made by `account` through this request.
async fn commit(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    tx: Tx,
    events: Vec<Event>,
) -> ServiceResult<()> {
    let origin = caller.as_actor(account);
    audit::commit_all(tx, &backend.audit_key, &origin, backend.now_ms(), events).await?;
    Ok(())
}

/// Commits a change of the group with its event in each of its practices.
async fn commit_in_group(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    mut tx: Tx,
    group: GroupId,
    event: Event,
) -> ServiceResult<()> {
    let touched = practice_ids(&mut tx, group).await?;
    let events = in_each(
        &touched,
        &event.after(serde_json::json!({ "group": group })),
    );
    commit(backend, caller, account, tx, events).await
}

/// Settings → Group for a practice's Owner and Admins.
pub async fn page(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<GroupPage> {
    memberships::require(backend, account, practice, Capability::ChangeSettings).await?;
    // Read in one transaction: the helpers take one, and the page is one moment.
    let mut tx = backend.db.begin().await?;
    let Some(group) = group_of(&mut tx, practice).await? else {
        let invitations: Vec<(GroupId, String, String)> = on_tx!(&mut tx, c => {
            sqlx::query_as(
                "SELECT g.id, g.name, a.full_name FROM group_invitations i
                 JOIN practice_groups g ON g.id = i.group_id JOIN accounts a ON a.id = i.invited_by
                 WHERE i.practice_id = $1 ORDER BY i.created_at",
            )
            .bind(practice)
            .fetch_all(c)
            .await
        })?;
        return Ok(GroupPage {
            group: None,
            invitations: invitations
                .into_iter()
                .map(|(group, group_name, invited_by)| GroupInvitation {
                    group,
                    group_name,
                    invited_by,
                })
                .collect(),
        });
    };
    let (name,): (String,) = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT name FROM practice_groups WHERE id = $1").bind(group).fetch_one(c).await
    })?;
    let admins: Vec<(AccountId, String, bool)> = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT a.id, a.full_name, g.owner FROM group_admins g JOIN accounts a ON a.id = g.account_id
             WHERE g.group_id = $1 ORDER BY g.owner DESC, a.full_name",
        )
        .bind(group)
        .fetch_all(c)
        .await
    })?;
    let invited: Vec<(PracticeId, String)> = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT p.id, p.name FROM group_invitations i JOIN practices p ON p.id = i.practice_id
             WHERE i.group_id = $1 ORDER BY p.name",
        )
        .bind(group)
        .fetch_all(c)
        .await
    })?;
    let you = admin_of(&mut tx, group, account).await?;
    Ok(GroupPage {
        group: Some(GroupView {
            id: group,
            name,
            practices: practices_of(&mut tx, group).await?,
            admins: admins
                .into_iter()
                .map(|(account, full_name, owner)| GroupAdmin {
                    account,
                    full_name,
                    owner,
                })
                .collect(),
            invited: invited
                .into_iter()
                .map(|(id, name)| GroupPractice {
                    id,
                    name,
                    owner: String::new(),
                })
                .collect(),
            you_admin: you.is_some(),
            you_owner: you == Some(true),
        }),
        invitations: Vec::new(),
    })
}

/// The practice's Owner makes a group of it and becomes the group's owner.
pub async fn create(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    form: &GroupForm,
) -> ServiceResult<GroupId> {
    let name = form.validate()?;
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::JoinGroups).await?;
    if group_of(&mut tx, practice).await?.is_some() {
        return Err(FieldErrors::single("name", "This practice is in a group already.").into());
    }
    let group = GroupId::from_uuid(Uuid::new_v4());
    let now = backend.now_ms();
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO practice_groups (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(group)
            .bind(&name)
            .bind(now)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO group_admins (group_id, account_id, owner, added_at) VALUES ($1, $2, TRUE, $3)")
            .bind(group)
            .bind(account)
            .bind(now)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    join(&mut tx, group, practice).await?;
    let event = Event::new("group.created", group.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "name": name }));
    commit(backend, caller, account, tx, vec![event]).await?;
    Ok(group)
}

/// Puts `practice` in `group`; its other pending invitations lapse (one group at most).
async fn join(tx: &mut Tx, group: GroupId, practice: PracticeId) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE practices SET group_id = $1 WHERE id = $2")
            .bind(group)
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM group_invitations WHERE practice_id = $1")
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
