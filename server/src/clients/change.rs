//! Changing clients: add, edit, archive, assign — each under the practice's
//! lock, with its audit event in the same transaction.

use shared::clients::{ClientDetails, ClientForm, ClientRow, StaffChoice};
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::roles::Capability;
use uuid::Uuid;

use super::{may_edit, row, staff, today};
use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{on_tx, practices};

fn audited(details: &ClientDetails) -> serde_json::Value {
    serde_json::json!({
        "name": format!("{} {}", details.first_name, details.last_name),
        "email": details.email.as_ref().map(|e| e.as_str()),
        "date_of_birth": details.date_of_birth.map(|d| d.to_string()),
    })
}

/// Adds a client (Owners, Admins, Practitioners); audited.
pub async fn add(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    form: &ClientForm,
) -> ServiceResult<ClientId> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::EditClients).await?;
    let details = form.validate(today(backend, &mut tx, practice).await?)?;
    let id = ClientId::from_uuid(Uuid::new_v4());
    let now = backend.now_ms();
    on_tx!(&mut tx, c => {
        sqlx::query(
            "INSERT INTO clients (id, practice_id, first_name, last_name, email, date_of_birth, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(practice)
        .bind(&details.first_name)
        .bind(&details.last_name)
        .bind(details.email.as_ref().map(|e| e.as_str()))
        .bind(details.date_of_birth.map(|d| d.to_string()))
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let event = Event::new("client.added", id.to_string())
        .in_practice(practice)
        .after(audited(&details));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(id)
}

/// Locks the practice, and checks that `account` may change this client.
pub(crate) async fn change(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
) -> ServiceResult<(Tx, ClientRow)> {
    let (mut tx, actor) = super::change_some(backend, account, practice).await?;
    let row = row(&mut tx, practice, account, client, backend.now_ms()).await?;
    if !may_edit(&actor, &row) {
        return Err(ServiceError::Forbidden);
    }
    Ok((tx, row))
}

/// Changes a client's details; audited with before and after.
pub async fn edit(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    form: &ClientForm,
) -> ServiceResult<()> {
    let (mut tx, before) = change(backend, account, practice, client).await?;
    let details = form.validate(today(backend, &mut tx, practice).await?)?;
    on_tx!(&mut tx, c => {
        sqlx::query(
            "UPDATE clients SET first_name = $1, last_name = $2, email = $3, date_of_birth = $4
             WHERE id = $5 AND practice_id = $6",
        )
        .bind(&details.first_name)
        .bind(&details.last_name)
        .bind(details.email.as_ref().map(|e| e.as_str()))
        .bind(details.date_of_birth.map(|d| d.to_string()))
        .bind(client)
        .bind(practice)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let event = Event::new("client.edited", client.to_string())
        .in_practice(practice)
        .before(serde_json::json!({
            "name": before.full_name(),
            "email": before.email,
            "date_of_birth": before.date_of_birth.map(|d| d.to_string()),
        }))
        .after(audited(&details));
    Ok(audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        backend.now_ms(),
        event,
    )
    .await?)
}

/// Archives a client (kept, with their history, out of the list) or brings one back.
pub async fn set_archived(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    archived: bool,
) -> ServiceResult<()> {
    let (mut tx, row) = change(backend, account, practice, client).await?;
    if row.archived == archived {
        return tx.commit().await.map_err(Into::into);
    }
    let now = backend.now_ms();
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE clients SET archived_at = $1 WHERE id = $2 AND practice_id = $3")
            .bind(archived.then_some(now))
            .bind(client)
            .bind(practice)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    let action = if archived {
        "client.archived"
    } else {
        "client.restored"
    };
    let event = Event::new(action, client.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "name": row.full_name() }));
    Ok(audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?)
}

/// Sets who on the team looks after a client. Practice-wide (`EditClients`
/// without an assignment condition): Staff cannot assign clients to themselves.
pub async fn assign(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    staff: &[AccountId],
) -> ServiceResult<()> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::EditClients).await?;
    let row = row(&mut tx, practice, account, client, backend.now_ms()).await?;
    let before = self::staff(&mut tx, practice, client).await?;
    let names = |choices: &[StaffChoice], chosen: &dyn Fn(&StaffChoice) -> bool| -> Vec<String> {
        choices
            .iter()
            .filter(|s| chosen(s))
            .map(|s| s.full_name.clone())
            .collect()
    };
    if let Some(stranger) = staff
        .iter()
        .find(|a| !before.iter().any(|s| s.account == **a))
    {
        // Not an active member here: refused by name, never inserted.
        return Err(ServiceError::Validation(
            shared::validation::FieldErrors::single(
                "staff",
                format!("{stranger} is not an active member of this practice."),
            ),
        ));
    }
    on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM client_staff WHERE client_id = $1").bind(client).execute(c).await.map(|r| r.rows_affected())
    })?;
    for member in staff {
        on_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO client_staff (client_id, membership_id)
                 SELECT $1, m.id FROM memberships m WHERE m.practice_id = $2 AND m.account_id = $3",
            )
            .bind(client)
            .bind(practice)
            .bind(*member)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    let event = Event::new("client.staff_assigned", client.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "name": row.full_name(), "staff": names(&before, &|s| s.assigned) }))
        .after(serde_json::json!({ "staff": names(&before, &|s| staff.contains(&s.account)) }));
    Ok(audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        backend.now_ms(),
        event,
    )
    .await?)
}
