//! Sending: the draft is checked once, then rendered for each client who may
//! receive it (not archived, not opted out, with an address, within the
//! practice's daily mail quota); the messages, their outbox rows and their
//! audit events commit together, in multi-row inserts so a batch of
//! thousands is queued in one short transaction.

use shared::clients::{ClientQuery, ClientRow};
use shared::email::EmailAddress;
use shared::ids::{AccountId, BatchId, ClientId, ClientMessageId, PracticeId};
use shared::messages::{
    self, BatchRequest, Checked, Draft, Progress, Recipients, SendReport, Setup, Skip, Skipped,
};
use shared::roles::Capability;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::Quota;
use crate::mail::{outbox, Email};
use crate::tokens::Secret;
use crate::{clients, memberships, on_tx, practices};

/// Rows per multi-row INSERT: well under both backends' limits on bound values.
const CHUNK: usize = 500;

/// One message to one client.
pub async fn send(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    client: ClientId,
    draft: &Draft,
) -> ServiceResult<SendReport> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::MessageClient).await?;
    let checked = draft.check()?;
    let row = clients::row(&mut tx, practice, account, client, backend.now_ms()).await?;
    if let Some(why) = messages::skip_of(&row) {
        return Err(ServiceError::Validation(
            shared::validation::FieldErrors::single("client", why.label()),
        ));
    }
    queue(backend, tx, caller, account, practice, &checked, &[row]).await
}

/// One message to many clients: the ticked ones, or all matching a search.
pub async fn send_batch(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    request: &BatchRequest,
) -> ServiceResult<SendReport> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::BatchMessage).await?;
    let checked = request.draft.check()?;
    let now = backend.now_ms();
    let too_many = || {
        ServiceError::Validation(shared::validation::FieldErrors::single(
            "clients",
            format!("Send to at most {} clients at once.", messages::MAX_BATCH),
        ))
    };
    let rows = match &request.recipients {
        Recipients::These(ids) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            if ids.len() > messages::MAX_BATCH {
                return Err(too_many());
            }
            let mut rows = Vec::with_capacity(ids.len());
            for id in ids {
                // Another practice's client is "not found" and stops the whole batch.
                rows.push(clients::row(&mut tx, practice, account, id, now).await?);
            }
            rows
        }
        Recipients::Matching { search } => {
            let query = ClientQuery {
                search: search.clone(),
                ..ClientQuery::default()
            };
            let rows = clients::matching(
                &mut tx,
                (practice, account, now),
                &query,
                messages::MAX_BATCH + 1,
            )
            .await?;
            if rows.len() > messages::MAX_BATCH {
                return Err(too_many());
            }
            rows
        }
    };
    if rows.is_empty() {
        return Err(ServiceError::Validation(
            shared::validation::FieldErrors::single("clients", "Choose at least one client."),
        ));
    }
    queue(backend, tx, caller, account, practice, &checked, &rows).await
}

/// Renders, queues and audits the message for each of `clients` who may
/// receive it; commits.
async fn queue(
    backend: &Backend,
    mut tx: Tx,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    checked: &Checked,
    clients: &[ClientRow],
) -> ServiceResult<SendReport> {
    let now = backend.now_ms();
    let batch = BatchId::from_uuid(Uuid::now_v7());
    let setup = super::setup(&mut tx, practice).await?;
    let mut quota = Quota::of(&mut tx, practice, backend.config.invitations_per_day, now).await?;
    let mut skipped = Vec::new();
    let mut kept = Vec::with_capacity(clients.len());
    let mut emails = Vec::with_capacity(clients.len());
    let mut events = Vec::with_capacity(clients.len());
    for client in clients {
        let why = messages::skip_of(client).or((quota.left == 0).then_some(Skip::QuotaReached));
        if let Some(why) = why {
            skipped.push(Skipped {
                client: client.id,
                name: client.full_name(),
                why,
            });
            continue;
        }
        quota.left -= 1;
        let (email, message) = compose(backend, &setup, checked, client)?;
        events.push(
            Event::new("message.sent", client.id.to_string())
                .in_practice(practice)
                .after(serde_json::json!({
                    "message": message.id.to_string(),
                    "batch": batch.to_string(),
                    "subject": checked.subject,
                    "to": email.to.as_str(),
                })),
        );
        emails.push(email);
        kept.push(message);
    }
    let outbox_ids = outbox::enqueue_all(&mut tx, Some(practice), &emails, now).await?;
    for (chunk, ids) in kept.chunks(CHUNK).zip(outbox_ids.chunks(CHUNK)) {
        on_tx!(&mut tx, c => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO messages (id, practice_id, client_id, batch_id, outbox_id, subject, body, sent_by, unsubscribe_hash, created_at) ",
            );
            insert.push_values(chunk.iter().zip(ids), |mut row, (message, outbox_id)| {
                row.push_bind(message.id)
                    .push_bind(practice)
                    .push_bind(message.client)
                    .push_bind(batch)
                    .push_bind(outbox_id.to_string())
                    .push_bind(&checked.subject)
                    .push_bind(&message.body)
                    .push_bind(account)
                    .push_bind(&message.unsubscribe_hash)
                    .push_bind(now);
            });
            insert.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    audit::append_all(
        &mut tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        events,
    )
    .await?;
    tx.commit().await?;
    Ok(SendReport {
        batch,
        queued: u32::try_from(kept.len()).unwrap_or(u32::MAX),
        skipped,
    })
}

/// What the history keeps of one message.
struct Kept {
    id: ClientMessageId,
    client: ClientId,
    body: String,
    unsubscribe_hash: String,
}

/// One client's email: the practice's text for them, then how to unsubscribe.
fn compose(
    backend: &Backend,
    setup: &Setup,
    checked: &Checked,
    client: &ClientRow,
) -> ServiceResult<(Email, Kept)> {
    let to = EmailAddress::parse(client.email.as_deref().unwrap_or_default())
        .map_err(|e| ServiceError::Internal(format!("stored client address: {e}")))?;
    let token = Secret::generate();
    let page = backend
        .config
        .link(&format!("/portal/unsubscribe?token={}", token.expose()));
    let one_click = backend
        .config
        .link(&format!("/mail/unsubscribe?token={}", token.expose()));
    let values = setup.values(client);
    let body = checked.body.render_text(&values);
    let html = format!(
        "{}{}",
        checked.body.render_html(&values),
        setup.footer_html(&page)
    );
    let email = Email::new(
        &to,
        &checked.subject,
        format!("{body}{}", setup.footer(&page)),
    )
    .with_html(html)
    .carrying(&token)
    .unsubscribing(one_click);
    Ok((
        email,
        Kept {
            id: ClientMessageId::from_uuid(Uuid::now_v7()),
            client: client.id,
            body,
            unsubscribe_hash: token.hash(),
        },
    ))
}

/// How far a batch's delivery has come, for whoever may see the clients.
pub async fn progress(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    batch: BatchId,
) -> ServiceResult<Progress> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let counts: Vec<(String, i64)> = crate::on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT o.status, COUNT(*) FROM messages m JOIN outbox o ON o.id = m.outbox_id
             WHERE m.practice_id = $1 AND m.batch_id = $2 GROUP BY o.status",
        )
        .bind(practice)
        .bind(batch)
        .fetch_all(pool)
        .await
    })?;
    let mut progress = Progress::default();
    for (status, count) in counts {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        match outbox::Delivery::from_code(&status) {
            outbox::Delivery::Queued => progress.queued += count,
            outbox::Delivery::Sent => progress.sent += count,
            outbox::Delivery::Failed => progress.failed += count,
        }
    }
    Ok(progress)
}
