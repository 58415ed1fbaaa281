//! The local mailbox page (product.md §9: with no SMTP server, mail is kept
//! where the person running Carekeys can read it).

use serde::{Deserialize, Serialize};

/// One message of the local mailbox, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailItem {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
}
