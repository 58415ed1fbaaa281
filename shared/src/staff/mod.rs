//! A team member's details (product.md §4): the Add user and Edit user form.
//! The form checks every field as the admin types; the server runs the same
//! [`StaffForm::validate`] before it writes anything.

use serde::{Deserialize, Serialize};

use crate::email::EmailAddress;
use crate::ids::AccountId;
use crate::membership::PermissionFlags;
use crate::roles::{AccessLevel, Role};
use crate::validation::{email, name, FieldErrors};

mod fields;
pub use fields::*;

/// How the person logs in: with an email address, or with a username and a
/// one-time password the admin hands over.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginKind {
    #[default]
    Email,
    Username,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Login {
    Email(EmailAddress),
    Username(Username),
}

/// What the Add user and Edit user forms send. Role and access level are
/// separate fields, as the form shows them, so a level sent for an Admin is
/// answered on its field rather than lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffForm {
    pub full_name: String,
    pub public_name: String,
    pub login_kind: LoginKind,
    /// The email address or the username, by `login_kind`.
    pub login: String,
    pub contact_email: String,
    pub mobile: String,
    pub pms_id: String,
    pub screen_pop: String,
    pub position: String,
    /// `admin`, `practitioner` or `staff`.
    pub role: String,
    /// Staff only: `full`, `read_write` or `read_only`.
    pub access_level: String,
    pub flags: PermissionFlags,
    pub active: bool,
}

impl Default for StaffForm {
    fn default() -> Self {
        StaffForm {
            full_name: String::new(),
            public_name: String::new(),
            login_kind: LoginKind::Email,
            login: String::new(),
            contact_email: String::new(),
            mobile: String::new(),
            pms_id: String::new(),
            screen_pop: String::new(),
            position: String::new(),
            role: String::new(),
            access_level: String::new(),
            flags: PermissionFlags {
                chat_user: true,
                ..PermissionFlags::default()
            },
            active: true,
        }
    }
}

/// The role the form's two fields name.
pub fn role_fields(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Owner => ("owner", ""),
        Role::Admin => ("admin", ""),
        Role::Practitioner => ("practitioner", ""),
        Role::Staff(AccessLevel::Full) => ("staff", "full"),
        Role::Staff(AccessLevel::ReadWrite) => ("staff", "read_write"),
        Role::Staff(AccessLevel::ReadOnly) => ("staff", "read_only"),
    }
}

fn role(role: &str, level: &str) -> Result<Role, (&'static str, &'static str)> {
    let level = match level {
        "" => None,
        "full" => Some(AccessLevel::Full),
        "read_write" => Some(AccessLevel::ReadWrite),
        "read_only" => Some(AccessLevel::ReadOnly),
        _ => return Err(("access_level", "Choose Full, Read-write or Read only.")),
    };
    match (role, level) {
        ("owner", None) => Ok(Role::Owner),
        ("admin", None) => Ok(Role::Admin),
        ("practitioner", None) => Ok(Role::Practitioner),
        ("staff", Some(level)) => Ok(Role::Staff(level)),
        ("staff", None) => Err(("access_level", "Choose an access level for Staff.")),
        ("owner" | "admin" | "practitioner", Some(_)) => Err((
            "access_level",
            "Only Staff have an access level; Owners, Admins and Practitioners have their role's rights.",
        )),
        _ => Err(("role", "Choose a role.")),
    }
}

/// Where a member's notifications go (§4): their contact email, else their
/// email login; `None` for a username login without a contact address.
pub fn notification_address(contact: Option<&str>, login: Option<&str>) -> Option<EmailAddress> {
    contact
        .and_then(|c| EmailAddress::parse(c).ok())
        .or_else(|| login.and_then(|l| EmailAddress::parse(l).ok()))
}

/// What the form needs to know about the practice.
pub struct StaffRules<'a> {
    /// The practice's info address: never an email login (§4).
    pub practice_email: &'a EmailAddress,
    /// Another member who is already the default doctor, by name.
    pub default_doctor: Option<&'a str>,
    /// Adding a person: their login is new. An existing login is kept as it
    /// is (an Owner may log in with the info address they created the practice with).
    pub new_login: bool,
}

