//! Email (product.md §9): composed here, queued in the outbox inside the
//! transaction of the change that causes it, delivered by the worker.

pub mod mailbox;
pub mod outbox;
pub mod templates;
pub mod transport;
pub mod worker;

/// An email ready to queue: the recipient and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: shared::email::EmailAddress,
    pub subject: String,
    pub body: String,
}
