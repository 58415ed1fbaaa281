//! Intake forms (product.md §7): the practice's own forms (this file), the
//! forms its clients are asked to fill (`requests`), the client filling
//! them in the portal (`filling`), and co-signing them (`cosigning`). Every rule of a form and of its answers is
//! `shared::forms`; here they are stored, authorised and audited.
//!
//! The whole team reads the practice's forms and its clients' submissions;
//! defining forms and choosing the defaults is a practice setting.

mod cosigning;
mod filling;
mod requests;

pub use cosigning::{cosign, inbox};
pub use filling::{open, save};
pub(crate) use requests::{ask, chosen, of_client, Chosen};
pub use requests::{send, submission};

use shared::forms::{FormDefinition, FormSummary};
use shared::ids::{AccountId, FormId, PracticeId};
use shared::roles::Capability;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_pool, on_tx, practices};

/// A stored definition back to its type; a row that does not decode is a bug, not input.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(json: &str) -> ServiceResult<T> {
    serde_json::from_str(json).map_err(|e| ServiceError::Internal(format!("stored form: {e}")))
}

pub(crate) fn encode(value: &impl serde::Serialize) -> ServiceResult<String> {
    serde_json::to_string(value).map_err(|e| ServiceError::Internal(e.to_string()))
}

type SummaryRow = (FormId, String, String, bool);

fn summary((id, title, definition, default): SummaryRow) -> ServiceResult<FormSummary> {
    let definition: FormDefinition = decode(&definition)?;
    Ok(FormSummary {
        id,
        title,
        fields: definition.fields.len(),
        default,
    })
}

const SUMMARY_SQL: &str = "SELECT id, title, definition, is_default FROM intake_forms
     WHERE practice_id = $1 ORDER BY lower(title), id";

/// The practice's forms, for anyone on its team.
pub async fn list(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Vec<FormSummary>> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let rows: Vec<SummaryRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(SUMMARY_SQL).bind(practice).fetch_all(pool).await
    })?;
    rows.into_iter().map(summary).collect()
}

/// The practice's forms inside a transaction (the invite form's side panel).
pub(crate) async fn summaries(
    tx: &mut Tx,
    practice: PracticeId,
) -> ServiceResult<Vec<FormSummary>> {
    let rows: Vec<SummaryRow> = on_tx!(tx, c => {
        sqlx::query_as(SUMMARY_SQL).bind(practice).fetch_all(c).await
    })?;
    rows.into_iter().map(summary).collect()
}

/// One of the practice's forms, to edit (or read) in Settings.
pub async fn definition(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    form: FormId,
) -> ServiceResult<FormDefinition> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let json: Option<String> = on_pool!(&backend.db, pool => {
        sqlx::query_scalar("SELECT definition FROM intake_forms WHERE id = $1 AND practice_id = $2")
            .bind(form)
            .bind(practice)
            .fetch_optional(pool)
            .await
    })?;
    decode(&json.ok_or(ServiceError::NotFound)?)
}

/// Creates a form (`form` is `None`) or changes one; answers its id.
/// Requests already sent keep the copy they were sent with.
pub async fn save_definition(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    form: Option<FormId>,
    definition: &FormDefinition,
) -> ServiceResult<FormId> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let definition = definition.validate()?;
    let now = backend.now_ms();
    let json = encode(&definition)?;
    let (id, before) = match form {
        Some(id) => {
            let before: Option<String> = on_tx!(&mut tx, c => {
                sqlx::query_scalar("SELECT definition FROM intake_forms WHERE id = $1 AND practice_id = $2")
                    .bind(id)
                    .bind(practice)
                    .fetch_optional(c)
                    .await
            })?;
            let before: FormDefinition = decode(&before.ok_or(ServiceError::NotFound)?)?;
            on_tx!(&mut tx, c => {
                sqlx::query("UPDATE intake_forms SET title = $1, definition = $2, updated_at = $3 WHERE id = $4")
                    .bind(&definition.title)
                    .bind(&json)
                    .bind(now)
                    .bind(id)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
            (id, Some(before))
        }
        None => (
            insert(&mut tx, practice, &definition, false, now).await?,
            None,
        ),
    };
    let mut event = Event::new("form.saved", id.to_string())
        .in_practice(practice)
        .after(&definition);
    if let Some(before) = before {
        event = event.before(before);
    }
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

async fn insert(
    tx: &mut Tx,
    practice: PracticeId,
    definition: &FormDefinition,
    default: bool,
    now: i64,
) -> ServiceResult<FormId> {
    let id = FormId::from_uuid(Uuid::new_v4());
    let json = encode(definition)?;
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO intake_forms (id, practice_id, title, definition, is_default, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(practice)
        .bind(&definition.title)
        .bind(&json)
        .bind(default)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// A new practice's forms (`shared::forms::seeded`), sent by default; once
/// per practice, whichever server gets there first.
pub(crate) async fn seed(tx: &mut Tx, practice: PracticeId, now: i64) -> ServiceResult<()> {
    let first = on_tx!(&mut *tx, c => {
        sqlx::query("UPDATE practices SET forms_seeded = TRUE WHERE id = $1 AND NOT forms_seeded")
            .bind(practice)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    if first == 1 {
        for definition in shared::forms::seeded() {
            insert(tx, practice, &definition, true, now).await?;
        }
    }
    Ok(())
}

/// Gives the practices created before intake forms existed their starting
/// forms; run as a server starts. Answers how many practices got them.
pub async fn seed_existing(backend: &Backend) -> ServiceResult<usize> {
    let waiting: Vec<PracticeId> = on_pool!(&backend.db, pool => {
        sqlx::query_scalar("SELECT id FROM practices WHERE NOT forms_seeded")
            .fetch_all(pool)
            .await
    })?;
    for &practice in &waiting {
        let mut tx = backend.db.begin().await?;
        seed(&mut tx, practice, backend.now_ms()).await?;
        tx.commit().await?;
    }
    Ok(waiting.len())
}

/// Makes exactly `forms` the practice's defaults; answers whether that changed anything.
pub(crate) async fn set_defaults(
    tx: &mut Tx,
    practice: PracticeId,
    forms: &[FormId],
) -> ServiceResult<bool> {
    let all = summaries(tx, practice).await?;
    let mut changed = false;
    for form in all {
        let default = forms.contains(&form.id);
        if default != form.default {
            changed = true;
            on_tx!(&mut *tx, c => {
                sqlx::query("UPDATE intake_forms SET is_default = $1 WHERE id = $2")
                    .bind(default)
                    .bind(form.id)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
        }
    }
    Ok(changed)
}
