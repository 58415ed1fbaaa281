//! The forms a client is asked to fill: with a portal invitation, or later by
//! *Send forms* to a client who has a portal login; and what the team reads
//! of them in Client details.

use shared::forms::{Answers, ClientFormRow, Cosign, FilledForm, FormDefinition, FormStatus};
use shared::ids::{AccountId, ClientFormId, ClientId, FormId, PracticeId};
use shared::roles::Capability;
use shared::validation::FieldErrors;
use uuid::Uuid;

use super::decode;
use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::{practice_time, Quota};
use crate::mail::{outbox, templates};
use crate::{clients, memberships, on_tx};

/// A practice form chosen to be sent, as it reads now.
pub(crate) struct Chosen {
    id: FormId,
    pub(crate) title: String,
    definition: String,
}

/// The practice's forms `ids` (each once), or NotFound if one is not this practice's.
pub(crate) async fn chosen(
    tx: &mut Tx,
    practice: PracticeId,
    ids: &[FormId],
) -> ServiceResult<Vec<Chosen>> {
    let mut forms: Vec<Chosen> = Vec::with_capacity(ids.len());
    for &id in ids {
        if forms.iter().any(|f| f.id == id) {
            continue;
        }
        let row: Option<(String, String)> = on_tx!(&mut *tx, c => {
            sqlx::query_as("SELECT title, definition FROM intake_forms WHERE id = $1 AND practice_id = $2")
                .bind(id)
                .bind(practice)
                .fetch_optional(c)
                .await
        })?;
        let (title, definition) = row.ok_or(ServiceError::NotFound)?;
        forms.push(Chosen {
            id,
            title,
            definition,
        });
    }
    Ok(forms)
}

/// Asks `client` to fill `forms`; a form they have not handed in yet is not
/// asked twice. Answers the titles newly asked.
pub(crate) async fn ask(
    tx: &mut Tx,
    practice: PracticeId,
    client: ClientId,
    by: AccountId,
    forms: &[Chosen],
    now: i64,
) -> ServiceResult<Vec<String>> {
    let doctor = memberships::doctor_name(tx, practice).await?;
    let mut asked = Vec::new();
    for form in forms {
        let copy = decode::<FormDefinition>(&form.definition)?.for_client(&doctor);
        let definition = super::encode(&copy)?;
        let added = on_tx!(&mut *tx, c => {
            sqlx::query(
                "INSERT INTO client_forms (id, practice_id, client_id, form_id, title, definition, needs_cosign, requested_by, requested_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING",
            )
            .bind(ClientFormId::from_uuid(Uuid::new_v4()))
            .bind(practice)
            .bind(client)
            .bind(form.id)
            .bind(&copy.title)
            .bind(&definition)
            .bind(copy.cosign)
            .bind(by)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if added == 1 {
            asked.push(copy.title);
        }
    }
    Ok(asked)
}

/// Where the co-signature stands, from the row's columns; times in `zone`.
fn cosign(needs: bool, by: Option<String>, at: Option<i64>, zone: &str) -> Cosign {
    match (needs, at) {
        (false, _) => Cosign::NotNeeded,
        (true, None) => Cosign::Waiting,
        (true, Some(at)) => Cosign::Signed {
            by: by.unwrap_or_default(),
            at: practice_time(at, zone),
        },
    }
}

fn status(has_answers: bool, submitted: bool) -> FormStatus {
    match (has_answers, submitted) {
        (_, true) => FormStatus::Submitted,
        (true, false) => FormStatus::Draft,
        (false, false) => FormStatus::ToFill,
    }
}

/// The forms `client` was asked to fill, newest first; times in `zone`.
pub(crate) async fn of_client(
    tx: &mut Tx,
    client: ClientId,
    zone: &str,
) -> ServiceResult<Vec<ClientFormRow>> {
    type Row = (
        ClientFormId,
        String,
        bool,
        i64,
        Option<i64>,
        bool,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT id, title, answers IS NOT NULL, requested_at, submitted_at, needs_cosign, cosigned_by_name, cosigned_at
             FROM client_forms WHERE client_id = $1 ORDER BY requested_at DESC, title, id",
        )
        .bind(client)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, title, has_answers, requested, submitted, needs, by, at)| ClientFormRow {
                id,
                title,
                status: status(has_answers, submitted.is_some()),
                cosign: cosign(needs, by, at, zone),
                requested: practice_time(requested, zone),
                submitted: submitted.map(|s| practice_time(s, zone)),
            },
        )
        .collect())
}

