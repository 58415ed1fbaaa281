//! The fields of a team member with rules of their own: position, screen-pop
//! extensions, username, mobile number and profile photo (product.md §4).

use serde::{Deserialize, Serialize};
use std::fmt;

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PMS_ID_MAX: usize = 64;
/// The largest profile photo accepted, checked in the browser before sending and again on the server.
pub const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;
/// What the photo field accepts (the server decodes the bytes; the name proves nothing).
pub const PHOTO_TYPES: &str = "image/png,image/jpeg,image/webp";

/// The photo field's answer to a file of `bytes` bytes, if it is too large.
pub fn photo_size_problem(bytes: usize) -> Option<String> {
    (bytes > PHOTO_MAX_BYTES).then(|| {
        format!(
            "The photo is {:.1} MB; use one of at most 2 MB.",
            bytes as f64 / (1024.0 * 1024.0)
        )
    })
}

/// Phone extensions are short; a longer "extension" is a typo of a phone number.
pub const EXTENSION_MAX_DIGITS: usize = 8;

/// What a person does at the practice; Doctors sign forms from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Position {
    Doctor,
    NursePractitioner,
    Nurse,
    Dietitian,
    HealthCoach,
    Therapist,
    Receptionist,
    PracticeManager,
    Other,
}

impl Position {
    pub const ALL: [Position; 9] = [
        Position::Doctor,
        Position::NursePractitioner,
        Position::Nurse,
        Position::Dietitian,
        Position::HealthCoach,
        Position::Therapist,
        Position::Receptionist,
        Position::PracticeManager,
        Position::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Position::Doctor => "Doctor",
            Position::NursePractitioner => "Nurse practitioner",
            Position::Nurse => "Nurse",
            Position::Dietitian => "Dietitian",
            Position::HealthCoach => "Health coach",
            Position::Therapist => "Therapist",
            Position::Receptionist => "Receptionist",
            Position::PracticeManager => "Practice manager",
            Position::Other => "Other",
        }
    }

    /// The stable text stored in the database and sent by the form.
    pub fn code(self) -> &'static str {
        match self {
            Position::Doctor => "doctor",
            Position::NursePractitioner => "nurse_practitioner",
            Position::Nurse => "nurse",
            Position::Dietitian => "dietitian",
            Position::HealthCoach => "health_coach",
            Position::Therapist => "therapist",
            Position::Receptionist => "receptionist",
            Position::PracticeManager => "practice_manager",
            Position::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Position> {
        Position::ALL.into_iter().find(|p| p.code() == code)
    }

    /// *Can sign forms* starts on for Doctors (§4); the admin may still untick it.
    pub fn signs_forms_by_default(self) -> bool {
        self == Position::Doctor
    }
}

/// Which phone extensions pop this person's screen for a client's call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScreenPop {
    /// `*`: every extension.
    All,
    /// The listed extensions; none when empty.
    Extensions(Vec<String>),
}

impl ScreenPop {
    /// `*`, or extension numbers separated by commas; empty means none.
    pub fn parse(input: &str) -> Result<ScreenPop, String> {
        let trimmed = input.trim();
        if trimmed == "*" {
            return Ok(ScreenPop::All);
        }
        let mut extensions: Vec<String> = Vec::new();
        for part in trimmed.split(',').map(str::trim) {
            if part.is_empty() && trimmed.is_empty() {
                break;
            }
            if part == "*" {
                return Err(
                    "Use * on its own for all extensions, or list extension numbers.".into(),
                );
            }
            if part.is_empty() {
                return Err("Remove the empty entry between two commas.".into());
            }
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "\"{part}\" is not an extension: use digits only, separated by commas."
                ));
            }
            if part.len() > EXTENSION_MAX_DIGITS {
                return Err(format!(
                    "\"{part}\" is too long for an extension (at most {EXTENSION_MAX_DIGITS} digits)."
                ));
            }
            if !extensions.iter().any(|e| e == part) {
                extensions.push(part.to_owned());
            }
        }
        Ok(ScreenPop::Extensions(extensions))
    }
}

impl fmt::Display for ScreenPop {
    /// The text the form shows and the database stores; it parses back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScreenPop::All => f.write_str("*"),
            ScreenPop::Extensions(list) => f.write_str(&list.join(",")),
        }
    }
}

/// A username login: lowercase letters, digits, `.`, `_` and `-`, so it
/// can never be mistaken for an email address in the login field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, String> {
        let lower = input.trim().to_lowercase();
        let length = lower.chars().count();
        if lower.is_empty() {
            Err("Enter a username.".into())
        } else if lower.contains('@') {
            Err("A username cannot contain @; choose Email login for an address.".into())
        } else if lower.chars().any(char::is_whitespace) {
            Err("A username cannot contain spaces.".into())
        } else if !lower
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            Err("Use only letters a–z, digits, dots, dashes and underscores.".into())
        } else if !(USERNAME_MIN..=USERNAME_MAX).contains(&length) {
            Err(format!("Use {USERNAME_MIN} to {USERNAME_MAX} characters."))
        } else {
            Ok(Username(lower))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mobile number as typed, with its digits counted: `+`, spaces, dashes,
/// dots and brackets are allowed around 6 to 15 digits (E.164's length).
pub(super) fn mobile(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    if !allowed {
        Err("Use digits, spaces and + - ( ) only.".into())
    } else if !(6..=15).contains(&digits) {
        Err("A mobile number has 6 to 15 digits.".into())
    } else {
        Ok(trimmed.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_pop_is_star_alone_or_digits_separated_by_commas() {
        assert_eq!(ScreenPop::parse(" * "), Ok(ScreenPop::All));
        assert_eq!(
            ScreenPop::parse("101, 102,101"),
            Ok(ScreenPop::Extensions(vec!["101".into(), "102".into()]))
        );
        assert_eq!(ScreenPop::parse(""), Ok(ScreenPop::Extensions(vec![])));
        assert!(ScreenPop::parse("*,12").unwrap_err().contains("on its own"));
        assert!(ScreenPop::parse("12,abc").unwrap_err().contains("\"abc\""));
        assert!(ScreenPop::parse("12,,13").is_err());
        assert!(ScreenPop::parse("123456789").is_err());
        for pop in [ScreenPop::All, ScreenPop::parse("7,8").unwrap()] {
            assert_eq!(ScreenPop::parse(&pop.to_string()), Ok(pop));
        }
    }

    #[test]
    fn usernames_have_no_spaces_and_no_at_sign() {
        assert_eq!(
            Username::parse(" Front.Desk ").unwrap().as_str(),
            "front.desk"
        );
        assert!(Username::parse("front desk")
            .unwrap_err()
            .contains("spaces"));
        assert!(Username::parse("desk@clinic").unwrap_err().contains('@'));
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("dr_ñ").is_err());
    }

    #[test]
    fn doctors_sign_forms_from_the_start() {
        assert!(Position::Doctor.signs_forms_by_default());
        assert!(!Position::Nurse.signs_forms_by_default());
        for p in Position::ALL {
            assert_eq!(Position::from_code(p.code()), Some(p));
        }
    }
}
