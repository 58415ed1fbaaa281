//! The practice's side of its community (product.md §5): people added by
//! address without a word to them, invited later with or without an email,
//! and the list that shows where each one stands.

use serde::{Deserialize, Serialize};

use crate::email::EmailAddress;
use crate::ids::CommunityMemberId;
use crate::invitation::{InvitationKind, InvitationStatus};
use crate::team::Page;

/// How long a community invitation works unless the practice says otherwise.
pub const DEFAULT_VALIDITY_DAYS: u32 = 7;
/// The longest a practice may choose.
pub const MAX_VALIDITY_DAYS: u32 = 90;

/// The statuses a community member can be in, in the order the filter lists them.
pub const STATUSES: [InvitationStatus; 5] = [
    InvitationStatus::NotInvited,
    InvitationStatus::Invited,
    InvitationStatus::Accepted,
    InvitationStatus::Rejected,
    InvitationStatus::Expired,
];

/// "Registered", "Not invited"…: the community's words for a status.
pub fn status_label(status: InvitationStatus) -> &'static str {
    status.label(InvitationKind::Community)
}

/// The member invitation validity a practice sets, or why it is refused (field `validity`).
pub fn check_validity_days(days: u32) -> Result<u32, crate::validation::FieldErrors> {
    if (1..=MAX_VALIDITY_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(crate::validation::FieldErrors::single(
            "validity",
            format!("Choose between 1 and {MAX_VALIDITY_DAYS} days."),
        ))
    }
}

/// What the Members list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberQuery {
    /// Part of an address, in any case.
    pub search: String,
    pub status: Option<InvitationStatus>,
    /// Members who share (true) or do not (false).
    pub sharing: Option<bool>,
    /// From 0, [`crate::team::PAGE_SIZE`] rows each.
    pub page: u32,
}

/// One member as the list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub id: CommunityMemberId,
    pub email: String,
    /// As of now: an invitation whose validity passed is Expired.
    pub status: InvitationStatus,
    pub sharing: bool,
    /// Whether the last invitation went by email.
    pub notified: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersView {
    pub members: Page<MemberRow>,
    pub validity_days: u32,
}

/// What adding one entry of a pasted list came to: every entry is reported once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddOutcome {
    Added,
    /// The address is in the community already, in this status.
    AlreadyThere(InvitationStatus),
    Invalid(String),
    Duplicate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddReportRow {
    pub line: usize,
    pub text: String,
    pub address: Option<EmailAddress>,
    pub outcome: AddOutcome,
}

/// Which members an action is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    /// The ones ticked.
    These(Vec<CommunityMemberId>),
    /// Every member the list's search and filters match, on any page.
    Matching(MemberQuery),
}

/// Whether an invitation goes by email, or is handed over in the room (the
/// person joins at the community join page with the address invited).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notify {
    ByEmail,
    DontNotify,
}

/// A member an action left as it was, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub email: String,
    pub why: String,
}

/// How inviting went: how many were invited and emailed, and who was not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReport {
    pub invited: u32,
    pub emailed: u32,
    pub skipped: Vec<Skipped>,
}

/// The community join page's code: eight letters and digits that read aloud
/// and type on a phone without confusion (no 0/O, 1/I/L).
pub mod code {
    pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    pub const LENGTH: usize = 8;

    /// The code as typed (any case, spaces and dashes ignored), if it can be one.
    pub fn normalise(typed: &str) -> Option<String> {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
    }

    /// "ABCD-EFGH": easier to read off a screen.
    pub fn display(code: &str) -> String {
        if code.len() == LENGTH {
            format!("{}-{}", &code[..4], &code[4..])
        } else {
            code.to_owned()
        }
    }
}

/// What a person's phone asks to join a community by its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    pub email: String,
}

impl JoinRequest {
    /// The code and the address, or each problem by field (`code`, `email`).
    pub fn validate(&self) -> Result<(String, EmailAddress), crate::validation::FieldErrors> {
        let mut errors = crate::validation::FieldErrors::default();
        let code = code::normalise(&self.code);
        if code.is_none() {
            errors.add(
                "code",
                format!(
                    "The code has {} letters and digits, as shown on the practice's screen.",
                    code::LENGTH
                ),
            );
        }
        let email = EmailAddress::parse(self.email.trim());
        if let Err(problem) = &email {
            errors.add("email", problem.to_string());
        }
        match (code, email) {
            (Some(code), Ok(email)) => Ok((code, email)),
            _ => Err(errors),
        }
    }
}

/// What the practice shows on a screen in the room: the join page's code,
/// its address, and that address as a QR code (an SVG image).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinScreen {
    pub code: String,
    pub link: String,
    pub qr_svg: String,
}

/// A community invitation as the invited person's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityInvitationView {
    pub practice_name: String,
    pub email: EmailAddress,
    /// When the link stops working, in the practice's time zone.
    pub expires: String,
    pub status: InvitationStatus,
    /// Whether an account with the address exists (log in) or not (choose a password).
    pub has_account: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        assert_eq!(code::normalise(" abcd-efgh "), Some("ABCDEFGH".into()));
        assert_eq!(code::normalise("ABCD EFGH"), Some("ABCDEFGH".into()));
        // 0, O, 1 and I are never in a code: a misreading is refused, not guessed.
        assert_eq!(code::normalise("ABCD0FGH"), None);
        assert_eq!(code::normalise("ABCDEFG"), None);
        assert_eq!(code::display("ABCDEFGH"), "ABCD-EFGH");
    }

    #[test]
    fn a_join_request_names_each_bad_field() {
        let errors = JoinRequest {
            code: "nope".into(),
            email: "not an address".into(),
        }
        .validate()
        .unwrap_err();
        assert!(errors.get("code").is_some() && errors.get("email").is_some());
        let (code, email) = JoinRequest {
            code: "abcd-efgh".into(),
            email: " Ada@Example.org ".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(code, "ABCDEFGH");
        assert_eq!(email.as_str(), "ada@example.org");
    }

    #[test]
    fn validity_is_between_a_day_and_ninety() {
        assert!(check_validity_days(0).is_err());
        assert_eq!(check_validity_days(7).unwrap(), 7);
        assert!(check_validity_days(91).is_err());
    }
}
