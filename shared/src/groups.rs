//! Groups: several practices (locations) of one business (product.md §1 Group
//! admin, §2 Group, §4 Multi-location). A practice joins a group only when
//! its own Owner accepts the group's invitation; the group's admins let a
//! team member of one location log in to others, with a role per practice
//! that is never above what the admin holds there ([`may_assign`]).

use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, GroupId, PracticeId};
use crate::roles::{can, may_assign, Actor, Capability, Role};
use crate::validation::{name, FieldErrors};

/// "Create a group" and "Rename".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupForm {
    pub name: String,
}

impl GroupForm {
    /// The group's name, trimmed, or the field's error.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = name(&mut errors, "name", &self.name, "the group's name");
        errors.into_result(|| name)
    }
}

/// One location of the group as its admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPractice {
    pub id: PracticeId,
    pub name: String,
    /// The practice's Owner, who accepted the group's invitation.
    pub owner: String,
}

/// A group admin: the group's owner or someone they named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAdmin {
    pub account: AccountId,
    pub full_name: String,
    pub owner: bool,
}

/// The group a practice belongs to, as one of its team sees it on Settings → Group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: GroupId,
    pub name: String,
    pub practices: Vec<GroupPractice>,
    pub admins: Vec<GroupAdmin>,
    /// Practices invited and not yet answered by their Owner.
    pub invited: Vec<GroupPractice>,
    /// The viewer is one of the group's admins / its owner.
    pub you_admin: bool,
    pub you_owner: bool,
}

/// A group's invitation waiting for this practice's Owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInvitation {
    pub group: GroupId,
    pub group_name: String,
    pub invited_by: String,
}

/// Settings → Group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPage {
    pub group: Option<GroupView>,
    /// Only while the practice is in no group (a practice is in one group at most).
    pub invitations: Vec<GroupInvitation>,
}

/// Another practice of the group on a member's Edit page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherPractice {
    pub practice: PracticeId,
    pub name: String,
    /// Their role there now, if any.
    pub role: Option<Role>,
    /// They are on that team by its own invitation, not through the group:
    /// that practice's admins change them, not this form.
    pub own_member: bool,
    /// What the viewer may give there: the viewer's own place there decides.
    pub assignable: Vec<Role>,
}

/// "Allow login to other practices" for one member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPlaces {
    pub group_name: String,
    /// Their role in this practice: the default for the others.
    pub home_role: Role,
    pub others: Vec<OtherPractice>,
}

/// One line of the form as sent: the practice and the role there (`None`: no access).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceGrant {
    pub practice: PracticeId,
    pub role: Option<Role>,
}

/// What a member gets in another practice when the box is first ticked: the
/// same role as at home if the admin may give it there, else the highest
/// below it that they may give; `None` when they may give nothing there.
pub fn default_role(home: Role, assignable: &[Role]) -> Option<Role> {
    // `Role::ALL` runs from the highest rank to the lowest.
    Role::ALL
        .into_iter()
        .skip_while(|role| *role != home)
        .find(|role| assignable.contains(role))
}

/// Whether an admin holding `there` in the target practice may give `role`
/// there: the role table's own rule, with no place there meaning no.
pub fn may_grant(there: Option<&Actor>, role: Role) -> bool {
    there.is_some_and(|actor| may_assign(actor, role))
}

/// Who may take a practice out of its group: the group's owner, any of its
/// practices; a practice's own Owner, their practice (leaving).
pub fn may_remove(actor: &Actor, own_practice: bool, group_owner: bool) -> bool {
    group_owner || (own_practice && can(actor, Capability::JoinGroups).permits(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{assignable_by, AccessLevel};

    fn actor(role: Role) -> Actor {
        Actor::active(role)
    }

    #[test]
    fn the_default_is_the_home_role_or_the_highest_below_it_the_admin_may_give() {
        let by_admin = assignable_by(&actor(Role::Admin));
        assert_eq!(
            default_role(Role::Practitioner, &by_admin),
            Some(Role::Practitioner)
        );
        // Nobody is made Owner elsewhere: an Owner gets Admin.
        assert_eq!(default_role(Role::Owner, &by_admin), Some(Role::Admin));
        let read_only = Role::Staff(AccessLevel::ReadOnly);
        assert_eq!(default_role(read_only, &by_admin), Some(read_only));
        // A Practitioner there gives nothing.
        let by_practitioner = assignable_by(&actor(Role::Practitioner));
        assert_eq!(default_role(Role::Admin, &by_practitioner), None);
    }

    #[test]
    fn nobody_grants_above_their_own_place_in_the_target_practice() {
        let admin = actor(Role::Admin);
        assert!(may_grant(Some(&admin), Role::Admin));
        assert!(!may_grant(Some(&admin), Role::Owner));
        assert!(!may_grant(
            Some(&actor(Role::Practitioner)),
            Role::Staff(AccessLevel::ReadOnly)
        ));
        assert!(!may_grant(None, Role::Staff(AccessLevel::ReadOnly)));
    }

    #[test]
    fn the_groups_owner_removes_any_practice_and_an_owner_takes_theirs_out() {
        let admin = actor(Role::Admin);
        let owner = actor(Role::Owner);
        assert!(may_remove(&admin, false, true));
        assert!(may_remove(&owner, true, false));
        // An Admin of the practice is not its Owner; nobody else removes another's practice.
        assert!(!may_remove(&admin, true, false));
        assert!(!may_remove(&owner, false, false));
    }

    #[test]
    fn a_group_needs_a_name() {
        let errors = GroupForm { name: "  ".into() }.validate().unwrap_err();
        assert_eq!(errors.get("name"), Some("Enter the group's name."));
        assert_eq!(
            GroupForm {
                name: " North Coast ".into()
            }
            .validate(),
            Ok("North Coast".into())
        );
    }
}
