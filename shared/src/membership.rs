//! A place on a team: its status and flags, and changing it (product.md §3
//! invariants, §4) — promote, demote, change an access level, suspend,
//! reactivate, remove. The Team page offers only what [`may_change`] allows;
//! the server asks it again, inside the practice's lock, before it writes.

use serde::{Deserialize, Serialize};

use crate::roles::{can, may_assign, Actor, Capability, Role};

/// Per-person permission flags (§3). The server reads them straight from
/// the memberships row's columns of the same names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PermissionFlags {
    pub show_in_app: bool,
    pub chat_user: bool,
    pub default_doctor: bool,
    pub can_sign_forms: bool,
    pub can_invite_clients: bool,
}

impl PermissionFlags {
    /// The names of the flags this person holds, in the order product.md lists them.
    pub fn held(&self) -> Vec<&'static str> {
        Flag::ALL
            .into_iter()
            .filter(|flag| flag.of(self))
            .map(Flag::label)
            .collect()
    }
}

/// One of the [`PermissionFlags`], for filtering the Team page by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flag {
    ShowInApp,
    ChatUser,
    DefaultDoctor,
    CanSignForms,
    CanInviteClients,
}

impl Flag {
    pub const ALL: [Flag; 5] = [
        Flag::ShowInApp,
        Flag::ChatUser,
        Flag::DefaultDoctor,
        Flag::CanSignForms,
        Flag::CanInviteClients,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Flag::ShowInApp => "Shown in patient app",
            Flag::ChatUser => "Chat user",
            Flag::DefaultDoctor => "Default doctor",
            Flag::CanSignForms => "Can sign forms",
            Flag::CanInviteClients => "Can invite clients",
        }
    }

    /// The stable text: the memberships column that holds it.
    pub fn code(self) -> &'static str {
        match self {
            Flag::ShowInApp => "show_in_app",
            Flag::ChatUser => "chat_user",
            Flag::DefaultDoctor => "default_doctor",
            Flag::CanSignForms => "can_sign_forms",
            Flag::CanInviteClients => "can_invite_clients",
        }
    }

    pub fn from_code(code: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Whether `flags` hold this one.
    pub fn of(self, flags: &PermissionFlags) -> bool {
        match self {
            Flag::ShowInApp => flags.show_in_app,
            Flag::ChatUser => flags.chat_user,
            Flag::DefaultDoctor => flags.default_doctor,
            Flag::CanSignForms => flags.can_sign_forms,
            Flag::CanInviteClients => flags.can_invite_clients,
        }
    }
}

/// Whether a membership is in force. Suspended people can do nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MembershipStatus {
    Active,
    Suspended,
}

impl MembershipStatus {
    /// The stable text stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            MembershipStatus::Active => "active",
            MembershipStatus::Suspended => "suspended",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [MembershipStatus::Active, MembershipStatus::Suspended]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// One change to one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberChange {
    /// Promote to Admin, demote, or change a Staff member's access level.
    Role(Role),
    /// Keeps the role, so reactivating restores it.
    Suspend,
    Reactivate,
    Remove,
    /// The Owner hands the practice over: the member becomes the Owner and
    /// the Owner an Admin, in one step, so there is always exactly one.
    TransferOwnership,
}

impl MemberChange {
    /// What the audit log and the Team page call it.
    pub fn action(self) -> &'static str {
        match self {
            MemberChange::Role(_) => "member.role_changed",
            MemberChange::Suspend => "member.suspended",
            MemberChange::Reactivate => "member.reactivated",
            MemberChange::Remove => "member.removed",
            MemberChange::TransferOwnership => "practice.ownership_transferred",
        }
    }
}

/// The member a change is aimed at, as the rules see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub role: Role,
    pub status: MembershipStatus,
    /// The person asking is this member.
    pub yourself: bool,
}

/// Why a change is refused; each says it in words the person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ChangeRefused {
    #[error("Only the practice's Owner and Admins may change the team.")]
    NotTeamManager,
    #[error("The Owner's place changes only when they transfer ownership.")]
    Owner,
    #[error("Ask another admin: nobody changes their own role or suspends or removes themselves.")]
    Yourself,
    #[error("Only an Owner or Admin may change an admin's rights.")]
    AdminRights,
    #[error("You may not give that role: nobody gives more rights than they hold.")]
    AboveYou,
    #[error("Nothing to change: they already have that role or status.")]
    Unchanged,
    #[error("Only the Owner may transfer ownership.")]
    OwnerOnly,
    #[error("Ownership goes only to an active member: reactivate them first.")]
    NotActive,
}

/// Whether `actor` may make `change` to `target`. The at-least-one-admin
/// invariant follows from two of these rules: the Owner (always active,
/// Admin-capable) cannot be demoted, suspended or removed, and nobody
/// changes their own place.
pub fn may_change(
    actor: &Actor,
    target: Target,
    change: MemberChange,
) -> Result<(), ChangeRefused> {
    let holds = |capability| can(actor, capability).permits(false);
    if !holds(Capability::ManageTeam) {
        return Err(ChangeRefused::NotTeamManager);
    }
    if target.role == Role::Owner {
        return Err(ChangeRefused::Owner);
    }
    if target.yourself {
        return Err(ChangeRefused::Yourself);
    }
    if target.role.is_admin_capable() && !holds(Capability::ChangeAdminRights) {
        return Err(ChangeRefused::AdminRights);
    }
    let suspended = target.status == MembershipStatus::Suspended;
    match change {
        MemberChange::TransferOwnership if !holds(Capability::TransferOwnership) => {
            Err(ChangeRefused::OwnerOnly)
        }
        MemberChange::TransferOwnership if suspended => Err(ChangeRefused::NotActive),
        MemberChange::Role(role) if role == target.role => Err(ChangeRefused::Unchanged),
        MemberChange::Role(role) if !may_assign(actor, role) => Err(ChangeRefused::AboveYou),
        MemberChange::Suspend if suspended => Err(ChangeRefused::Unchanged),
        MemberChange::Reactivate if !suspended => Err(ChangeRefused::Unchanged),
        _ => Ok(()),
    }
}

