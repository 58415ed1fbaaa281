//! A practice's clients (product.md §7): who they are, who on the team looks
//! after them, and where they are with the client portal (§5).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::email::EmailAddress;
use crate::ids::{AccountId, ClientId};
use crate::validation::{self, FieldErrors};

/// A calendar date as `<input type="date">` sends it: `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(input: &str) -> Option<Date> {
        let mut parts = input.trim().splitn(3, '-');
        let mut next = |len: usize| {
            parts
                .next()
                .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u16>().ok())
        };
        let (year, month, day) = (next(4)?, next(2)?, next(2)?);
        let date = Date {
            year,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= date.days_in_month())
            .then_some(date)
    }

    fn days_in_month(self) -> u8 {
        let leap = self.year.is_multiple_of(4)
            && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What the Add / Edit client form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientForm {
    pub first_name: String,
    pub last_name: String,
    /// Optional: a client without one cannot be invited to the portal.
    pub email: String,
    pub date_of_birth: String,
}

/// A client's details once the form's rules hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientDetails {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<EmailAddress>,
    pub date_of_birth: Option<Date>,
}

impl ClientForm {
    /// The form's rules; `today` bounds the date of birth.
    pub fn validate(&self, today: Date) -> Result<ClientDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first_name = validation::name(
            &mut errors,
            "first_name",
            &self.first_name,
            "the first name",
        );
        let last_name =
            validation::name(&mut errors, "last_name", &self.last_name, "the last name");
        let email = match self.email.trim() {
            "" => None,
            email => validation::email(&mut errors, "email", email),
        };
        let date_of_birth = match self.date_of_birth.trim() {
            "" => None,
            input => match Date::parse(input) {
                None => {
                    errors.add("date_of_birth", "Enter a date such as 1984-03-21.");
                    None
                }
                Some(date) if date > today => {
                    errors.add("date_of_birth", "A date of birth cannot be in the future.");
                    None
                }
                Some(date) if date.year < 1900 => {
                    errors.add("date_of_birth", "Enter a year from 1900 on.");
                    None
                }
                date => date,
            },
        };
        errors.into_result(|| ClientDetails {
            first_name,
            last_name,
            email,
            date_of_birth,
        })
    }
}

/// Where a client is with the portal, as the Clients list colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PortalStatus {
    /// Never invited, or the last invitation lapsed: a white row.
    NoAccount,
    /// An invitation is out and still valid.
    Invited,
    /// Has a portal login: a green row, offering *Resend forms*.
    HasAccount,
}

impl PortalStatus {
    pub fn label(self) -> &'static str {
        match self {
            PortalStatus::NoAccount => "No account",
            PortalStatus::Invited => "Invited",
            PortalStatus::HasAccount => "Has an account",
        }
    }
}

/// One row of the Clients list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRow {
    pub id: ClientId,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub date_of_birth: Option<Date>,
    pub portal: PortalStatus,
    /// Whether the viewer is one of the client's assigned staff.
    pub assigned_to_viewer: bool,
    pub archived: bool,
    /// Receives no messages (§7).
    pub opted_out: bool,
}

impl ClientRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Whether *Send forms* can reach this client: a portal login, not archived.
    pub fn receives_forms(&self) -> bool {
        !self.archived && self.portal == PortalStatus::HasAccount
    }

    /// Why this client cannot be invited to the portal now (the disabled
    /// checkbox's tooltip, and the server's answer for them).
    pub fn not_invitable(&self) -> Option<&'static str> {
        match (&self.email, self.portal) {
            _ if self.archived => Some("Archived: restore them before inviting."),
            (None, _) => Some("No email address: add one in Client details first."),
            (_, PortalStatus::HasAccount) => {
                Some("Already has a portal login: use Send forms in Client details.")
            }
            _ => None,
        }
    }
}

/// What the Clients list asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientQuery {
    /// Part of a name or an email address, in any case.
    pub search: String,
    /// Archived clients instead of current ones.
    pub archived: bool,
    /// From 0, [`crate::team::PAGE_SIZE`] rows each.
    pub page: u32,
}

/// One page of clients, and what the viewer may do with them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientList {
    pub clients: crate::team::Page<ClientRow>,
    /// Add clients and invite them to the portal: practice-wide.
    pub may_add: bool,
    /// The practice's today, which bounds a date of birth as the form is typed.
    pub today: Date,
}

