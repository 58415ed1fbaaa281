//! Messages to clients (product.md §7, §3): to one client or a batch, written
//! once with placeholders and rendered per client by `shared::templates`, so
//! the browser's preview and the email sent come from one function. Every
//! message carries an unsubscribe link; opted-out clients get none.

use serde::{Deserialize, Serialize};

use crate::clients::ClientRow;
use crate::ids::{BatchId, ClientId, ClientMessageId};
use crate::invitation::InvitationStatus;
use crate::team::Page;
use crate::templates::{escape, Grammar, Placeholder, Template, Values};
use crate::validation::FieldErrors;

/// A message names the client, the practice and its doctor; it has no link of its own.
pub const GRAMMAR: Grammar = Grammar {
    allowed: &[
        Placeholder::ClientFirstName,
        Placeholder::ClientLastName,
        Placeholder::PracticeName,
        Placeholder::DoctorName,
    ],
    required: &[],
};

pub const SUBJECT_MAX: usize = 150;
/// The most clients one batch reaches: bounds one request's work and one
/// transaction's size (the practice's daily mail quota applies as well).
pub const MAX_BATCH: usize = 10_000;
/// History entries per page.
pub const HISTORY_PAGE: u32 = 20;

/// What the message form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub subject: String,
    pub body: String,
}

/// A draft that may be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub subject: String,
    pub body: Template,
}

impl Draft {
    /// The subject and the body, each problem named on its field.
    pub fn check(&self) -> Result<Checked, FieldErrors> {
        let mut errors = FieldErrors::new();
        let subject = self.subject.trim().to_owned();
        if subject.is_empty() {
            errors.add("subject", "Enter a subject.");
        } else if subject.chars().count() > SUBJECT_MAX {
            errors.add("subject", format!("Use at most {SUBJECT_MAX} characters."));
        } else if subject
            .chars()
            .any(|c| c.is_control() || crate::names::is_hidden(c))
        {
            errors.add(
                "subject",
                "Remove the control or invisible formatting characters.",
            );
        }
        let body = Template::parse(&self.body, &GRAMMAR);
        if let Err(problem) = &body {
            errors.add("body", problem.to_string());
        }
        match body {
            Ok(body) if errors.is_empty() => Ok(Checked { subject, body }),
            _ => Err(errors),
        }
    }
}

/// Who a batch goes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recipients {
    /// The ticked clients.
    These(Vec<ClientId>),
    /// Every current client whose name or address matches (empty: all of them).
    Matching { search: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    pub recipients: Recipients,
    pub draft: Draft,
}

/// Why a client of a batch got nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Skip {
    OptedOut,
    NoEmail,
    Archived,
    /// The practice's daily mail quota ran out.
    QuotaReached,
}

impl Skip {
    pub fn label(self) -> &'static str {
        match self {
            Skip::OptedOut => "Opted out of messages.",
            Skip::NoEmail => "No email address.",
            Skip::Archived => "Archived.",
            Skip::QuotaReached => {
                "The practice's daily email quota is used up; send again tomorrow."
            }
        }
    }
}

/// Why `client` cannot be messaged now, if anything stands in the way.
pub fn skip_of(client: &ClientRow) -> Option<Skip> {
    if client.archived {
        Some(Skip::Archived)
    } else if client.opted_out {
        Some(Skip::OptedOut)
    } else if client.email.is_none() {
        Some(Skip::NoEmail)
    } else {
        None
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub client: ClientId,
    pub name: String,
    pub why: Skip,
}

/// What a send did: how many messages were queued, and who got none and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendReport {
    pub batch: BatchId,
    pub queued: u32,
    pub skipped: Vec<Skipped>,
}

/// How far the delivery of one batch has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub queued: u32,
    pub sent: u32,
    pub failed: u32,
}

impl Progress {
    pub fn total(&self) -> u32 {
        self.queued + self.sent + self.failed
    }

    /// Every message has either left or been given up on.
    pub fn done(&self) -> bool {
        self.queued == 0
    }
}

