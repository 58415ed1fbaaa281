//! A client filling a form in the portal: only the client whose portal login
//! holds the request sees it; drafts keep what is well formed; a submission
//! needs every required field and is final.

use shared::forms::{Completion, FilledForm, FormSave, FormStatus};
use shared::ids::{AccountId, ClientFormId};
use shared::validation::FieldErrors;

use super::{encode, requests::filled};
use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::error::{ServiceError, ServiceResult};
use crate::on_tx;

/// The request is this account's: its client's portal login, the client not archived.
const MINE: &str = "c.archived_at IS NULL AND EXISTS (SELECT 1 FROM portal_logins l
     WHERE l.client_id = cf.client_id AND l.account_id = $2)";

/// A form the signed-in client was asked to fill, with their answers so far.
pub async fn open(
    backend: &Backend,
    account: AccountId,
    id: ClientFormId,
) -> ServiceResult<FilledForm> {
    let mut tx = backend.db.begin().await?;
    let (form, _) = filled(&mut tx, id, MINE, account).await?;
    tx.commit().await?;
    Ok(form)
}

/// Keeps a draft or hands the form in; answers where the form now stands.
pub async fn save(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    id: ClientFormId,
    save: &FormSave,
) -> ServiceResult<FormStatus> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let (form, practice) = filled(&mut tx, id, MINE, account).await?;
    let handed_in = || {
        ServiceError::Validation(FieldErrors::single(
            "form",
            "You have handed in this form already; ask your practice if something has changed.",
        ))
    };
    if form.status == FormStatus::Submitted {
        return Err(handed_in());
    }
    save.answers.check(&form.definition, save.completion)?;
    let submitted = (save.completion == Completion::Submit).then_some(now);
    let json = encode(&save.answers)?;
    // Only while not handed in: a second tab's submission cannot be overwritten.
    let changed = on_tx!(&mut tx, c => {
        sqlx::query(
            "UPDATE client_forms SET answers = $1, updated_at = $2, submitted_at = $3
             WHERE id = $4 AND submitted_at IS NULL",
        )
        .bind(&json)
        .bind(now)
        .bind(submitted)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if changed != 1 {
        return Err(handed_in());
    }
    let (action, status) = match save.completion {
        Completion::Draft => ("form.draft_saved", FormStatus::Draft),
        Completion::Submit => ("form.submitted", FormStatus::Submitted),
    };
    // The answers stay out of the trail: it says who handed in what, not what they wrote.
    let event = Event::new(action, id.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "form": form.definition.title, "client": form.client_name }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(status)
}
