//! A practice's community (product.md §5, §8): people who join to take part
//! and choose whether their readings count in its anonymous figures.

pub mod health;
pub mod members;

use serde::{Deserialize, Serialize};

use crate::ids::PracticeId;

/// A community the signed-in person has registered with, and their choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub practice: PracticeId,
    pub practice_name: String,
    pub sharing: bool,
}