/// What the message form previews with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub practice_name: String,
    /// The default doctor's name, or the practice's when it has none.
    pub doctor_name: String,
}

/// The unsubscribe link as the preview shows it: the real one is made per message.
pub const PREVIEW_UNSUBSCRIBE: &str = "https://…/portal/unsubscribe (a personal link)";

impl Setup {
    /// The values of one client's copy.
    pub fn values<'a>(&'a self, client: &'a ClientRow) -> Values<'a> {
        Values {
            client_first_name: &client.first_name,
            client_last_name: &client.last_name,
            practice_name: &self.practice_name,
            doctor_name: &self.doctor_name,
            invite_link: "",
            expires_at: "",
        }
    }

    /// What closes every message: how to stop them (§7).
    pub fn footer(&self, unsubscribe: &str) -> String {
        format!(
            "\n\n--\nYou receive this as a client of {}. To receive no more messages: {unsubscribe}",
            self.practice_name
        )
    }

    /// [`Setup::footer`] for the HTML copy, every value escaped.
    pub fn footer_html(&self, unsubscribe: &str) -> String {
        let link = escape(unsubscribe);
        format!(
            "<hr>\n<p>You receive this as a client of {}. <a href=\"{link}\">Receive no more messages</a></p>",
            escape(&self.practice_name)
        )
    }
}

/// How one message's delivery went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    Queued,
    Sent { at: String },
    Failed { reason: String },
}

impl Delivery {
    pub fn label(&self) -> &'static str {
        match self {
            Delivery::Queued => "Queued",
            Delivery::Sent { .. } => "Sent",
            Delivery::Failed { .. } => "Failed",
        }
    }
}

/// One line of a client's communication history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryEntry {
    Message {
        id: ClientMessageId,
        subject: String,
        /// The text as the client received it, without the unsubscribe footer.
        body: String,
        /// Who sent it (`None`: a person since removed).
        sent_by: Option<String>,
        at: String,
        delivery: Delivery,
    },
    /// A portal invitation, and whether the client opened its link.
    PortalLink {
        sent_by: Option<String>,
        at: String,
        status: InvitationStatus,
        opened: Option<String>,
    },
}

/// Whether a client receives messages, and if not since when and by whose wish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subscription {
    Receiving,
    /// The client used an unsubscribe link: only they can undo it.
    UnsubscribedByClient {
        at: String,
    },
    /// Someone on the team opted them out; the team can undo it.
    OptedOutByStaff {
        at: String,
    },
}

/// Client details' Messages tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub entries: Page<HistoryEntry>,
    pub subscription: Subscription,
    pub setup: Setup,
}

/// What the unsubscribe page shows for its link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeView {
    pub practice_name: String,
    /// The client is already opted out.
    pub done: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::TemplateError;

    fn draft(subject: &str, body: &str) -> Draft {
        Draft {
            subject: subject.into(),
            body: body.into(),
        }
    }

    #[test]
    fn a_message_names_its_problems_on_their_fields() {
        let errors = draft(" ", "").check().unwrap_err();
        assert_eq!(errors.get("subject"), Some("Enter a subject."));
        assert_eq!(errors.get("body"), Some("The message is empty."));
        let errors = draft("Hi\r\nBcc: x@evil.example", "Hello")
            .check()
            .unwrap_err();
        assert!(errors.get("subject").unwrap().contains("control"));
        assert_eq!(errors.get("body"), None);
    }

    #[test]
    fn a_message_may_not_name_a_link_it_does_not_have() {
        let err = Template::parse("See {invite_link}", &GRAMMAR).unwrap_err();
        match &err {
            TemplateError::Unknown { name, known, .. } => {
                assert_eq!(name, "invite_link");
                assert!(!known.contains("invite_link"), "{known}");
                assert!(known.contains("{doctor_name}"), "{known}");
            }
            other => panic!("{other:?}"),
        }
        let ok = draft(
            " Your results ",
            "Dear {client_first_name}, from {doctor_name}",
        )
        .check()
        .unwrap();
        assert_eq!(ok.subject, "Your results");
    }
}
