//! The client portal (product.md §5, §7): invitations sent by the practice.

mod invite;

pub use invite::{invite, setup, MAX_BATCH};
