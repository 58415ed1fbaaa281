//! The role table of product.md §3 — the one copy. The UI renders it and hides
//! what it forbids; every server function asks [`can`] again before acting.

use serde::{Deserialize, Serialize};
use std::fmt;

// Attributes of a membership, kept with the other membership rules.
pub use crate::membership::{MembershipStatus, PermissionFlags};

/// How much a Staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessLevel {
    ReadOnly,
    ReadWrite,
    Full,
}

impl AccessLevel {
    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::ReadOnly => "Read only",
            AccessLevel::ReadWrite => "Read-write",
            AccessLevel::Full => "Full",
        }
    }
}

/// A person's role in one practice. Staff always carry an access level, so a
/// "Staff without a level" cannot be written down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Owner,
    Admin,
    Practitioner,
    Staff(AccessLevel),
}

impl Role {
    /// The columns of the role table, in the order product.md shows them.
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Admin,
        Role::Practitioner,
        Role::Staff(AccessLevel::Full),
        Role::Staff(AccessLevel::ReadWrite),
        Role::Staff(AccessLevel::ReadOnly),
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Admin",
            Role::Practitioner => "Practitioner",
            Role::Staff(AccessLevel::Full) => "Staff (Full)",
            Role::Staff(AccessLevel::ReadWrite) => "Staff (Read-write)",
            Role::Staff(AccessLevel::ReadOnly) => "Staff (Read only)",
        }
    }

    /// The stable text stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Practitioner => "practitioner",
            Role::Staff(AccessLevel::Full) => "staff_full",
            Role::Staff(AccessLevel::ReadWrite) => "staff_read_write",
            Role::Staff(AccessLevel::ReadOnly) => "staff_read_only",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether this role counts towards "at least one active Admin-capable person".
    pub fn is_admin_capable(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Every capability this role holds is also held by a role of a higher rank;
    /// used for "nobody can raise anyone above their own rights".
    fn rank(self) -> u8 {
        match self {
            Role::Owner => 5,
            Role::Admin => 4,
            Role::Practitioner => 3,
            Role::Staff(AccessLevel::Full) => 2,
            Role::Staff(AccessLevel::ReadWrite) => 1,
            Role::Staff(AccessLevel::ReadOnly) => 0,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The rows of the role table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Capability {
    ViewClients,
    ViewReports,
    EditClients,
    MessageClient,
    BatchMessage,
    ChangeGoals,
    ChangeSettings,
    ManageTeam,
    ChangeAdminRights,
    ApproveDevices,
    ViewAudit,
    TransferOwnership,
    JoinGroups,
}

impl Capability {
    pub const ALL: [Capability; 13] = [
        Capability::ViewClients,
        Capability::ViewReports,
        Capability::EditClients,
        Capability::MessageClient,
        Capability::BatchMessage,
        Capability::ChangeGoals,
        Capability::ChangeSettings,
        Capability::ManageTeam,
        Capability::ChangeAdminRights,
        Capability::ApproveDevices,
        Capability::ViewAudit,
        Capability::TransferOwnership,
        Capability::JoinGroups,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Capability::ViewClients => {
                "View clients, their readings, forms and communication history"
            }
            Capability::ViewReports => "View reports",
            Capability::EditClients => "Add and edit clients, invite clients to the portal",
            Capability::MessageClient => "Send a message to a client; opt a client out",
            Capability::BatchMessage => "Send a batch message",
            Capability::ChangeGoals => "Change practice goals and ranges",
            Capability::ChangeSettings => {
                "Change practice settings, join links, templates, community members"
            }
            Capability::ManageTeam => "Invite, edit, suspend and remove team members",
            Capability::ChangeAdminRights => "Promote to / demote from Admin",
            Capability::ApproveDevices => "Approve or decline new-device logins",
            Capability::ViewAudit => "View the audit log, billing page",
            Capability::TransferOwnership => "Transfer ownership, delete the practice",
            Capability::JoinGroups => {
                "Create a group of locations, accept a group's invitation, leave a group"
            }
        }
    }
}

/// One cell of the role table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grant {
    Yes,
    No,
    /// Only for clients assigned to the person, and only with *can invite clients*.
    AssignedClientsWithInviteFlag,
}

/// The table itself: the single source of truth for who may do what.
pub const fn grant(role: Role, capability: Capability) -> Grant {
    use AccessLevel::*;
    use Capability::*;
    use Grant::{AssignedClientsWithInviteFlag as Assigned, No, Yes};
    match (role, capability) {
        (Role::Owner, _) => Yes,
        (Role::Admin, TransferOwnership | JoinGroups) => No,
        (Role::Admin, _) => Yes,
        (_, ViewClients | ViewReports) => Yes,
        (Role::Practitioner, EditClients | MessageClient | BatchMessage) => Yes,
        (Role::Staff(Full), EditClients) => Assigned,
        (Role::Staff(Full), MessageClient | BatchMessage) => Yes,
        (Role::Staff(ReadWrite), MessageClient) => Yes,
        _ => No,
    }
}

/// Who is asking, as far as the rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: Role,
    pub flags: PermissionFlags,
    pub status: MembershipStatus,
}

