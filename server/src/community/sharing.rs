//! Sharing / Not sharing (product.md §8): a registered member's own choice,
//! changeable at any time; the next Community Health counts them or not.

use shared::community::Membership;
use shared::ids::{AccountId, PracticeId};

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::{ServiceError, ServiceResult};
use crate::{on_pool, on_tx};

/// The communities `account` has registered with, by practice name.
pub async fn memberships(backend: &Backend, account: AccountId) -> ServiceResult<Vec<Membership>> {
    let rows: Vec<(PracticeId, String, bool)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT p.id, p.name, m.sharing FROM community_members m JOIN practices p ON p.id = m.practice_id
             WHERE m.account_id = $1 AND m.status = 'accepted' ORDER BY p.name",
        )
        .bind(account)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(practice, practice_name, sharing)| Membership {
            practice,
            practice_name,
            sharing,
        })
        .collect())
}

/// Sets whether `account`'s readings count in `practice`'s Community Health.
/// Only a registered member decides, and only for themselves; another
/// practice, or a community they are not in, is "not found".
pub async fn set_sharing(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    sharing: bool,
) -> ServiceResult<()> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let before: Option<(bool,)> = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT sharing FROM community_members
             WHERE practice_id = $1 AND account_id = $2 AND status = 'accepted'",
        )
        .bind(practice)
        .bind(account)
        .fetch_optional(c)
        .await
    })?;
    let (before,) = before.ok_or(ServiceError::NotFound)?;
    if before == sharing {
        return Ok(());
    }
    on_tx!(&mut tx, c => {
        sqlx::query(
            "UPDATE community_members SET sharing = $1
             WHERE practice_id = $2 AND account_id = $3 AND status = 'accepted'",
        )
        .bind(sharing)
        .bind(practice)
        .bind(account)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let event = Event::new("community.sharing_changed", account.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "sharing": before }))
        .after(serde_json::json!({ "sharing": sharing }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(())
}
