//! New-device login approval (product.md §6): a practice user with the right
//! password on a browser the practice has not trusted waits, holding no
//! session, until an admin approves — or, when nobody else can approve
//! (a sole or last active admin), until they type a code mailed to themselves.

use serde::{Deserialize, Serialize};

use crate::ids::PracticeId;

/// How long a request waits for a decision.
pub const WAIT_MS: i64 = 30 * 60 * 1000;
/// The one-time code of a sole admin: digits, lifetime and tries.
pub const CODE_DIGITS: usize = 6;
pub const CODE_MS: i64 = 10 * 60 * 1000;
pub const CODE_TRIES: i64 = 5;

/// Who lets the browser in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Approver {
    /// Any active Admin of the practice, by the *Make a decision* email.
    Admins,
    /// The person themselves, with a code sent to their own address: there is
    /// no other active admin, and a practice must not lock itself out.
    OwnCode,
}

impl Approver {
    pub fn code(self) -> &'static str {
        match self {
            Approver::Admins => "admins",
            Approver::OwnCode => "own_code",
        }
    }

    pub fn from_code(code: &str) -> Option<Approver> {
        [Approver::Admins, Approver::OwnCode]
            .into_iter()
            .find(|a| a.code() == code)
    }

    /// Whom a request of someone who is `admin_capable`, in a practice with
    /// `other_active_admins` besides them, waits for.
    pub fn for_requester(admin_capable: bool, other_active_admins: u64) -> Approver {
        if admin_capable && other_active_admins == 0 {
            Approver::OwnCode
        } else {
            Approver::Admins
        }
    }
}

/// A request's state as stored; lapsing is read from the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stored {
    Waiting,
    Approved,
    Declined,
    /// Five wrong codes.
    Failed,
    /// Approved, and the waiting browser has its session.
    Used,
}

impl Stored {
    pub fn code(self) -> &'static str {
        match self {
            Stored::Waiting => "waiting",
            Stored::Approved => "approved",
            Stored::Declined => "declined",
            Stored::Failed => "failed",
            Stored::Used => "used",
        }
    }

    pub fn from_code(code: &str) -> Option<Stored> {
        [
            Stored::Waiting,
            Stored::Approved,
            Stored::Declined,
            Stored::Failed,
            Stored::Used,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// What a request is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Waiting,
    Approved,
    Declined,
    /// Nobody decided within [`WAIT_MS`] (or the code's time ran out).
    Lapsed,
    Failed,
    Used,
}

impl RequestStatus {
    /// The status at `now` of a request stored as `stored`, waiting until `expires_at`.
    pub fn at(stored: Stored, expires_at: i64, now: i64) -> RequestStatus {
        match stored {
            Stored::Waiting if now >= expires_at => RequestStatus::Lapsed,
            Stored::Waiting => RequestStatus::Waiting,
            Stored::Approved => RequestStatus::Approved,
            Stored::Declined => RequestStatus::Declined,
            Stored::Failed => RequestStatus::Failed,
            Stored::Used => RequestStatus::Used,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Waiting => "Waiting",
            RequestStatus::Approved | RequestStatus::Used => "Approved",
            RequestStatus::Declined => "Declined",
            RequestStatus::Lapsed => "Lapsed",
            RequestStatus::Failed => "Ended after wrong codes",
        }
    }
}

/// An admin's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Decline,
}

/// What the waiting browser sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Waiting {
    /// Still waiting for the admins of these practices.
    ForAdmins { practices: Vec<String> },
    /// Waiting for the code mailed to this address.
    ForCode { sent_to: String, tries_left: i64 },
    /// Let in: the browser now holds a session; go on to this path.
    In { next: String },
    /// Declined by an admin of this practice.
    Declined { practice: String },
    /// Nobody decided in time, or the code ran out.
    Lapsed,
    /// Five wrong codes.
    Failed,
    /// This browser has no login waiting (already used, or never started).
    Nothing,
}

/// The *Make a decision* page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub practice: PracticeId,
    pub person: String,
    pub login: String,
    /// When, in the practice's time zone.
    pub asked: String,
    pub device: String,
    pub ip: Option<String>,
    pub status: RequestStatus,
    /// Who decided and when, once someone has.
    pub decided: Option<(String, String)>,
}

/// The code field: exactly [`CODE_DIGITS`] digits (spaces ignored).
pub fn parse_code(input: &str) -> Result<String, String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(format!("Enter the {CODE_DIGITS} digits from the email."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_admin_approves_themselves_with_a_code() {
        assert_eq!(Approver::for_requester(true, 0), Approver::OwnCode);
        assert_eq!(Approver::for_requester(true, 1), Approver::Admins);
        assert_eq!(Approver::for_requester(false, 0), Approver::Admins);
    }

    #[test]
    fn a_waiting_request_lapses_with_time() {
        assert_eq!(
            RequestStatus::at(Stored::Waiting, 100, 99),
            RequestStatus::Waiting
        );
        assert_eq!(
            RequestStatus::at(Stored::Waiting, 100, 100),
            RequestStatus::Lapsed
        );
        assert_eq!(
            RequestStatus::at(Stored::Approved, 100, 500),
            RequestStatus::Approved
        );
        for s in [
            Stored::Waiting,
            Stored::Approved,
            Stored::Declined,
            Stored::Failed,
            Stored::Used,
        ] {
            assert_eq!(Stored::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(parse_code(" 123 456 "), Ok("123456".into()));
        assert!(parse_code("12345").is_err());
        assert!(parse_code("12345a").is_err());
    }
}
