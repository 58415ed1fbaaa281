//! The Team page's data, as the server sends it.

use crate::email::EmailAddress;
use crate::ids::{AccountId, InvitationId};
use crate::invitation::{InvitationKind, InvitationStatus};
use crate::membership::Target;
use crate::roles::{MembershipStatus, PermissionFlags, Role};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub account: AccountId,
    pub full_name: String,
    pub email: Option<EmailAddress>,
    /// For a username login (no email address of its own).
    pub username: Option<String>,
    pub position: Option<crate::staff::Position>,
    pub role: Role,
    pub status: MembershipStatus,
    /// This row is the person looking at the page.
    pub you: bool,
    pub flags: PermissionFlags,
    /// In the practice's time zone; `None` before the first login.
    pub last_login: Option<String>,
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

/// Rows per page of the Team page's tables.
pub const PAGE_SIZE: u32 = 50;

/// One page of a longer list, and how long the whole list is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows matching the query, across all pages.
    pub total: u64,
    /// Which page this is, from 0.
    pub index: u32,
}

impl<T> Page<T> {
    /// The rows, and where they sit in the list (for a pager).
    pub fn split(self) -> (Vec<T>, Page<()>) {
        let place = Page {
            rows: vec![(); self.rows.len()],
            total: self.total,
            index: self.index,
        };
        (self.rows, place)
    }

    pub fn has_previous(&self) -> bool {
        self.index > 0
    }

    pub fn has_next(&self) -> bool {
        u64::from(self.index + 1) * u64::from(PAGE_SIZE) < self.total
    }

    /// "51–100 of 2000", or "None" for an empty list.
    pub fn range(&self) -> String {
        if self.rows.is_empty() {
            return "None".into();
        }
        let first = u64::from(self.index) * u64::from(PAGE_SIZE) + 1;
        let last = first + self.rows.len() as u64 - 1;
        format!("{first}–{last} of {}", self.total)
    }
}

/// A status the Team page filters on: of a member, or of an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TeamStatus {
    Member(MembershipStatus),
    Invitation(InvitationStatus),
}

impl TeamStatus {
    /// The choices of the status filter, in the order it lists them.
    pub const ALL: [TeamStatus; 7] = [
        TeamStatus::Member(MembershipStatus::Active),
        TeamStatus::Member(MembershipStatus::Suspended),
        TeamStatus::Invitation(InvitationStatus::Invited),
        TeamStatus::Invitation(InvitationStatus::Expired),
        TeamStatus::Invitation(InvitationStatus::Accepted),
        TeamStatus::Invitation(InvitationStatus::Rejected),
        TeamStatus::Invitation(InvitationStatus::Revoked),
    ];

    pub fn label(self) -> &'static str {
        match self {
            TeamStatus::Member(MembershipStatus::Active) => "Active members",
            TeamStatus::Member(MembershipStatus::Suspended) => "Suspended members",
            TeamStatus::Invitation(status) => status.label(InvitationKind::Team),
        }
    }

    /// The value of the filter's option.
    pub fn code(self) -> &'static str {
        match self {
            TeamStatus::Member(status) => status.code(),
            TeamStatus::Invitation(status) => status.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<TeamStatus> {
        TeamStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What the Team page asks for: a search, filters, and a page of each table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamQuery {
    /// Part of a name, email address or username, in any case.
    pub search: String,
    pub role: Option<Role>,
    pub status: Option<TeamStatus>,
    /// Members holding this flag (invitations carry no flags).
    pub flag: Option<crate::membership::Flag>,
    pub members_page: u32,
    pub invitations_page: u32,
}

impl TeamQuery {
    /// Whether a search or filter narrows the lists.
    pub fn is_filtered(&self) -> bool {
        !self.search.trim().is_empty()
            || self.role.is_some()
            || self.status.is_some()
            || self.flag.is_some()
    }

    /// The search as a `LIKE` pattern, if any.
    pub fn like_pattern(&self) -> Option<String> {
        like_pattern(&self.search)
    }
}

/// A search as a `LIKE` pattern (lower case, wildcards escaped with `\`), if any.
pub fn like_pattern(search: &str) -> Option<String> {
    let term = search.trim().to_lowercase();
    if term.is_empty() {
        return None;
    }
    let escaped: String = term
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    Some(format!("%{escaped}%"))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    pub members: Page<Member>,
    /// Invitations, newest first: pending ones, and finished ones of the last 30 days.
    pub invitations: Page<Pending>,
    /// Join requests waiting for a decision (never many: each needs an admin).
    pub requests: Vec<Pending>,
    /// Active Owners and Admins, whatever the filters.
    pub active_admins: u64,
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