/// Whether the team should hear that it depends on one person, given how
/// many active Admin-capable people it has: seed 002 recommends two (one may
/// be on holiday).
pub fn needs_another_admin(active_admin_capable: u64) -> bool {
    active_admin_capable < 2
}

/// The changes the Team page offers for `target`, in the order it shows them.
pub fn offered(actor: &Actor, target: Target) -> Vec<MemberChange> {
    Role::ALL
        .into_iter()
        .map(MemberChange::Role)
        .chain([
            MemberChange::Suspend,
            MemberChange::Reactivate,
            MemberChange::Remove,
            MemberChange::TransferOwnership,
        ])
        .filter(|change| may_change(actor, target, *change).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::AccessLevel;

    fn actor(role: Role) -> Actor {
        Actor::active(role)
    }

    fn member(role: Role) -> Target {
        Target {
            role,
            status: MembershipStatus::Active,
            yourself: false,
        }
    }

    #[test]
    fn only_owner_and_admins_change_the_team() {
        for role in Role::ALL {
            let verdict = may_change(
                &actor(role),
                member(Role::Practitioner),
                MemberChange::Suspend,
            );
            assert_eq!(verdict.is_ok(), role.is_admin_capable(), "{role:?}");
        }
        let suspended = Actor {
            status: MembershipStatus::Suspended,
            ..actor(Role::Admin)
        };
        assert_eq!(
            may_change(
                &suspended,
                member(Role::Practitioner),
                MemberChange::Suspend
            ),
            Err(ChangeRefused::NotTeamManager)
        );
    }

    #[test]
    fn the_owner_and_yourself_are_out_of_reach() {
        for change in [
            MemberChange::Role(Role::Admin),
            MemberChange::Suspend,
            MemberChange::Remove,
        ] {
            assert_eq!(
                may_change(&actor(Role::Admin), member(Role::Owner), change),
                Err(ChangeRefused::Owner)
            );
            let me = Target {
                yourself: true,
                ..member(Role::Admin)
            };
            assert_eq!(
                may_change(&actor(Role::Admin), me, change),
                Err(ChangeRefused::Yourself)
            );
        }
    }

    #[test]
    fn nobody_gives_ownership_or_more_than_they_hold() {
        let admin = actor(Role::Admin);
        let staff = member(Role::Staff(AccessLevel::ReadOnly));
        assert_eq!(
            may_change(&admin, staff, MemberChange::Role(Role::Owner)),
            Err(ChangeRefused::AboveYou)
        );
        assert_eq!(
            may_change(&admin, staff, MemberChange::Role(Role::Admin)),
            Ok(())
        );
        assert_eq!(
            may_change(
                &admin,
                staff,
                MemberChange::Role(Role::Staff(AccessLevel::ReadOnly))
            ),
            Err(ChangeRefused::Unchanged)
        );
    }

    #[test]
    fn only_the_owner_hands_ownership_to_an_active_member() {
        let owner = actor(Role::Owner);
        for role in [
            Role::Admin,
            Role::Practitioner,
            Role::Staff(AccessLevel::ReadOnly),
        ] {
            assert_eq!(
                may_change(&owner, member(role), MemberChange::TransferOwnership),
                Ok(())
            );
            assert!(offered(&owner, member(role)).contains(&MemberChange::TransferOwnership));
            assert_eq!(
                may_change(
                    &actor(Role::Admin),
                    member(role),
                    MemberChange::TransferOwnership
                ),
                Err(ChangeRefused::OwnerOnly)
            );
        }
        let away = Target {
            status: MembershipStatus::Suspended,
            ..member(Role::Admin)
        };
        assert_eq!(
            may_change(&owner, away, MemberChange::TransferOwnership),
            Err(ChangeRefused::NotActive)
        );
        let me = Target {
            yourself: true,
            ..member(Role::Owner)
        };
        assert!(may_change(&owner, me, MemberChange::TransferOwnership).is_err());
    }

    #[test]
    fn one_active_admin_capable_person_is_not_enough() {
        assert!(needs_another_admin(0));
        assert!(needs_another_admin(1));
        assert!(!needs_another_admin(2));
    }

    #[test]
    fn suspending_and_reactivating_follow_the_status() {
        let admin = actor(Role::Admin);
        let suspended = Target {
            status: MembershipStatus::Suspended,
            ..member(Role::Practitioner)
        };
        assert_eq!(
            offered(&admin, member(Role::Practitioner)),
            vec![
                MemberChange::Role(Role::Admin),
                MemberChange::Role(Role::Staff(AccessLevel::Full)),
                MemberChange::Role(Role::Staff(AccessLevel::ReadWrite)),
                MemberChange::Role(Role::Staff(AccessLevel::ReadOnly)),
                MemberChange::Suspend,
                MemberChange::Remove,
            ]
        );
        assert!(offered(&admin, suspended).contains(&MemberChange::Reactivate));
        assert!(!offered(&admin, suspended).contains(&MemberChange::Suspend));
        assert!(offered(
            &actor(Role::Practitioner),
            member(Role::Staff(AccessLevel::Full))
        )
        .is_empty());
    }
}
