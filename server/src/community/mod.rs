//! A practice's community (product.md §5, §8): people who take part without
//! being clients, and who choose whether their readings count in the
//! practice's anonymous Community Health.

mod health;
pub mod joining;
pub mod members;
mod sharing;

pub use health::{health, HEALTH_SQL};
pub use sharing::{memberships, set_sharing};