/// Client details: the client, their team, and what the viewer may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    pub client: ClientRow,
    pub form: ClientForm,
    /// Everyone on the team; `assigned` marks the client's own.
    pub staff: Vec<StaffChoice>,
    /// The forms the client was asked to fill, newest first.
    pub forms: Vec<crate::forms::ClientFormRow>,
    /// Edit this client's details and invite them.
    pub may_edit: bool,
    /// Archive the client and choose their staff: practice-wide.
    pub may_manage: bool,
    /// The practice's today, which bounds a date of birth as the form is typed.
    pub today: Date,
    /// The client's newest readings (from their portal login), newest first.
    pub readings: Vec<crate::readings::ReadingLine>,
    /// The practice's goals and ranges they are read against.
    pub goals: Vec<crate::goals::Goal>,
    /// The first page of their communication history.
    pub messages: crate::messages::History,
}

/// Someone on the team a client can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub account: AccountId,
    pub full_name: String,
    pub assigned: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = Date {
        year: 2026,
        month: 11,
        day: 30,
    };

    fn form(first: &str, last: &str, email: &str, born: &str) -> ClientForm {
        ClientForm {
            first_name: first.into(),
            last_name: last.into(),
            email: email.into(),
            date_of_birth: born.into(),
        }
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(
            Date::parse("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-04-31",
            "2024-4-1",
            "24-04-01",
            "2024-04-01x",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::parse("2000-02-29").unwrap().to_string(), "2000-02-29");
    }

    #[test]
    fn a_client_needs_names_and_may_go_without_email_or_birth_date() {
        let details = form(" Ana ", "Silva", "", "").validate(TODAY).unwrap();
        assert_eq!(details.first_name, "Ana");
        assert_eq!(details.email, None);
        assert_eq!(details.date_of_birth, None);
        let errors = form("", " ", "", "").validate(TODAY).unwrap_err();
        assert!(errors.get("first_name").is_some());
        assert!(errors.get("last_name").is_some());
    }

    #[test]
    fn each_bad_field_is_named() {
        let errors = form("Ana", "Silva", "ana@", "2027-01-01")
            .validate(TODAY)
            .unwrap_err();
        assert!(errors.get("email").is_some());
        assert_eq!(
            errors.get("date_of_birth"),
            Some("A date of birth cannot be in the future.")
        );
        let errors = form("Ana", "Silva", "ana@example.org", "31/12/1980")
            .validate(TODAY)
            .unwrap_err();
        assert_eq!(
            errors.get("date_of_birth"),
            Some("Enter a date such as 1984-03-21.")
        );
        assert_eq!(errors.get("email"), None);
        let errors = form("Ana", "Silva", "", "1899-12-31")
            .validate(TODAY)
            .unwrap_err();
        assert_eq!(
            errors.get("date_of_birth"),
            Some("Enter a year from 1900 on.")
        );
    }

    #[test]
    fn the_invite_checkbox_says_why_it_is_disabled() {
        let client = |email: Option<&str>, portal, archived| ClientRow {
            id: ClientId::from_uuid(uuid::Uuid::nil()),
            first_name: "Ana".into(),
            last_name: "Silva".into(),
            email: email.map(str::to_owned),
            date_of_birth: None,
            portal,
            assigned_to_viewer: false,
            archived,
            opted_out: false,
        };
        let why = |email, portal, archived| client(email, portal, archived).not_invitable();
        assert!(why(None, PortalStatus::NoAccount, false)
            .unwrap()
            .contains("No email"));
        assert!(why(Some("a@b.org"), PortalStatus::HasAccount, false)
            .unwrap()
            .contains("portal login"));
        assert!(why(Some("a@b.org"), PortalStatus::NoAccount, true)
            .unwrap()
            .contains("Archived"));
        assert_eq!(why(Some("a@b.org"), PortalStatus::Invited, false), None);
        assert_eq!(why(Some("a@b.org"), PortalStatus::NoAccount, false), None);
        // Forms go to green rows only, and never to the archive.
        assert!(client(Some("a@b.org"), PortalStatus::HasAccount, false).receives_forms());
        assert!(!client(Some("a@b.org"), PortalStatus::HasAccount, true).receives_forms());
        assert!(!client(Some("a@b.org"), PortalStatus::Invited, false).receives_forms());
    }
}
