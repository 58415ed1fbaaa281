//! The invitation lifecycle of product.md §5, shared by team, community and
//! portal invitations. Illegal transitions are refused, not ignored.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvitationKind {
    Team,
    Community,
    Portal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvitationStatus {
    NotInvited,
    /// Asked to join through the practice's join link; waits for an admin.
    Requested,
    Invited,
    Accepted,
    Rejected,
    Expired,
    Revoked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvitationEvent {
    Invite,
    /// Someone used the join link of a practice that approves joiners.
    Request,
    /// An admin let a requester in.
    Approve,
    Accept,
    Reject,
    /// The validity passed.
    Expire,
    Revoke,
    /// A new token and a new validity for an ended invitation.
    Resend,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("An invitation that is {from:?} cannot be {event:?}.")]
pub struct IllegalTransition {
    pub from: InvitationStatus,
    pub event: InvitationEvent,
}

impl InvitationStatus {
    pub const ALL: [InvitationStatus; 7] = [
        InvitationStatus::NotInvited,
        InvitationStatus::Requested,
        InvitationStatus::Invited,
        InvitationStatus::Accepted,
        InvitationStatus::Rejected,
        InvitationStatus::Expired,
        InvitationStatus::Revoked,
    ];

    /// The state after `event`, or why it may not happen.
    pub fn next(self, event: InvitationEvent) -> Result<Self, IllegalTransition> {
        use InvitationEvent as E;
        use InvitationStatus as S;
        match (self, event) {
            (S::NotInvited, E::Invite) => Ok(S::Invited),
            (S::NotInvited, E::Request) => Ok(S::Requested),
            (S::Requested, E::Approve) => Ok(S::Accepted),
            (S::Requested, E::Reject) => Ok(S::Rejected),
            (S::Invited, E::Accept) => Ok(S::Accepted),
            (S::Invited, E::Reject) => Ok(S::Rejected),
            (S::Invited, E::Expire) => Ok(S::Expired),
            (S::Invited, E::Revoke) => Ok(S::Revoked),
            // A pending invitation may be sent again too (the email was lost): new token, new validity.
            (S::Invited | S::Rejected | S::Expired | S::Revoked, E::Resend) => Ok(S::Invited),
            (from, event) => Err(IllegalTransition { from, event }),
        }
    }

    /// What a stored status means at a moment: an `Invited` row whose validity
    /// has passed is `Expired` even before anything rewrites it.
    pub fn at(self, validity_passed: bool) -> Self {
        match self {
            InvitationStatus::Invited if validity_passed => InvitationStatus::Expired,
            other => other,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            InvitationStatus::NotInvited => "not_invited",
            InvitationStatus::Requested => "requested",
            InvitationStatus::Invited => "invited",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Rejected => "rejected",
            InvitationStatus::Expired => "expired",
            InvitationStatus::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The words each kind of list shows (§5).
    pub fn label(self, kind: InvitationKind) -> &'static str {
        use InvitationKind as K;
        use InvitationStatus as S;
        match (kind, self) {
            (K::Team, S::NotInvited) | (K::Community, S::NotInvited) => "Not invited",
            (K::Portal, S::NotInvited) => "No account",
            (_, S::Requested) => "Requested",
            (_, S::Invited) => "Invited",
            (K::Team, S::Accepted) => "Approved",
            (K::Community, S::Accepted) => "Registered",
            (K::Portal, S::Accepted) => "Has an account",
            (K::Team, S::Rejected) => "Invitation rejected",
            (_, S::Rejected) => "Rejected",
            (_, S::Expired) => "Expired",
            (_, S::Revoked) => "Revoked",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvitationEvent as E;
    use InvitationStatus as S;

    const EVENTS: [InvitationEvent; 6] = [
        E::Invite,
        E::Accept,
        E::Reject,
        E::Expire,
        E::Revoke,
        E::Resend,
    ];

    /// Every legal edge of the §5 diagram; everything else must be refused.
    const LEGAL: [(InvitationStatus, InvitationEvent, InvitationStatus); 12] = [
        (S::Invited, E::Resend, S::Invited),
        (S::NotInvited, E::Invite, S::Invited),
        (S::NotInvited, E::Request, S::Requested),
        (S::Requested, E::Approve, S::Accepted),
        (S::Requested, E::Reject, S::Rejected),
        (S::Invited, E::Accept, S::Accepted),
        (S::Invited, E::Reject, S::Rejected),
        (S::Invited, E::Expire, S::Expired),
        (S::Invited, E::Revoke, S::Revoked),
        (S::Rejected, E::Resend, S::Invited),
        (S::Expired, E::Resend, S::Invited),
        (S::Revoked, E::Resend, S::Invited),
    ];

    #[test]
    fn every_transition_is_legal_exactly_when_the_diagram_says() {
        for from in S::ALL {
            for event in EVENTS {
                let legal = LEGAL.iter().find(|(f, e, _)| *f == from && *e == event);
                match legal {
                    Some((_, _, to)) => assert_eq!(from.next(event), Ok(*to)),
                    None => assert_eq!(from.next(event), Err(IllegalTransition { from, event })),
                }
            }
        }
    }

    #[test]
    fn accepted_is_final() {
        for event in EVENTS {
            assert!(S::Accepted.next(event).is_err());
        }
    }

    #[test]
    fn a_validity_is_one_hour_to_thirty_days_in_either_unit() {
        assert_eq!(Validity::Days(3).hours(), Ok(72));
        assert_eq!(Validity::Hours(1).hours(), Ok(1));
        assert_eq!(Validity::Days(30).hours(), Ok(MAX_VALIDITY_HOURS));
        for wrong in [
            Validity::Hours(0),
            Validity::Days(31),
            Validity::Hours(-5),
            Validity::Days(i64::MAX),
        ] {
            assert!(
                wrong.hours().unwrap_err().get("validity").is_some(),
                "{wrong:?}"
            );
        }
        assert_eq!(Validity::from_hours(48), Validity::Days(2));
        assert_eq!(Validity::from_hours(36), Validity::Hours(36));
    }

    #[test]
    fn validity_turns_only_pending_invitations_into_expired() {
        assert_eq!(S::Invited.at(true), S::Expired);
        assert_eq!(S::Invited.at(false), S::Invited);
        assert_eq!(S::Accepted.at(true), S::Accepted);
        assert_eq!(S::Revoked.at(true), S::Revoked);
    }

    #[test]
    fn labels_follow_the_product_words() {
        assert_eq!(S::Accepted.label(InvitationKind::Team), "Approved");
        assert_eq!(
            S::Rejected.label(InvitationKind::Team),
            "Invitation rejected"
        );
        assert_eq!(S::Accepted.label(InvitationKind::Community), "Registered");
        assert_eq!(
            S::NotInvited.label(InvitationKind::Community),
            "Not invited"
        );
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
    }
}

/// What inviting one entry of a list came to (the report of §5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteOutcome {
    Invited,
    AlreadyMember,
    /// A pending invitation exists; the report offers to send it again.
    AlreadyInvited(crate::ids::InvitationId),
    Invalid(String),
    Duplicate,
}

/// One line of the report: every entry of the input appears once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReportRow {
    pub line: usize,
    pub text: String,
    pub address: Option<crate::email::EmailAddress>,
    pub outcome: InviteOutcome,
}

/// Where the addresses of one team invitation come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteSource {
    /// Typed or pasted addresses.
    Typed(String),
    /// The text of a CSV file.
    Csv(String),
}

/// One batch of team invitations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    pub source: InviteSource,
    pub role: crate::roles::Role,
    /// Overrides the practice's validity for this batch.
    pub validity_hours: Option<i64>,
}

