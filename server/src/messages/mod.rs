//! Messages to clients (product.md §7): sent to one client or a batch by
//! email through the outbox, each kept with its exact text in the client's
//! communication history, each with an unsubscribe link.
//!
//! Who may (§3): one message and opting a client out is `MessageClient`
//! (Owner, Admin, Practitioner, Staff Full and Read-write), a batch is
//! `BatchMessage` (not Read-write); both need the *chat user* flag, which
//! `shared::roles::can` checks. The history is `ViewClients`: the whole team.

mod history;
mod opt_out;
mod sending;

pub use history::history;
pub(crate) use history::page_of as history_page;
pub use opt_out::{set_opted_out, unsubscribe, unsubscribe_view};
pub use sending::{progress, send, send_batch};

use shared::ids::{AccountId, PracticeId};
use shared::messages::Setup;
use shared::roles::Capability;

use crate::backend::Backend;
use crate::db::Tx;
use crate::error::ServiceResult;
use crate::{memberships, on_tx};

/// What the message form previews with, for whoever may send one.
pub async fn setup_for(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Setup> {
    memberships::require(backend, account, practice, Capability::MessageClient).await?;
    let mut tx = backend.db.begin().await?;
    let setup = setup(&mut tx, practice).await?;
    tx.commit().await?;
    Ok(setup)
}

/// What messages of `practice` are filled with.
async fn setup(tx: &mut Tx, practice: PracticeId) -> ServiceResult<Setup> {
    let practice_name: String = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT name FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    let doctor_name = memberships::doctor_name(tx, practice).await?;
    Ok(Setup {
        practice_name,
        doctor_name,
    })
}
