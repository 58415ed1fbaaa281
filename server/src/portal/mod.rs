//! The client portal (product.md §5, §7): invitations sent by the practice,
//! and the invited client's answer.

mod accept;
mod invite;

pub use accept::{accept, ask_again, sign_up, view};
pub use invite::{invite, setup, MAX_BATCH};

use shared::ids::{AccountId, ClientId};
use shared::portal::PortalPlace;

use crate::backend::Backend;
use crate::error::ServiceResult;

/// The practices where `account` is a client with a portal login.
pub async fn places(backend: &Backend, account: AccountId) -> ServiceResult<Vec<PortalPlace>> {
    let mut tx = backend.db.begin().await?;
    let rows: Vec<(String, String, ClientId, String)> = crate::on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT p.name, c.first_name, c.id, p.time_zone FROM portal_logins l
             JOIN practices p ON p.id = l.practice_id JOIN clients c ON c.id = l.client_id
             WHERE l.account_id = $1 AND c.archived_at IS NULL ORDER BY p.name",
        )
        .bind(account)
        .fetch_all(c)
        .await
    })?;
    let mut places = Vec::with_capacity(rows.len());
    for (practice_name, client_first_name, client, zone) in rows {
        places.push(PortalPlace {
            practice_name,
            client_first_name,
            forms: crate::forms::of_client(&mut tx, client, &zone).await?,
        });
    }
    tx.commit().await?;
    Ok(places)
}