#[cfg(test)]
impl Actor {
    /// An active member with `role` and no flags, for the rules' tests.
    pub(crate) fn active(role: Role) -> Actor {
        Actor {
            role,
            flags: PermissionFlags::default(),
            status: MembershipStatus::Active,
        }
    }
}

/// What the table, the flags and the status allow an actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    Allowed,
    /// Allowed only on clients assigned to the actor.
    AssignedClientsOnly,
    Denied,
}

impl Access {
    /// Whether the action is allowed on a target; `assigned` says whether the
    /// target client is assigned to the actor (ignored for practice-wide actions).
    pub fn permits(self, assigned: bool) -> bool {
        match self {
            Access::Allowed => true,
            Access::AssignedClientsOnly => assigned,
            Access::Denied => false,
        }
    }
}

/// The one check every server function makes.
pub fn can(actor: &Actor, capability: Capability) -> Access {
    if actor.status == MembershipStatus::Suspended {
        return Access::Denied;
    }
    // Messaging clients needs the chat-user flag, whatever the role (§3).
    let needs_chat = matches!(
        capability,
        Capability::MessageClient | Capability::BatchMessage
    );
    if needs_chat && !actor.flags.chat_user {
        return Access::Denied;
    }
    match grant(actor.role, capability) {
        Grant::Yes => Access::Allowed,
        Grant::No => Access::Denied,
        Grant::AssignedClientsWithInviteFlag if actor.flags.can_invite_clients => {
            Access::AssignedClientsOnly
        }
        Grant::AssignedClientsWithInviteFlag => Access::Denied,
    }
}

/// Whether `actor` may give someone `role`: they must manage the team, may not
/// raise anyone above themselves, only admins touch admin rights, and
/// ownership moves only by transfer.
pub fn may_assign(actor: &Actor, role: Role) -> bool {
    if role == Role::Owner || !can(actor, Capability::ManageTeam).permits(false) {
        return false;
    }
    if role.is_admin_capable() && !can(actor, Capability::ChangeAdminRights).permits(false) {
        return false;
    }
    role.rank() <= actor.role.rank()
}

