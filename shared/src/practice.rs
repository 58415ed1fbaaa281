//! How a practice appears to a member of its team.

use crate::ids::PracticeId;
use crate::roles::{Actor, Role};
use crate::validation::PracticeDetails;
use serde::{Deserialize, Serialize};

/// A practice as its own team sees it in the header and switcher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct PracticeSummary {
    pub id: PracticeId,
    pub name: String,
    pub role: Role,
    /// The group of locations it belongs to, for the switcher's headings.
    pub group_name: Option<String>,
}

/// A practice as one member sees it when they open it: its details and what
/// they may do there. The console's layout loads it once and every page and
/// control of the practice asks the shared rules (`can`, `may_assign`,
/// `assignable_by`) with this actor — the very rules the server applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticePlace {
    pub id: PracticeId,
    pub details: PracticeDetails,
    pub actor: Actor,
    /// Active Owners and Admins, for the "promote a second admin" note.
    pub active_admins: u64,
}