/// A request with its answers, where `condition` (on `cf`, `c`; `$2`) holds.
pub(super) async fn filled(
    tx: &mut Tx,
    id: ClientFormId,
    condition: &str,
    who: impl ToString,
) -> ServiceResult<(FilledForm, PracticeId)> {
    let sql = format!(
        "SELECT p.name, c.first_name || ' ' || c.last_name, cf.definition, cf.answers, cf.submitted_at, p.time_zone, p.id,
                cf.needs_cosign, cf.cosigned_by_name, cf.cosigned_at, cf.cosignature
         FROM client_forms cf JOIN clients c ON c.id = cf.client_id JOIN practices p ON p.id = cf.practice_id
         WHERE cf.id = $1 AND {condition}"
    );
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<i64>,
        String,
        PracticeId,
        bool,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let who = who.to_string();
    let row: Option<Row> = on_tx!(tx, c => {
        sqlx::query_as(&sql).bind(id).bind(&who).fetch_optional(c).await
    })?;
    // Another practice's or another client's form is "not found", as one that does not exist.
    let (
        practice_name,
        client_name,
        definition,
        answers,
        submitted,
        zone,
        practice,
        needs_cosign,
        cosigned_by,
        cosigned_at,
        cosignature,
    ) = row.ok_or(ServiceError::NotFound)?;
    let definition: FormDefinition = decode(&definition)?;
    let status = status(answers.is_some(), submitted.is_some());
    let answers = match &answers {
        Some(json) => decode(json)?,
        None => Answers::empty(&definition),
    };
    Ok((
        FilledForm {
            id,
            practice_name,
            client_name,
            status,
            submitted: submitted.map(|s| practice_time(s, &zone)),
            cosign: cosign(needs_cosign, cosigned_by, cosigned_at, &zone),
            cosignature,
            answers,
            definition,
        },
        practice,
    ))
}

/// One form of a client with its answers, for anyone on the practice's team.
pub async fn submission(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    id: ClientFormId,
) -> ServiceResult<FilledForm> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let mut tx = backend.db.begin().await?;
    let (form, _) = filled(&mut tx, id, "cf.practice_id = $2", practice).await?;
    tx.commit().await?;
    Ok(form)
}

/// *Send forms*: asks a client who has a portal login to fill `forms`, by email.
pub async fn send(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    forms: &[FormId],
) -> ServiceResult<Vec<String>> {
    let now = backend.now_ms();
    let (mut tx, row) = clients::change(backend, account, practice, client).await?;
    let refused = |message: &str| ServiceError::Validation(FieldErrors::single("forms", message));
    if !row.receives_forms() {
        return Err(refused(
            "Forms are sent to clients with a portal login: invite them to the portal first.",
        ));
    }
    if forms.is_empty() {
        return Err(refused("Choose at least one form to send."));
    }
    let chosen = chosen(&mut tx, practice, forms).await?;
    let asked = ask(&mut tx, practice, client, account, &chosen, now).await?;
    if asked.is_empty() {
        return Err(refused(
            "They have these forms to fill in already: nothing new to send.",
        ));
    }
    let quota = Quota::of(&mut tx, practice, backend.config.invitations_per_day, now).await?;
    if quota.left == 0 {
        return Err(refused(&quota.reached()));
    }
    let (email, practice_name): (String, String) = on_tx!(&mut tx, c => {
        sqlx::query_as(
            "SELECT l.email, p.name FROM portal_logins l JOIN practices p ON p.id = l.practice_id WHERE l.client_id = $1",
        )
        .bind(client)
        .fetch_one(c)
        .await
    })?;
    let to = shared::email::EmailAddress::parse(&email)
        .map_err(|e| ServiceError::Internal(format!("stored portal address: {e}")))?;
    let mail = templates::forms_to_fill(
        &to,
        &practice_name,
        &row.first_name,
        &asked,
        &backend.config.link("/portal"),
    );
    outbox::enqueue(&mut tx, Some(practice), &mail, now).await?;
    let event = Event::new("forms.requested", client.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "name": row.full_name(), "forms": asked }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(asked)
}
