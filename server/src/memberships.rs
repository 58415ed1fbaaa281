//! A person's place on a practice's team (product.md §2 Membership, §3):
//! what they may do there, and joining the team. Invitations and the join
//! queue create memberships through [`add`]; every service asks [`require`]
//! or [`require_in`] before acting; admins move people with [`change`].

use serde::Serialize;
use shared::ids::{AccountId, GroupId, MembershipId, PracticeId};
use shared::membership::{may_change, MemberChange, Target};
use shared::roles::{can, Actor, Capability, MembershipStatus, PermissionFlags, Role};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{on_pool, on_tx, practices, sessions};

/// A membership's columns that make its [`Actor`] (the names `MEMBERSHIP_SQL` gives them).
#[derive(sqlx::FromRow)]
pub(crate) struct MembershipRow {
    role: Role,
    status: MembershipStatus,
    #[sqlx(flatten)]
    flags: PermissionFlags,
}

impl From<MembershipRow> for Actor {
    fn from(row: MembershipRow) -> Actor {
        Actor {
            role: row.role,
            status: row.status,
            flags: row.flags,
        }
    }
}

const MEMBERSHIP_SQL: &str = "SELECT role, status, show_in_app, chat_user, default_doctor, can_sign_forms, can_invite_clients
     FROM memberships WHERE account_id = $1 AND practice_id = $2";

/// What `account` may do in `practice`; not a member (or another practice's id) is NotFound,
/// so ids of practices one does not belong to reveal nothing.
pub async fn actor(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Actor> {
    let row: Option<MembershipRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(MEMBERSHIP_SQL).bind(account).bind(practice).fetch_optional(pool).await
    })?;
    row.map(Actor::from).ok_or(ServiceError::NotFound)
}

/// Fails unless `account` holds `capability` in `practice`.
pub async fn require(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    capability: Capability,
) -> ServiceResult<Actor> {
    permitted(actor(backend, account, practice).await?, capability)
}

/// [`actor`] inside a transaction; `None` for someone not on the team.
pub(crate) async fn actor_in(
    tx: &mut Tx,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Option<Actor>> {
    let row: Option<MembershipRow> = on_tx!(tx, c => {
        sqlx::query_as(MEMBERSHIP_SQL).bind(account).bind(practice).fetch_optional(c).await
    })?;
    Ok(row.map(Actor::from))
}

/// [`require`] inside a write transaction, after its lock: the answer cannot
/// change before the transaction commits.
pub async fn require_in(
    tx: &mut Tx,
    account: AccountId,
    practice: PracticeId,
    capability: Capability,
) -> ServiceResult<Actor> {
    permitted(
        actor_in(tx, account, practice)
            .await?
            .ok_or(ServiceError::NotFound)?,
        capability,
    )
}

/// Fails unless `actor` holds `capability`: suspended members hold none.
pub(crate) fn permitted(actor: Actor, capability: Capability) -> ServiceResult<Actor> {
    if actor.status == MembershipStatus::Suspended {
        return Err(ServiceError::Suspended);
    }
    if !can(&actor, capability).permits(false) {
        return Err(ServiceError::Forbidden);
    }
    Ok(actor)
}

/// SQL for "an active Owner or Admin" of the memberships row `alias`, made
/// from `Role::is_admin_capable` so the rule has one home. The codes are the
/// roles' own constants: nothing from a request goes into it.
pub(crate) fn active_admin_capable(alias: &str) -> String {
    let roles: Vec<String> = Role::ALL
        .into_iter()
        .filter(|role| role.is_admin_capable())
        .map(|role| format!("'{}'", role.code()))
        .collect();
    format!(
        "{alias}.status = '{}' AND {alias}.role IN ({})",
        MembershipStatus::Active.code(),
        roles.join(", ")
    )
}

/// What fills `{doctor_name}` (§3): the practice's active default doctor, or
/// the practice's own name when it has none.
pub(crate) async fn doctor_name(tx: &mut Tx, practice: PracticeId) -> ServiceResult<String> {
    let names: (Option<String>, String) = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT (SELECT a.full_name FROM memberships m JOIN accounts a ON a.id = m.account_id
                     WHERE m.practice_id = p.id AND m.default_doctor AND m.status = 'active'), p.name
             FROM practices p WHERE p.id = $1",
        )
        .bind(practice)
        .fetch_one(c)
        .await
    })?;
    Ok(names.0.unwrap_or(names.1))
}

/// Whether `account` is on the team of `practice` (active or not).
pub async fn is_member(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
) -> ServiceResult<bool> {
    let found: Option<(MembershipId,)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT id FROM memberships WHERE practice_id = $1 AND account_id = $2")
            .bind(practice)
            .bind(account)
            .fetch_optional(c)
            .await
    })?;
    Ok(found.is_some())
}

/// Puts `account` on the team with `role`, active, able to message clients.
pub async fn add(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    role: Role,
    now: i64,
) -> ServiceResult<()> {
    insert(tx, practice, account, role, false, None, now).await
}

