//! The words of every email the system sends. Plain text: it reads on every
//! client, and links show where they go.

use super::Email;
use shared::email::EmailAddress;
use shared::names;

/// A name as emails show it (no links, no hidden characters), or `otherwise`
/// when nothing of it is left.
fn shown(name: &str, otherwise: &str) -> String {
    Some(names::for_mail(name))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| otherwise.to_owned())
}

pub fn confirm_sign_up(to: &EmailAddress, full_name: &str, link: &str) -> Email {
    let full_name = shown(full_name, "there");
    Email::new(
        to,
        "Finish creating your Carekeys account",
        format!(
            "Hello {full_name},\n\n\
             Open this link to choose your password and finish creating your Carekeys account:\n\n{link}\n\n\
             The link works once, within 24 hours. If you did not ask for an account, ignore this email.\n"
        ),
    )
}

pub fn already_registered(to: &EmailAddress, login_link: &str, reset_link: &str) -> Email {
    Email::new(
        to,
        "You already have a Carekeys account",
        format!(
            "Someone, probably you, tried to sign up to Carekeys with this address, \
             which already has an account.\n\n\
             Log in: {login_link}\n\
             Forgot your password? Reset it: {reset_link}\n\n\
             If it was not you, you can ignore this email; nothing was changed.\n"
        ),
    )
}

pub fn password_reset(to: &EmailAddress, link: &str) -> Email {
    Email::new(
        to,
        "Reset your Carekeys password",
        format!(
            "Open this link to choose a new Carekeys password:\n\n{link}\n\n\
             The link works once, within 1 hour. If you did not ask for it, ignore this email; \
             your password stays as it is.\n"
        ),
    )
}

pub fn password_changed(to: &EmailAddress, reset_link: &str) -> Email {
    Email::new(
        to,
        "Your Carekeys password was changed",
        format!(
            "The password of your Carekeys account was just changed, and every session was logged out.\n\n\
             If this was not you, reset it now: {reset_link}\n"
        ),
    )
}

pub struct TeamInvitation<'a> {
    pub practice: &'a str,
    pub inviter: &'a str,
    pub role: &'a str,
    pub accept_link: &'a str,
    pub reject_link: &'a str,
    pub expires: &'a str,
}

pub fn team_invitation(to: &EmailAddress, invitation: &TeamInvitation<'_>) -> Email {
    let TeamInvitation {
        practice,
        inviter,
        role,
        accept_link,
        reject_link,
        expires,
    } = invitation;
    let (inviter, practice) = (shown(inviter, "Someone"), shown(practice, "a practice"));
    Email::new(
        to,
        format!("{inviter} invited you to join {practice} on Carekeys"),
        format!(
            "{inviter} invited you to join the team of {practice} on Carekeys as {role}.\n\n\
             Accept: {accept_link}\n\
             Reject: {reject_link}\n\n\
             The invitation works until {expires}. After that, ask {inviter} to send it again.\n\n\
             On the team you will see personal health information of the practice's clients.\n"
        ),
    )
}

/// An admin added this address to the team (Add user): the link chooses the
/// first password, so nobody else learns it.
pub fn added_to_team(
    to: &EmailAddress,
    practice: &str,
    by: &str,
    link: &str,
    expires: &str,
) -> Email {
    let (by, practice) = (shown(by, "An admin"), shown(practice, "a practice"));
    Email::new(
        to,
        format!("{by} added you to {practice} on Carekeys"),
        format!(
            "{by} added you to the team of {practice} on Carekeys.\n\n\
             Choose your password to log in:\n\n{link}\n\n\
             The link works once, until {expires}. After that, use \"Forgot your password?\" on the login page.\n\n\
             On the team you will see personal health information of the practice's clients.\n"
        ),
    )
}

/// The facts of a login waiting for an admin.
pub struct LoginRequest<'a> {
    pub person: &'a str,
    pub practice: &'a str,
    pub asked: &'a str,
    pub device: &'a str,
    pub ip: &'a str,
    pub link: &'a str,
}

