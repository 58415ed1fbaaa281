//! Form validation with field-level errors, run as you type in the browser and
//! again, identically, in the server function.

use crate::email::EmailAddress;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Field name → a sentence saying what is wrong with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// Keeps the first problem of a field: it is the one to fix first.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub(crate) fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join(" "))
    }
}

pub const PASSWORD_MIN: usize = 10;
/// Bounds the work an attacker can make argon2 do with one request.
pub const PASSWORD_MAX: usize = 256;
pub const NAME_MAX: usize = 120;

/// A password that meets the policy; its Debug form never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, String> {
        let chars = input.chars().count();
        if chars < PASSWORD_MIN {
            Err(format!("Use at least {PASSWORD_MIN} characters."))
        } else if chars > PASSWORD_MAX {
            Err(format!("Use at most {PASSWORD_MAX} characters."))
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A person's or a practice's name: trimmed, not empty, not too long.
pub(crate) fn name(errors: &mut FieldErrors, field: &str, input: &str, what: &str) -> String {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        errors.add(field, format!("Enter {what}."));
    } else if trimmed.chars().count() > NAME_MAX {
        errors.add(field, format!("Use at most {NAME_MAX} characters."));
    } else if let Some(problem) = crate::names::problem(trimmed) {
        errors.add(field, problem);
    }
    trimmed.to_owned()
}

pub(crate) fn email(errors: &mut FieldErrors, field: &str, input: &str) -> Option<EmailAddress> {
    EmailAddress::parse(input)
        .map_err(|problem| errors.add(field, problem.to_string()))
        .ok()
}

fn password(errors: &mut FieldErrors, field: &str, input: &str) -> Option<Password> {
    Password::parse(input)
        .map_err(|m| errors.add(field, m))
        .ok()
}

/// What the sign-up form sends. No password: the person who opens the emailed
/// link chooses it, so signing up with someone else's address gains nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUpForm {
    pub full_name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUp {
    pub full_name: String,
    pub email: EmailAddress,
}

impl SignUpForm {
    pub fn validate(&self) -> Result<SignUp, FieldErrors> {
        let mut errors = FieldErrors::new();
        let full_name = name(&mut errors, "full_name", &self.full_name, "your full name");
        let email = email(&mut errors, "email", &self.email);
        errors.into_result(|| SignUp {
            full_name,
            email: email.expect("no error, so parsed"),
        })
    }
}

/// What an invitee without an account sends: the invitation already proves the address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountForm {
    pub full_name: String,
    pub password: String,
}

impl NewAccountForm {
    pub fn validate(&self) -> Result<(String, Password), FieldErrors> {
        let mut errors = FieldErrors::new();
        let full_name = name(&mut errors, "full_name", &self.full_name, "your full name");
        let password = password(&mut errors, "password", &self.password);
        errors.into_result(|| (full_name, password.expect("no error, so parsed")))
    }
}

/// `next` if it is a path on this site, so a link cannot send people elsewhere after login.
///
/// Only printable ASCII without spaces or backslashes is accepted: browsers drop
/// tabs and new lines from URLs and read `\\` as `/`, so `/\t/evil.example`
/// or `/\\evil.example` would become the other site's `//evil.example`.
/// What is left starts with one `/` and the next character is not another
/// slash, so it cannot name a host.
pub fn local_path(next: &str) -> Option<&str> {
    let plain = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let mut chars = next.chars();
    let ok = plain && chars.next() == Some('/') && chars.next() != Some('/') && next.len() <= 2048;
    ok.then_some(next)
}

/// Email and username logins share one field (§6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginIdentifier {
    Email(EmailAddress),
    Username(String),
}

impl LoginIdentifier {
    pub fn parse(input: &str) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Enter your email address or username.".into());
        }
        if trimmed.contains('@') {
            EmailAddress::parse(trimmed)
                .map(Self::Email)
                .map_err(|p| p.to_string())
        } else {
            Ok(Self::Username(trimmed.to_lowercase()))
        }
    }

    /// The key rate limits count against, whatever case was typed.
    pub fn key(&self) -> &str {
        match self {
            Self::Email(e) => e.as_str(),
            Self::Username(u) => u,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginForm {
    pub login: String,
    pub password: String,
}

impl LoginForm {
    /// Only presence is checked: an old password may predate today's policy.
    pub fn validate(&self) -> Result<(LoginIdentifier, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let identifier = LoginIdentifier::parse(&self.login)
            .map_err(|m| errors.add("login", m))
            .ok();
        if self.password.is_empty() {
            errors.add("password", "Enter your password.");
        } else if self.password.chars().count() > PASSWORD_MAX {
            errors.add(
                "password",
                format!("Use at most {PASSWORD_MAX} characters."),
            );
        }
        errors.into_result(|| {
            (
                identifier.expect("no error, so parsed"),
                self.password.clone(),
            )
        })
    }
}

/// Asking for a password-reset email.
pub fn validate_reset_request(input: &str) -> Result<EmailAddress, FieldErrors> {
    let mut errors = FieldErrors::new();
    let parsed = email(&mut errors, "email", input);
    errors.into_result(|| parsed.expect("no error, so parsed"))
}

/// Choosing a new password.
pub fn validate_new_password(input: &str) -> Result<Password, FieldErrors> {
    let mut errors = FieldErrors::new();
    let parsed = password(&mut errors, "password", input);
    errors.into_result(|| parsed.expect("no error, so parsed"))
}

/// Choosing one's own password while signed in (after a one-time password, §4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePasswordForm {
    pub current: String,
    pub password: String,
}

impl ChangePasswordForm {
    pub fn validate(&self) -> Result<Password, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current.is_empty() {
            errors.add("current", "Enter the password you logged in with.");
        }
        let new = password(&mut errors, "password", &self.password);
        if !self.current.is_empty() && self.current == self.password {
            errors.add(
                "password",
                "Choose a password different from the one you were given.",
            );
        }
        errors.into_result(|| new.expect("no error, so parsed"))
    }
}