/// The person's next login needs no device approval: an admin let them in
/// (approved their join request, added them), as an invitation does (§6).
pub async fn trust_first_device(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE memberships SET trust_first_device = TRUE WHERE practice_id = $1 AND account_id = $2")
            .bind(practice)
            .bind(account)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The Owner of a new practice: may also sign forms from day one.
pub async fn add_owner(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    now: i64,
) -> ServiceResult<()> {
    insert(tx, practice, account, Role::Owner, true, None, now).await
}

/// A group admin lets `account` (of the group's practice `from`) log in to
/// `practice` (§4 Multi-location). The admin's granting approves their
/// browser there, as an admin's adding does.
pub(crate) async fn grant(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    role: Role,
    via: (GroupId, PracticeId),
    now: i64,
) -> ServiceResult<()> {
    insert(tx, practice, account, role, false, Some(via), now).await?;
    trust_first_device(tx, practice, account).await
}

async fn insert(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    role: Role,
    can_sign_forms: bool,
    via: Option<(GroupId, PracticeId)>,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO memberships (id, practice_id, account_id, role, status, chat_user, can_sign_forms, created_at, via_group, granted_from)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8, $9)",
        )
        .bind(MembershipId::from_uuid(Uuid::new_v4()))
        .bind(practice)
        .bind(account)
        .bind(role)
        .bind(MembershipStatus::Active)
        .bind(can_sign_forms)
        .bind(now)
        .bind(via.map(|(group, _)| group))
        .bind(via.map(|(_, from)| from))
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A member's place as the audit log records it, before and after a change.
#[derive(Clone, Copy, Serialize, sqlx::FromRow)]
struct Place {
    role: Role,
    status: MembershipStatus,
}

/// Promotes, demotes, suspends, reactivates or removes `member`, if
/// `shared::membership::may_change` allows it under the practice's lock (so two
/// admins demoting each other at once cannot both win). Suspension and removal
/// end the person's sessions; the change and its audit event are one transaction.
pub async fn change(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    member: AccountId,
    change: MemberChange,
) -> ServiceResult<()> {
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let before: Option<Place> = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT role, status FROM memberships WHERE practice_id = $1 AND account_id = $2")
            .bind(practice)
            .bind(member)
            .fetch_optional(c)
            .await
    })?;
    let before = before.ok_or(ServiceError::NotFound)?;
    let target = Target {
        role: before.role,
        status: before.status,
        yourself: member == account,
    };
    may_change(&actor, target, change).map_err(ServiceError::Refused)?;
    if change == MemberChange::TransferOwnership {
        return transfer(backend, caller, tx, account, practice, member).await;
    }
    let after = match change {
        MemberChange::Role(role) => Some(Place { role, ..before }),
        MemberChange::Suspend => Some(Place {
            status: MembershipStatus::Suspended,
            ..before
        }),
        MemberChange::Reactivate => Some(Place {
            status: MembershipStatus::Active,
            ..before
        }),
        MemberChange::Remove | MemberChange::TransferOwnership => None,
    };
    set_place(&mut tx, practice, member, after.map(|p| (p.role, p.status))).await?;
    if matches!(change, MemberChange::Suspend | MemberChange::Remove) {
        sessions::end_all(&mut tx, member).await?;
    }
    if change == MemberChange::Remove {
        // What a group granted them from here goes with them (§4 Multi-location).
        on_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM memberships WHERE account_id = $1 AND granted_from = $2")
                .bind(member)
                .bind(practice)
                .execute(c)
                .await.map(|r| r.rows_affected())
        })?;
    }
    let mut event = Event::new(change.action(), member.to_string())
        .in_practice(practice)
        .before(before);
    if let Some(place) = after {
        event = event.after(place);
    }
    let now = backend.now_ms();
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(())
}

/// Writes `member`'s role and status in `practice`, or takes them off its team (`None`).
pub(crate) async fn set_place(
    tx: &mut Tx,
    practice: PracticeId,
    member: AccountId,
    place: Option<(Role, MembershipStatus)>,
) -> ServiceResult<()> {
    match place {
        Some((role, status)) => on_tx!(tx, c => {
            sqlx::query("UPDATE memberships SET role = $1, status = $2 WHERE practice_id = $3 AND account_id = $4")
                .bind(role)
                .bind(status)
                .bind(practice)
                .bind(member)
                .execute(c)
                .await.map(|r| r.rows_affected())
        })?,
        None => on_tx!(tx, c => {
            sqlx::query("DELETE FROM memberships WHERE practice_id = $1 AND account_id = $2")
                .bind(practice)
                .bind(member)
                .execute(c)
                .await.map(|r| r.rows_affected())
        })?,
    };
    Ok(())
}

/// The Owner becomes an Admin and `member` the Owner, in one transaction under
/// the practice's lock: there is never a moment with none or two.
async fn transfer(
    backend: &Backend,
    caller: &Caller,
    mut tx: Tx,
    owner: AccountId,
    practice: PracticeId,
    member: AccountId,
) -> ServiceResult<()> {
    for (account, role) in [(owner, Role::Admin), (member, Role::Owner)] {
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE memberships SET role = $1 WHERE practice_id = $2 AND account_id = $3")
                .bind(role)
                .bind(practice)
                .bind(account)
                .execute(c)
                .await.map(|r| r.rows_affected())
        })?;
    }
    let event = Event::new(
        MemberChange::TransferOwnership.action(),
        practice.to_string(),
    )
    .in_practice(practice)
    .before(serde_json::json!({ "owner": owner }))
    .after(serde_json::json!({ "owner": member }));
    let origin = caller.as_actor(owner);
    audit::commit(tx, &backend.audit_key, &origin, backend.now_ms(), event).await?;
    Ok(())
}
