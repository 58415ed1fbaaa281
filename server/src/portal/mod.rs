//! The client portal (product.md §5, §7): invitations sent by the practice,
//! and the invited client's answer.

mod accept;
mod invite;

pub use accept::{accept, ask_again, sign_up, view};
pub use invite::{invite, setup, MAX_BATCH};
