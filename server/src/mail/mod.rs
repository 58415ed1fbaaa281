//! Email (product.md §9): composed here, queued in the outbox inside the
//! transaction of the change that causes it, delivered by the worker.

pub mod mailbox;
pub mod outbox;
pub mod sent_log;
pub mod templates;
pub mod transport;
pub mod worker;

/// An email ready to queue: the recipient, what it says, and the bearer
/// secret its link carries, if any (kept only until delivery).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: shared::email::EmailAddress,
    pub subject: String,
    pub body: String,
    /// An HTML alternative to `body`, when the message has one; every value
    /// in it escaped by whoever made it (`shared::templates`).
    pub html: Option<String>,
    pub secret: Option<String>,
    /// RFC 8058's one-click unsubscribe address, sent as `List-Unsubscribe`.
    pub list_unsubscribe: Option<String>,
}

impl Email {
    pub fn new(
        to: &shared::email::EmailAddress,
        subject: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        Self {
            to: to.clone(),
            subject: subject.into(),
            body: body.into(),
            html: None,
            secret: None,
            list_unsubscribe: None,
        }
    }

    /// Adds the HTML alternative.
    pub fn with_html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// Marks the token the body's link carries, so the stored copy loses it once sent.
    pub fn carrying(mut self, secret: &crate::tokens::Secret) -> Self {
        self.secret = Some(secret.expose().to_owned());
        self
    }

    /// Lets mail clients offer one-click unsubscribing through `url` (RFC 8058).
    pub fn unsubscribing(mut self, url: impl Into<String>) -> Self {
        self.list_unsubscribe = Some(url.into());
        self
    }
}
