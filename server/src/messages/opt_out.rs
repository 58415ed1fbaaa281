//! Opting out (§7): a client stops messages with the link every message
//! carries (a page, or their mail client's one-click button, RFC 8058), or
//! someone who may message them opts them out. Only the team's own opt-out
//! can be undone by the team; a client's unsubscribe stands until they
//! change their mind. Portal invitations and security mail still go.
//!
//! The link's token is stored only as a hash; an unknown token changes
//! nothing and says only that the link is unknown.

use shared::ids::{AccountId, ClientId, PracticeId};
use shared::messages::UnsubscribeView;
use shared::roles::Capability;
use shared::validation::FieldErrors;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::tokens::Secret;
use crate::{clients, on_pool, on_tx, practices};

/// Who asked for the opt-out, as stored in `clients.opted_out_by`.
const BY_CLIENT: &str = "client";
const BY_STAFF: &str = "staff";

/// Opts `client` out of messages (`out`), or back in after a team opt-out.
pub async fn set_opted_out(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    out: bool,
) -> ServiceResult<()> {
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::MessageClient).await?;
    let row = clients::row(&mut tx, practice, account, client, now).await?;
    let by = opted_out_by(&mut tx, client).await?;
    let changed = match (out, by.as_deref()) {
        (true, None) => true,
        (false, Some(BY_CLIENT)) => {
            return Err(ServiceError::Validation(FieldErrors::single(
                "opted_out",
                "The client unsubscribed themselves; only they can ask for messages again.",
            )))
        }
        (false, Some(_)) => true,
        _ => false,
    };
    if !changed {
        return Ok(());
    }
    on_tx!(&mut tx, c => {
        sqlx::query(
            "UPDATE clients SET opted_out_at = CASE WHEN $1 THEN $2 ELSE NULL END,
                    opted_out_by = CASE WHEN $1 THEN $3 ELSE NULL END
             WHERE id = $4",
        )
        .bind(out)
        .bind(now)
        .bind(BY_STAFF)
        .bind(client)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let action = if out {
        "client.opted_out"
    } else {
        "client.opted_in"
    };
    let event = Event::new(action, client.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "name": row.full_name() }));
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

async fn opted_out_by(tx: &mut Tx, client: ClientId) -> ServiceResult<Option<String>> {
    let by: Option<String> = on_tx!(tx, c => {
        sqlx::query_scalar("SELECT opted_out_by FROM clients WHERE id = $1")
            .bind(client)
            .fetch_one(c)
            .await
    })?;
    Ok(by)
}

#[derive(sqlx::FromRow)]
struct Link {
    practice_id: PracticeId,
    client_id: ClientId,
    practice_name: String,
    opted_out_by: Option<String>,
}

const LINK_SQL: &str = "SELECT m.practice_id, m.client_id, p.name AS practice_name, c.opted_out_by
     FROM messages m JOIN practices p ON p.id = m.practice_id JOIN clients c ON c.id = m.client_id
     WHERE m.unsubscribe_hash = $1";

fn unknown() -> ServiceError {
    ServiceError::Link(LinkProblem::Unknown)
}

/// What the unsubscribe page shows for a link.
pub async fn unsubscribe_view(backend: &Backend, token: &str) -> ServiceResult<UnsubscribeView> {
    let hash = Secret::from_presented(token).hash();
    let link: Option<Link> = on_pool!(&backend.db, pool => {
        sqlx::query_as(LINK_SQL).bind(&hash).fetch_optional(pool).await
    })?;
    let link = link.ok_or_else(unknown)?;
    Ok(UnsubscribeView {
        practice_name: link.practice_name,
        done: link.opted_out_by.as_deref() == Some(BY_CLIENT),
    })
}

/// The client's own opt-out, from the page or their mail client; audited
/// without an actor. Unsubscribing twice changes nothing.
pub async fn unsubscribe(
    backend: &Backend,
    caller: &Caller,
    token: &str,
) -> ServiceResult<UnsubscribeView> {
    let now = backend.now_ms();
    let hash = Secret::from_presented(token).hash();
    let mut tx = backend.db.begin().await?;
    let link: Option<Link> =
        on_tx!(&mut tx, c => sqlx::query_as(LINK_SQL).bind(&hash).fetch_optional(c).await)?;
    let link = link.ok_or_else(unknown)?;
    let view = UnsubscribeView {
        practice_name: link.practice_name.clone(),
        done: true,
    };
    if link.opted_out_by.as_deref() == Some(BY_CLIENT) {
        return Ok(view);
    }
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE clients SET opted_out_at = $1, opted_out_by = $2 WHERE id = $3")
            .bind(now)
            .bind(BY_CLIENT)
            .bind(link.client_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    let event = Event::new("client.unsubscribed", link.client_id.to_string())
        .in_practice(link.practice_id)
        .before(serde_json::json!({ "opted_out_by": link.opted_out_by }));
    audit::commit(tx, &backend.audit_key, &caller.anonymous(), now, event).await?;
    Ok(view)
}
