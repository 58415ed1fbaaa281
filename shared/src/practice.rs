//! How a practice appears to a member of its team.

use crate::ids::PracticeId;
use crate::roles::Role;
use serde::{Deserialize, Serialize};

/// A practice as its own team sees it in the header and switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeSummary {
    pub id: PracticeId,
    pub name: String,
    pub role: Role,
}