/// Settings → Details, and the create-practice form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeForm {
    pub name: String,
    pub contact_email: String,
    pub time_zone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeDetails {
    pub name: String,
    pub contact_email: EmailAddress,
    pub time_zone: String,
}

impl PracticeForm {
    /// `known_zone` says whether a time zone name exists; the server passes the
    /// IANA database, the browser the list it was given, so the rule is one.
    pub fn validate(
        &self,
        known_zone: impl Fn(&str) -> bool,
    ) -> Result<PracticeDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = name(&mut errors, "name", &self.name, "the practice name");
        let contact_email = email(&mut errors, "contact_email", &self.contact_email);
        let time_zone = self.time_zone.trim().to_owned();
        if time_zone.is_empty() {
            errors.add("time_zone", "Choose a time zone.");
        } else if !known_zone(&time_zone) {
            errors.add(
                "time_zone",
                format!("\"{time_zone}\" is not a time zone we know."),
            );
        }
        errors.into_result(|| PracticeDetails {
            name,
            contact_email: contact_email.expect("no error, so parsed"),
            time_zone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_up_reports_every_bad_field_at_once() {
        let errors = SignUpForm {
            full_name: "  ".into(),
            email: "ada".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.get("full_name"), Some("Enter your full name."));
        assert!(errors.get("email").unwrap().contains('@'));
        let errors = NewAccountForm {
            full_name: "Ada".into(),
            password: "short".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(errors.get("password"), Some("Use at least 10 characters."));
    }

    #[test]
    fn sign_up_accepts_and_normalises() {
        let ok = SignUpForm {
            full_name: " Ada Lovelace ".into(),
            email: "Ada@Example.org".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(ok.full_name, "Ada Lovelace");
        assert_eq!(ok.email.as_str(), "ada@example.org");
        let (_, password) = NewAccountForm {
            full_name: "Ada Lovelace".into(),
            password: "correct horse battery".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(format!("{password:?}"), "Password(…)");
    }

    #[test]
    fn login_tells_email_from_username() {
        let (id, _) = LoginForm {
            login: "Ada@Example.org".into(),
            password: "x".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(id.key(), "ada@example.org");
        let (id, _) = LoginForm {
            login: "FrontDesk".into(),
            password: "x".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(id, LoginIdentifier::Username("frontdesk".into()));
        let errors = LoginForm::default().validate().unwrap_err();
        assert!(errors.get("login").is_some() && errors.get("password").is_some());
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/join/abc"), Some("/join/abc"));
        assert_eq!(
            local_path("/invitation?token=x"),
            Some("/invitation?token=x")
        );
        assert_eq!(local_path("/"), Some("/"));
        assert_eq!(local_path("/p/1/team?x=%2F%2F"), Some("/p/1/team?x=%2F%2F"));
        // Known open-redirect payloads, after the query string was decoded once.
        for bad in [
            "https://evil.example",
            "http:evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            " //evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{3000}/evil.example",
            "/\u{ff0f}evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
        ] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(Password::parse(&"x".repeat(PASSWORD_MIN)).is_ok());
        assert!(Password::parse(&"x".repeat(PASSWORD_MIN - 1)).is_err());
        assert!(Password::parse(&"x".repeat(PASSWORD_MAX + 1)).is_err());
        // Characters, not bytes.
        assert!(Password::parse(&"é".repeat(PASSWORD_MIN)).is_ok());
    }

    #[test]
    fn practice_form_checks_the_zone_with_the_given_list() {
        let form = PracticeForm {
            name: "Harbour Clinic".into(),
            contact_email: "desk@harbour.example".into(),
            time_zone: "Mars/Olympus".into(),
        };
        let errors = form.validate(|z| z == "Europe/Oslo").unwrap_err();
        assert!(errors.get("time_zone").unwrap().contains("Mars/Olympus"));
        let ok = PracticeForm {
            time_zone: "Europe/Oslo".into(),
            ..form
        }
        .validate(|z| z == "Europe/Oslo")
        .unwrap();
        assert_eq!(ok.name, "Harbour Clinic");
    }
}
