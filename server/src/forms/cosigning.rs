//! Co-signing (product.md §7): a submitted form whose definition asks for a
//! co-signature waits in the *To sign* inbox; anyone on the team with *can
//! sign forms* (`shared::forms::may_cosign`) signs it, once. Who, when and
//! the drawn signature are kept with the form and the act is audited.

use shared::forms::{check_signature, may_cosign, ToSign};
use shared::ids::{AccountId, ClientFormId, ClientId, PracticeId};
use shared::roles::Capability;
use shared::validation::FieldErrors;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::{memberships, on_pool, on_tx, practices};

/// The practice's submitted forms waiting for a co-signature, oldest first.
pub async fn inbox(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Vec<ToSign>> {
    let actor = memberships::require(backend, account, practice, Capability::ViewClients).await?;
    if !may_cosign(&actor) {
        return Err(ServiceError::Forbidden);
    }
    let rows: Vec<(ClientFormId, ClientId, String, String, i64, String)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT cf.id, cf.client_id, c.first_name || ' ' || c.last_name, cf.title, cf.submitted_at, p.time_zone
             FROM client_forms cf JOIN clients c ON c.id = cf.client_id JOIN practices p ON p.id = cf.practice_id
             WHERE cf.practice_id = $1 AND cf.needs_cosign AND cf.cosigned_at IS NULL
               AND cf.submitted_at IS NOT NULL AND c.archived_at IS NULL
             ORDER BY cf.submitted_at, cf.id",
        )
        .bind(practice)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, client, client_name, title, submitted, zone)| ToSign {
            id,
            client,
            client_name,
            title,
            submitted: practice_time(submitted, &zone),
        })
        .collect())
}

/// Co-signs a submitted form of `practice` with a drawn `signature`.
pub async fn cosign(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    id: ClientFormId,
    signature: &str,
) -> ServiceResult<()> {
    let now = backend.now_ms();
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ViewClients).await?;
    if !may_cosign(&actor) {
        return Err(ServiceError::Forbidden);
    }
    check_signature(signature)?;
    type Row = (String, String, bool, Option<i64>, Option<i64>);
    let row: Option<Row> = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT cf.title, c.first_name || ' ' || c.last_name, cf.needs_cosign, cf.submitted_at, cf.cosigned_at
             FROM client_forms cf JOIN clients c ON c.id = cf.client_id
             WHERE cf.id = $1 AND cf.practice_id = $2",
        )
        .bind(id)
        .bind(practice)
        .fetch_optional(c)
        .await
    })?;
    // Another practice's form is "not found", as one that does not exist.
    let (title, client_name, needs, submitted, cosigned) = row.ok_or(ServiceError::NotFound)?;
    let refused = |why: &str| ServiceError::Validation(FieldErrors::single("signature", why));
    match (needs, submitted, cosigned) {
        (false, ..) => return Err(refused("This form does not ask for a co-signature.")),
        (_, None, _) => return Err(refused("The client has not submitted this form yet.")),
        (_, _, Some(_)) => return Err(refused("This form is co-signed already.")),
        _ => {}
    }
    let name: String = on_tx!(&mut tx, c => {
        sqlx::query_scalar("SELECT full_name FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_one(c)
            .await
    })?;
    // The practice's lock is held: nobody else can sign between the read and this write.
    on_tx!(&mut tx, c => {
        sqlx::query(
            "UPDATE client_forms SET cosigned_by = $1, cosigned_by_name = $2, cosigned_at = $3, cosignature = $4
             WHERE id = $5 AND cosigned_at IS NULL",
        )
        .bind(account)
        .bind(&name)
        .bind(now)
        .bind(signature)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let event = Event::new("form.cosigned", id.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "form": title, "client": client_name, "by": name }));
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
