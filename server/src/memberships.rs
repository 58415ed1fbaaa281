//! A person's place on a practice's team (product.md §2 Membership, §3):
//! what they may do there, and joining the team. Invitations and the join
//! queue create memberships through [`add`]; every service asks [`require`]
//! or [`require_in`] before acting.

use shared::ids::{AccountId, MembershipId, PracticeId};
use shared::roles::{can, Actor, Capability, MembershipStatus, PermissionFlags, Role};
use uuid::Uuid;

use crate::backend::Backend;
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{on_pool, on_tx};

#[derive(sqlx::FromRow)]
struct MembershipRow {
    role: Role,
    status: MembershipStatus,
    show_in_app: bool,
    chat_user: bool,
    default_doctor: bool,
    can_sign_forms: bool,
    can_invite_clients: bool,
}

impl From<MembershipRow> for Actor {
    fn from(row: MembershipRow) -> Actor {
        Actor {
            role: row.role,
            status: row.status,
            flags: PermissionFlags {
                show_in_app: row.show_in_app,
                chat_user: row.chat_user,
                default_doctor: row.default_doctor,
                can_sign_forms: row.can_sign_forms,
                can_invite_clients: row.can_invite_clients,
            },
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

/// [`require`] inside a write transaction, after its lock: the answer cannot
/// change before the transaction commits.
pub async fn require_in(
    tx: &mut Tx,
    account: AccountId,
    practice: PracticeId,
    capability: Capability,
) -> ServiceResult<Actor> {
    let row: Option<MembershipRow> = on_tx!(tx, c => {
        sqlx::query_as(MEMBERSHIP_SQL).bind(account).bind(practice).fetch_optional(c).await
    })?;
    permitted(
        row.map(Actor::from).ok_or(ServiceError::NotFound)?,
        capability,
    )
}

fn permitted(actor: Actor, capability: Capability) -> ServiceResult<Actor> {
    if actor.status == MembershipStatus::Suspended {
        return Err(ServiceError::NotFound);
    }
    if !can(&actor, capability).permits(false) {
        return Err(ServiceError::Forbidden);
    }
    Ok(actor)
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
    insert(tx, practice, account, role, false, now).await
}

/// The Owner of a new practice: may also sign forms from day one.
pub async fn add_owner(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    now: i64,
) -> ServiceResult<()> {
    insert(tx, practice, account, Role::Owner, true, now).await
}

async fn insert(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    role: Role,
    can_sign_forms: bool,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO memberships (id, practice_id, account_id, role, status, chat_user, can_sign_forms, created_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7)",
        )
        .bind(MembershipId::from_uuid(Uuid::new_v4()))
        .bind(practice)
        .bind(account)
        .bind(role)
        .bind(MembershipStatus::Active)
        .bind(can_sign_forms)
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
