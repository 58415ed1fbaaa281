//! The words of every email the system sends. Plain text: it reads on every
//! client, and links show where they go.

use super::Email;
use shared::email::EmailAddress;

pub fn confirm_sign_up(to: &EmailAddress, full_name: &str, link: &str) -> Email {
    Email {
        to: to.clone(),
        subject: "Finish creating your Carekeys account".into(),
        body: format!(
            "Hello {full_name},\n\n\
             Open this link to finish creating your Carekeys account:\n\n{link}\n\n\
             The link works once, within 24 hours. If you did not ask for an account, ignore this email.\n"
        ),
    }
}

pub fn already_registered(to: &EmailAddress, login_link: &str, reset_link: &str) -> Email {
    Email {
        to: to.clone(),
        subject: "You already have a Carekeys account".into(),
        body: format!(
            "Someone, probably you, tried to sign up to Carekeys with this address, \
             which already has an account.\n\n\
             Log in: {login_link}\n\
             Forgot your password? Reset it: {reset_link}\n\n\
             If it was not you, you can ignore this email; nothing was changed.\n"
        ),
    }
}

pub fn password_reset(to: &EmailAddress, link: &str) -> Email {
    Email {
        to: to.clone(),
        subject: "Reset your Carekeys password".into(),
        body: format!(
            "Open this link to choose a new Carekeys password:\n\n{link}\n\n\
             The link works once, within 1 hour. If you did not ask for it, ignore this email; \
             your password stays as it is.\n"
        ),
    }
}

pub fn password_changed(to: &EmailAddress, reset_link: &str) -> Email {
    Email {
        to: to.clone(),
        subject: "Your Carekeys password was changed".into(),
        body: format!(
            "The password of your Carekeys account was just changed, and every session was logged out.\n\n\
             If this was not you, reset it now: {reset_link}\n"
        ),
    }
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
    Email {
        to: to.clone(),
        subject: format!("{inviter} invited you to join {practice} on Carekeys"),
        body: format!(
            "{inviter} invited you to join the team of {practice} on Carekeys as {role}.\n\n\
             Accept: {accept_link}\n\
             Reject: {reject_link}\n\n\
             The invitation works until {expires}. After that, ask {inviter} to send it again.\n\n\
             On the team you will see personal health information of the practice's clients.\n"
        ),
    }
}
