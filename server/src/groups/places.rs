//! "Allow login to other practices" (product.md §4 Multi-location): a group
//! admin, editing a member of one practice, lets them into other practices of
//! the group with a role per practice. What the admin holds in each target
//! practice caps what they may give there (`shared::groups::may_grant`, the
//! role table's `may_assign`); taking access away follows the team rules
//! (`may_change`). Grants are memberships marked with the group and the
//! practice they came from, so leaving the group can take them back.

use shared::groups::{may_grant, MemberPlaces, OtherPractice, PlaceGrant};
use shared::ids::{AccountId, GroupId, PracticeId};
use shared::membership::{may_change, ChangeRefused, MemberChange, Target};
use shared::roles::{assignable_by, Capability, MembershipStatus, Role};
use shared::validation::FieldErrors;

use super::{admin_of, commit, group_of, practices_of};
use crate::audit::Event;
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_tx, practices};

/// A member's place in one practice, and whether the group granted it.
#[derive(sqlx::FromRow)]
struct Place {
    role: Role,
    status: MembershipStatus,
    via_group: Option<GroupId>,
}

async fn place(
    tx: &mut Tx,
    practice: PracticeId,
    member: AccountId,
) -> ServiceResult<Option<Place>> {
    Ok(on_tx!(tx, c => {
        sqlx::query_as("SELECT role, status, via_group FROM memberships WHERE practice_id = $1 AND account_id = $2")
            .bind(practice)
            .bind(member)
            .fetch_optional(c)
            .await
    })?)
}

/// The member's access to the group's other practices, for their Edit page;
/// `None` when the practice is in no group or the viewer is not its admin.
pub async fn member_places(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    member: AccountId,
) -> ServiceResult<Option<MemberPlaces>> {
    memberships::require(backend, account, practice, Capability::ManageTeam).await?;
    let mut tx = backend.db.begin().await?;
    let home = place(&mut tx, practice, member)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(group) = group_of(&mut tx, practice).await? else {
        return Ok(None);
    };
    if admin_of(&mut tx, group, account).await?.is_none() {
        return Ok(None);
    }
    let (group_name,): (String,) = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT name FROM practice_groups WHERE id = $1").bind(group).fetch_one(c).await
    })?;
    let mut others = Vec::new();
    for other in practices_of(&mut tx, group).await? {
        if other.id == practice {
            continue;
        }
        let there = place(&mut tx, other.id, member).await?;
        let viewer = memberships::actor_in(&mut tx, account, other.id).await?;
        others.push(OtherPractice {
            practice: other.id,
            name: other.name,
            role: there.as_ref().map(|p| p.role),
            own_member: there.as_ref().is_some_and(|p| p.via_group.is_none()),
            assignable: viewer.as_ref().map(assignable_by).unwrap_or_default(),
        });
    }
    Ok(Some(MemberPlaces {
        group_name,
        home_role: home.role,
        others,
    }))
}

/// The audit events of access granted, changed or withdrawn: one in the
/// practice it opens, one in the practice the person came from.
fn events(
    action: &'static str,
    member: AccountId,
    there: PracticeId,
    from: PracticeId,
    before: Option<Role>,
    after: Option<Role>,
) -> Vec<Event> {
    let event = Event::new(action, member.to_string())
        .before(before.map(|role| serde_json::json!({ "practice": there, "role": role.code() })))
        .after(after.map(|role| serde_json::json!({ "practice": there, "role": role.code() })));
    super::in_each(&[there, from], &event)
}

/// The events of access the group granted that ends with the group.
pub(super) fn withdrawn(
    member: AccountId,
    there: PracticeId,
    from: PracticeId,
    role: Role,
) -> Vec<Event> {
    events(
        "group.access_withdrawn",
        member,
        there,
        from,
        Some(role),
        None,
    )
}

/// Sets the member's access to the listed practices of the group: a role
/// gives (or changes) access, none takes it away. All or nothing: one refused
/// line leaves every practice as it was.
pub async fn set_member_places(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    member: AccountId,
    grants: &[PlaceGrant],
) -> ServiceResult<()> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let group = group_of(&mut tx, practice)
        .await?
        .ok_or_else(|| FieldErrors::single("places", "This practice is in no group."))?;
    if admin_of(&mut tx, group, account).await?.is_none() {
        return Err(ServiceError::Forbidden);
    }
    place(&mut tx, practice, member)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let names: Vec<(PracticeId, String)> = practices_of(&mut tx, group)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    // Practices are locked in id order, so two admins never wait on each other.
    let mut targets: Vec<&PlaceGrant> = grants.iter().collect();
    targets.sort_by_key(|grant| grant.practice);
    let now = backend.now_ms();
    let mut audit_events = Vec::new();
    for grant in targets {
        let there = grant.practice;
        let name = names
            .iter()
            .find(|(id, _)| *id == there && there != practice)
            .map(|(_, name)| name.clone())
            .ok_or(ServiceError::NotFound)?;
        tx.lock_practice(there).await?;
        let before = place(&mut tx, there, member).await?;
        if before.as_ref().map(|p| p.role) == grant.role {
            continue;
        }
        if before.as_ref().is_some_and(|p| p.via_group.is_none()) {
            return Err(FieldErrors::single(
                "places",
                format!("{name}: they are on that team by its own invitation; its admins change their role there."),
            )
            .into());
        }
        let viewer = memberships::actor_in(&mut tx, account, there).await?;
        match (before, grant.role) {
            (None, Some(role)) => {
                if !may_grant(viewer.as_ref(), role) {
                    return Err(ServiceError::Refused(ChangeRefused::AboveYou));
                }
                memberships::grant(&mut tx, there, member, role, (group, practice), now).await?;
                audit_events.extend(events(
                    "group.access_granted",
                    member,
                    there,
                    practice,
                    None,
                    Some(role),
                ));
            }
            (Some(before), after) => {
                let viewer = viewer.ok_or(ServiceError::Refused(ChangeRefused::NotTeamManager))?;
                let target = Target {
                    role: before.role,
                    status: before.status,
                    yourself: member == account,
                };
                let change = after.map_or(MemberChange::Remove, MemberChange::Role);
                may_change(&viewer, target, change).map_err(ServiceError::Refused)?;
                let place = after.map(|role| (role, before.status));
                memberships::set_place(&mut tx, there, member, place).await?;
                let action = if after.is_some() {
                    "group.access_changed"
                } else {
                    "group.access_withdrawn"
                };
                audit_events.extend(events(
                    action,
                    member,
                    there,
                    practice,
                    Some(before.role),
                    after,
                ));
            }
            (None, None) => {}
        }
    }
    if audit_events.is_empty() {
        return Ok(()); // nothing changed: the transaction rolls back
    }
    commit(backend, caller, account, tx, audit_events).await
}