/// The longest validity one batch may choose: 30 days.
pub const MAX_VALIDITY_HOURS: i64 = 24 * 30;

/// How long a team invitation's link works, as an admin writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Validity {
    Hours(i64),
    Days(i64),
}

impl Validity {
    /// Whole days when the hours make some, else hours.
    pub fn from_hours(hours: i64) -> Validity {
        if hours % 24 == 0 {
            Validity::Days(hours / 24)
        } else {
            Validity::Hours(hours)
        }
    }

    /// The hours, if between 1 hour and [`MAX_VALIDITY_HOURS`]; else the
    /// message for the field `validity`.
    pub fn hours(self) -> Result<i64, crate::validation::FieldErrors> {
        let hours = match self {
            Validity::Hours(h) => Some(h),
            Validity::Days(d) => d.checked_mul(24),
        };
        hours
            .filter(|h| (1..=MAX_VALIDITY_HOURS).contains(h))
            .ok_or_else(|| {
                crate::validation::FieldErrors::single(
                    "validity",
                    format!(
                        "Choose between 1 hour and {} days.",
                        MAX_VALIDITY_HOURS / 24
                    ),
                )
            })
    }

    pub fn label(self) -> String {
        match self {
            Validity::Hours(1) => "1 hour".into(),
            Validity::Hours(h) => format!("{h} hours"),
            Validity::Days(1) => "1 day".into(),
            Validity::Days(d) => format!("{d} days"),
        }
    }
}

/// An invitation as its invitee's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub practice_name: String,
    pub invited_by: String,
    pub role: crate::roles::Role,
    pub email: crate::email::EmailAddress,
    /// When it stops working, in the practice's time zone, with the zone named.
    pub expires: String,
    pub status: InvitationStatus,
    /// Whether an account with the invited address exists (log in) or not (sign up).
    pub has_account: bool,
}