/// A valid form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDetails {
    pub full_name: String,
    /// Empty on the form means the full name is shown to clients.
    pub public_name: Option<String>,
    pub login: Login,
    /// Where notifications go; an email login's own address when empty.
    pub contact_email: Option<EmailAddress>,
    pub mobile: Option<String>,
    pub pms_id: Option<String>,
    pub screen_pop: ScreenPop,
    pub position: Position,
    pub role: Role,
    pub flags: PermissionFlags,
    pub active: bool,
}

impl StaffForm {
    pub fn validate(&self, rules: &StaffRules) -> Result<StaffDetails, FieldErrors> {
        let mut errors = FieldErrors::new();
        let full_name = name(&mut errors, "full_name", &self.full_name, "their full name");
        let public_name = (!self.public_name.trim().is_empty()).then(|| {
            name(
                &mut errors,
                "public_name",
                &self.public_name,
                "the name clients see",
            )
        });
        let login = match self.login_kind {
            LoginKind::Email => email(&mut errors, "login", &self.login).and_then(|address| {
                if rules.new_login && &address == rules.practice_email {
                    errors.add(
                        "login",
                        "The practice info address cannot be a login. Use a username login and give it as the contact email.",
                    );
                    None
                } else {
                    Some(Login::Email(address))
                }
            }),
            LoginKind::Username => Username::parse(&self.login)
                .map(Login::Username)
                .map_err(|m| errors.add("login", m))
                .ok(),
        };
        let contact_email = if self.contact_email.trim().is_empty() {
            if self.login_kind == LoginKind::Username {
                errors.add(
                    "contact_email",
                    "Enter where their notifications go: a username login has no address of its own.",
                );
            }
            None
        } else {
            email(&mut errors, "contact_email", &self.contact_email)
        };
        let optional = |input: &str| (!input.trim().is_empty()).then(|| input.trim().to_owned());
        let mobile = optional(&self.mobile).and_then(|m| {
            mobile(&m)
                .map_err(|problem| errors.add("mobile", problem))
                .ok()
        });
        let pms_id = optional(&self.pms_id);
        if let Some(id) = &pms_id {
            if id.chars().count() > PMS_ID_MAX || id.chars().any(char::is_control) {
                errors.add(
                    "pms_id",
                    format!("Use at most {PMS_ID_MAX} characters on one line."),
                );
            }
        }
        let screen_pop = ScreenPop::parse(&self.screen_pop)
            .map_err(|m| errors.add("screen_pop", m))
            .ok();
        let position = Position::from_code(&self.position);
        if position.is_none() {
            errors.add("position", "Choose a position.");
        }
        let role = role(&self.role, &self.access_level)
            .map_err(|(field, m)| errors.add(field, m))
            .ok();
        if self.flags.default_doctor {
            if let Some(other) = rules.default_doctor {
                errors.add(
                    "default_doctor",
                    format!("{other} is the practice's default doctor; a practice has one. Untick it on their page first."),
                );
            }
        }
        errors.into_result(|| StaffDetails {
            full_name,
            public_name,
            login: login.expect("no error, so parsed"),
            contact_email,
            mobile,
            pms_id,
            screen_pop: screen_pop.expect("no error, so parsed"),
            position: position.expect("no error, so parsed"),
            role: role.expect("no error, so parsed"),
            flags: self.flags,
            active: self.active,
        })
    }
}

impl From<&StaffDetails> for StaffForm {
    /// The form as it reads back: what the Edit page starts from and what the
    /// audit log shows before and after a change.
    fn from(details: &StaffDetails) -> StaffForm {
        let (login_kind, login) = match &details.login {
            Login::Email(address) => (LoginKind::Email, address.to_string()),
            Login::Username(name) => (LoginKind::Username, name.as_str().to_owned()),
        };
        let (role, access_level) = role_fields(details.role);
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        StaffForm {
            full_name: details.full_name.clone(),
            public_name: text(&details.public_name),
            login_kind,
            login,
            contact_email: details
                .contact_email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            mobile: text(&details.mobile),
            pms_id: text(&details.pms_id),
            screen_pop: details.screen_pop.to_string(),
            position: details.position.code().to_owned(),
            role: role.to_owned(),
            access_level: access_level.to_owned(),
            flags: details.flags,
            active: details.active,
        }
    }
}

/// What the Add user and Edit user pages need from the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPage {
    pub practice_email: EmailAddress,
    /// The practice's default doctor other than the person edited, by name.
    pub default_doctor: Option<String>,
    /// The roles the viewer may give, in the role table's order.
    pub roles: Vec<Role>,
    pub editing: Option<EditedMember>,
}