/// Every role `actor` may give, in the order of the role table (empty for
/// people who may not manage the team).
pub fn assignable_by(actor: &Actor) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|role| may_assign(actor, *role))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccessLevel::*;
    use Capability::*;

    fn actor(role: Role) -> Actor {
        Actor {
            role,
            flags: PermissionFlags {
                chat_user: true,
                ..Default::default()
            },
            status: MembershipStatus::Active,
        }
    }

    /// product.md §3, transcribed cell by cell: Y = ✓, N = —, A = assigned clients with the flag.
    const EXPECTED: [(Capability, [char; 6]); 13] = [
        (ViewClients, ['Y', 'Y', 'Y', 'Y', 'Y', 'Y']),
        (ViewReports, ['Y', 'Y', 'Y', 'Y', 'Y', 'Y']),
        (EditClients, ['Y', 'Y', 'Y', 'A', 'N', 'N']),
        (MessageClient, ['Y', 'Y', 'Y', 'Y', 'Y', 'N']),
        (BatchMessage, ['Y', 'Y', 'Y', 'Y', 'N', 'N']),
        (ChangeGoals, ['Y', 'Y', 'N', 'N', 'N', 'N']),
        (ChangeSettings, ['Y', 'Y', 'N', 'N', 'N', 'N']),
        (ManageTeam, ['Y', 'Y', 'N', 'N', 'N', 'N']),
        (ChangeAdminRights, ['Y', 'Y', 'N', 'N', 'N', 'N']),
        (ApproveDevices, ['Y', 'Y', 'N', 'N', 'N', 'N']),
        (ViewAudit, ['Y', 'Y', 'N', 'N', 'N', 'N']),
        (TransferOwnership, ['Y', 'N', 'N', 'N', 'N', 'N']),
        (JoinGroups, ['Y', 'N', 'N', 'N', 'N', 'N']),
    ];

    #[test]
    fn every_cell_of_the_role_table_matches_the_product_spec() {
        assert_eq!(EXPECTED.len(), Capability::ALL.len());
        for (capability, row) in EXPECTED {
            for (role, cell) in Role::ALL.into_iter().zip(row) {
                let expected = match cell {
                    'Y' => Grant::Yes,
                    'N' => Grant::No,
                    _ => Grant::AssignedClientsWithInviteFlag,
                };
                assert_eq!(
                    grant(role, capability),
                    expected,
                    "{role:?} × {capability:?}"
                );
            }
        }
    }

    #[test]
    fn can_follows_the_table_for_active_chat_users() {
        for (capability, row) in EXPECTED {
            for (role, cell) in Role::ALL.into_iter().zip(row) {
                let expected = match cell {
                    'Y' => Access::Allowed,
                    _ => Access::Denied, // 'A' without the invite flag is denied
                };
                assert_eq!(
                    can(&actor(role), capability),
                    expected,
                    "{role:?} × {capability:?}"
                );
            }
        }
    }

    #[test]
    fn staff_full_edits_only_assigned_clients_with_the_flag() {
        let mut staff = actor(Role::Staff(Full));
        staff.flags.can_invite_clients = true;
        let access = can(&staff, EditClients);
        assert_eq!(access, Access::AssignedClientsOnly);
        assert!(access.permits(true));
        assert!(!access.permits(false));
        // The flag gives nothing to levels the table does not grant.
        let mut read_write = actor(Role::Staff(ReadWrite));
        read_write.flags.can_invite_clients = true;
        assert_eq!(can(&read_write, EditClients), Access::Denied);
    }

    #[test]
    fn messaging_needs_the_chat_user_flag() {
        let mut owner = actor(Role::Owner);
        owner.flags.chat_user = false;
        assert_eq!(can(&owner, MessageClient), Access::Denied);
        assert_eq!(can(&owner, BatchMessage), Access::Denied);
        assert_eq!(can(&owner, ViewClients), Access::Allowed);
    }

    #[test]
    fn suspended_people_can_do_nothing() {
        for role in Role::ALL {
            let mut a = actor(role);
            a.status = MembershipStatus::Suspended;
            for capability in Capability::ALL {
                assert_eq!(
                    can(&a, capability),
                    Access::Denied,
                    "{role:?} × {capability:?}"
                );
            }
        }
    }

    #[test]
    fn nobody_assigns_above_themselves_or_makes_an_owner() {
        let admin = actor(Role::Admin);
        assert!(may_assign(&admin, Role::Admin));
        assert!(may_assign(&admin, Role::Practitioner));
        assert!(may_assign(&admin, Role::Staff(ReadOnly)));
        assert!(!may_assign(&admin, Role::Owner));
        let owner = actor(Role::Owner);
        assert!(!may_assign(&owner, Role::Owner));
        assert!(may_assign(&owner, Role::Admin));
        for role in [
            Role::Practitioner,
            Role::Staff(Full),
            Role::Staff(ReadWrite),
            Role::Staff(ReadOnly),
        ] {
            for target in Role::ALL {
                assert!(
                    !may_assign(&actor(role), target),
                    "{role:?} gave {target:?}"
                );
            }
        }
    }

    #[test]
    fn assignable_roles_are_exactly_those_may_assign_allows() {
        use Role::*;
        assert_eq!(
            assignable_by(&actor(Owner)),
            vec![
                Admin,
                Practitioner,
                Staff(Full),
                Staff(ReadWrite),
                Staff(ReadOnly)
            ]
        );
        assert_eq!(assignable_by(&actor(Admin)), assignable_by(&actor(Owner)));
        for role in [Practitioner, Staff(Full), Staff(ReadWrite), Staff(ReadOnly)] {
            assert!(assignable_by(&actor(role)).is_empty(), "{role:?}");
        }
        let mut suspended = actor(Owner);
        suspended.status = MembershipStatus::Suspended;
        assert!(assignable_by(&suspended).is_empty());
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("superuser"), None);
    }
}