/// To each admin: someone logs in from a browser the practice has not trusted.
pub fn login_request(to: &EmailAddress, facts: &LoginRequest<'_>) -> Email {
    let (person, practice) = (
        shown(facts.person, "Someone on your team"),
        shown(facts.practice, "your practice"),
    );
    Email::new(
        to,
        format!("{person} is logging in to {practice} from a new device"),
        format!(
            "{person} is logging in to {practice} on Carekeys from a browser the practice has not trusted yet.\n\n\
             When: {asked}\nDevice: {device}\nAddress: {ip}\n\n\
             Make a decision: {link}\n\n\
             If you approve, that browser is trusted from then on. If this was not them, decline: \
             their password may be known to someone else. The request lapses after 30 minutes.\n",
            asked = facts.asked,
            device = facts.device,
            ip = facts.ip,
            link = facts.link,
        ),
    )
}

/// To a sole admin on a new browser: the code that lets it in.
pub fn login_code(to: &EmailAddress, practice: &str, code: &str, device: &str, ip: &str) -> Email {
    let practice = shown(practice, "your practice");
    Email::new(
        to,
        format!("Your Carekeys login code: {code}"),
        format!(
            "Someone, probably you, is logging in to {practice} on Carekeys from a new browser ({device}, address {ip}).\n\n\
             Your code: {code}\n\n\
             It works for 10 minutes. Nobody from Carekeys will ever ask you for it. \
             If this was not you, change your password now: someone knows it.\n"
        ),
    )
}

/// To the practice: a client holding a dead portal link asks for a new one.
pub fn portal_invitation_asked_again(
    to: &EmailAddress,
    practice: &str,
    client: &str,
    clients_link: &str,
) -> Email {
    let (client, practice) = (shown(client, "A client"), shown(practice, "your practice"));
    Email::new(
        to,
        format!("{client} asks for a new portal invitation"),
        format!(
            "{client} opened an invitation to the client portal of {practice} that no longer works, \
             and asks for a new one.\n\n\
             Send it from their Client details:\n\n{clients_link}\n"
        ),
    )
}

/// To a client with a portal login: the practice asks them to fill forms.
pub fn forms_to_fill(
    to: &EmailAddress,
    practice: &str,
    client_first_name: &str,
    titles: &[String],
    portal_link: &str,
) -> Email {
    let practice = shown(practice, "Your practice");
    let list: String = titles
        .iter()
        .map(|t| format!("- {}\n", shown(t, "a form")))
        .collect();
    Email::new(
        to,
        format!("{practice} asks you to fill in forms"),
        format!(
            "Dear {},\n\n{practice} asks you to fill in:\n\n{list}\n\
             Log in to your client portal to fill them in:\n\n{portal_link}\n",
            shown(client_first_name, "client")
        ),
    )
}

/// A community invitation: the practice chose *Notify by email*, or the
/// person asked for it at the community join page.
pub fn community_invitation(to: &EmailAddress, practice: &str, link: &str, expires: &str) -> Email {
    let practice = shown(practice, "A practice");
    Email::new(
        to,
        format!("{practice} invites you to its community on Carekeys"),
        format!(
            "{practice} invites you to join its community on Carekeys.\n\n\
             Open this link to accept or decline:\n\n{link}\n\n\
             It works until {expires}. As a member you choose whether your readings count in the \
             community's anonymous weekly figures; nobody there sees your own readings.\n\n\
             If you did not expect this, ignore this email: nothing happens without you.\n"
        ),
    )
}

/// To a practice's Owner: a group of practices asks their practice to join.
pub fn group_invitation(
    to: &EmailAddress,
    group: &str,
    practice: &str,
    invited_by: &str,
    link: &str,
) -> Email {
    let (group, practice) = (shown(group, "a group"), shown(practice, "your practice"));
    let invited_by = shown(invited_by, "A group admin");
    Email::new(
        to,
        format!("{group} invites {practice} to its group"),
        format!(
            "{invited_by} invites {practice} to the group {group} on Carekeys: locations of one \
             business, whose admins may let team members log in to several of them.\n\n\
             Nothing changes unless you accept. Accept or decline on the practice's settings:\n\n{link}\n\n\
             If you do not know this group, decline it or ignore this email.\n"
        ),
    )
}
