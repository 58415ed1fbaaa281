//! The Team page's data, as the server sends it.

use crate::email::EmailAddress;
use crate::ids::{AccountId, InvitationId};
use crate::invitation::InvitationStatus;
use crate::membership::Target;
use crate::roles::{MembershipStatus, Role};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub account: AccountId,
    pub full_name: String,
    pub email: Option<EmailAddress>,
    pub role: Role,
    pub status: MembershipStatus,
    /// This row is the person looking at the page.
    pub you: bool,
}

impl Member {
    /// The member as the rules of [`crate::membership::may_change`] see them.
    pub fn target(&self) -> Target {
        Target {
            role: self.role,
            status: self.status,
            yourself: self.you,
        }
    }
}

/// An email invitation or a join-link request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub id: InvitationId,
    pub email: EmailAddress,
    pub role: Role,
    pub status: InvitationStatus,
    /// When it was (last) sent or asked, in the practice's time zone.
    pub sent: String,
    pub expires: Option<String>,
    pub invited_by: Option<String>,
    /// Queued / Sent / Failed, for email invitations.
    pub delivery: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub members: Vec<Member>,
    /// Invitations not yet accepted, newest first, and finished ones still worth seeing.
    pub invitations: Vec<Pending>,
    pub requests: Vec<Pending>,
}

/// The practice's join link as its admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinLinkSettings {
    /// The path of the link (`/join/…`), while it is enabled.
    pub path: Option<String>,
    pub requires_approval: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinLinkChange {
    Enable { requires_approval: bool },
    Disable,
    Regenerate,
}

/// What someone opening a join link sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinView {
    pub practice_name: String,
    pub requires_approval: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinOutcome {
    Joined(crate::ids::PracticeId),
    AlreadyMember(crate::ids::PracticeId),
    Requested,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestDecision {
    Approve(Role),
    Reject,
}

/// What happened to one invitation of a bulk Resend or Revoke.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkOutcome {
    pub id: InvitationId,
    pub email: String,
    /// Why this one was left as it was.
    pub problem: Option<String>,
}