impl StaffPage {
    pub fn rules(&self) -> StaffRules<'_> {
        StaffRules {
            practice_email: &self.practice_email,
            default_doctor: self.default_doctor.as_deref(),
            new_login: self.editing.is_none(),
        }
    }
}

/// The member the Edit page is about, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditedMember {
    pub member: AccountId,
    pub form: StaffForm,
    /// Their role and status are the Owner's, or their own: the form shows them
    /// but only the Team page's actions (or a transfer) change them.
    pub role_locked: bool,
    pub has_photo: bool,
}

/// A new member, and — for a username login — the one-time password, shown
/// to the admin once and never stored in the clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    pub member: AccountId,
    pub one_time_password: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice() -> EmailAddress {
        EmailAddress::parse("info@clinic.example").unwrap()
    }

    fn form() -> StaffForm {
        StaffForm {
            full_name: "Dana Reyes".into(),
            login: "dana@clinic.example".into(),
            position: "nurse".into(),
            role: "practitioner".into(),
            ..StaffForm::default()
        }
    }

    fn problems(form: &StaffForm, default_doctor: Option<&str>) -> FieldErrors {
        let practice_email = practice();
        let rules = StaffRules {
            practice_email: &practice_email,
            default_doctor,
            new_login: true,
        };
        form.validate(&rules).expect_err("the form has a problem")
    }

    #[test]
    fn a_complete_form_is_valid() {
        let practice_email = practice();
        let rules = StaffRules {
            practice_email: &practice_email,
            default_doctor: None,
            new_login: true,
        };
        let details = form().validate(&rules).unwrap();
        assert_eq!(details.role, Role::Practitioner);
        assert_eq!(details.screen_pop, ScreenPop::Extensions(vec![]));
        assert_eq!(details.public_name, None);
    }

    #[test]
    fn the_practice_info_address_is_a_contact_email_but_never_a_login() {
        let mut f = form();
        f.login = "INFO@clinic.example".into();
        assert!(problems(&f, None)
            .get("login")
            .unwrap()
            .contains("practice info"));
        f.login_kind = LoginKind::Username;
        f.login = "frontdesk".into();
        f.contact_email = "info@clinic.example".into();
        let practice_email = practice();
        let rules = StaffRules {
            practice_email: &practice_email,
            default_doctor: None,
            new_login: true,
        };
        let details = f.validate(&rules).unwrap();
        assert_eq!(details.contact_email, Some(practice()));
    }

    #[test]
    fn a_username_login_needs_a_contact_email() {
        let mut f = form();
        f.login_kind = LoginKind::Username;
        f.login = "frontdesk".into();
        assert!(problems(&f, None).get("contact_email").is_some());
    }

    #[test]
    fn notifications_go_to_the_contact_email_first() {
        let contact = Some("desk@clinic.example");
        let login = Some("dana@clinic.example");
        assert_eq!(
            notification_address(contact, login).unwrap().as_str(),
            "desk@clinic.example"
        );
        assert_eq!(
            notification_address(None, login).unwrap().as_str(),
            "dana@clinic.example"
        );
        assert_eq!(notification_address(None, None), None);
    }

    #[test]
    fn a_practice_has_one_default_doctor() {
        let mut f = form();
        f.flags.default_doctor = true;
        let errors = problems(&f, Some("Dr Ada Park"));
        assert!(errors
            .get("default_doctor")
            .unwrap()
            .contains("Dr Ada Park"));
    }

    #[test]
    fn only_staff_carry_an_access_level() {
        let mut f = form();
        f.role = "admin".into();
        f.access_level = "full".into();
        assert!(problems(&f, None).get("access_level").is_some());
        f.role = "staff".into();
        f.access_level = String::new();
        assert!(problems(&f, None).get("access_level").is_some());
        f.role = "superuser".into();
        assert!(problems(&f, None).get("role").is_some());
        for role in Role::ALL {
            let (r, l) = role_fields(role);
            assert_eq!(super::role(r, l), Ok(role));
        }
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let f = StaffForm {
            full_name: " ".into(),
            mobile: "call me".into(),
            pms_id: "a\nb".into(),
            screen_pop: "12,abc".into(),
            ..StaffForm::default()
        };
        let errors = problems(&f, None);
        for field in [
            "full_name",
            "login",
            "mobile",
            "pms_id",
            "screen_pop",
            "position",
            "role",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
