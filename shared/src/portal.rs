//! Invitations to the client portal (product.md §5): the message a practice
//! writes once, the clients it goes to, and what became of each.

use serde::{Deserialize, Serialize};

use crate::clients::ClientRow;
use crate::forms::{ClientFormRow, FormSummary};
use crate::ids::{ClientId, FormId};
use crate::templates::{Grammar, Placeholder, Template, TemplateError, Values};

/// What a portal invitation may name, and must: without its link, nobody gets in.
pub const GRAMMAR: Grammar = Grammar {
    allowed: &Placeholder::ALL,
    required: &[Placeholder::InviteLink],
};

/// How long a portal link works.
pub const VALIDITY_HOURS: i64 = 7 * 24;

/// The message of a practice that has not saved its own.
pub const DEFAULT_MESSAGE: &str = "Dear {client_first_name},

{practice_name} invites you to its secure client portal, where you can fill in your forms before your visit.

Open your invitation: {invite_link}

The link works until {expires_at}.

Kind regards,
{doctor_name}
{practice_name}";

/// The subject line: the practice's name, so patients know who writes.
pub fn subject(practice_name: &str) -> String {
    format!("{practice_name} invites you to its client portal")
}

/// Parses a practice's message with the placeholders an invitation requires.
pub fn message(source: &str) -> Result<Template, TemplateError> {
    Template::parse(source, &GRAMMAR)
}

/// What the invite form starts from and previews with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteSetup {
    /// The practice's saved message, or [`DEFAULT_MESSAGE`].
    pub message: String,
    pub practice_name: String,
    /// The default doctor's name, or the practice's when it has none.
    pub doctor_name: String,
    /// When a link sent now stops working, in the practice's time zone.
    pub expires_at: String,
    /// The practice's forms; the default ones start ticked.
    pub forms: Vec<FormSummary>,
}

/// The link as the preview shows it: the real one is made when the email is.
pub const PREVIEW_LINK: &str = "https://…/portal/invitation (a personal link, made when sent)";

impl InviteSetup {
    /// The values of one client's copy; `link` is theirs (or [`PREVIEW_LINK`]).
    pub fn values<'a>(&'a self, client: &'a ClientRow, link: &'a str) -> Values<'a> {
        Values {
            client_first_name: &client.first_name,
            client_last_name: &client.last_name,
            practice_name: &self.practice_name,
            doctor_name: &self.doctor_name,
            invite_link: link,
            expires_at: &self.expires_at,
        }
    }
}

/// What the Invite to portal form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    pub clients: Vec<ClientId>,
    pub message: String,
    /// The forms each client is asked to fill.
    pub forms: Vec<FormId>,
    /// Also store the message and the forms as the practice's default.
    pub save_as_default: bool,
}

/// What became of one client of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOutcome {
    pub client: ClientId,
    pub name: String,
    /// Why nothing was sent to this client; `None` when the invitation went out.
    pub problem: Option<String>,
}

/// What the invited client's page shows, whatever state the link is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub practice_name: String,
    pub client_first_name: String,
    /// The portal login's address: fixed by the invitation.
    pub email: crate::email::EmailAddress,
    /// When the link stops working, in the practice's time zone.
    pub expires: String,
    /// Invited (usable), Accepted, Expired or Revoked.
    pub status: crate::invitation::InvitationStatus,
    /// Whether the address already has an account (log in) or not (choose a password).
    pub has_account: bool,
    /// The client already asked the practice for a new invitation with this link.
    pub asked_again: bool,
}

/// One practice whose portal a person belongs to, as a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalPlace {
    pub practice_name: String,
    pub client_first_name: String,
    /// The forms this practice asked them to fill, newest first.
    pub forms: Vec<ClientFormRow>,
}
