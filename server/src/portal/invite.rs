//! Sending portal invitations (product.md §5): one message, written once with
//! placeholders, rendered for each client by `shared::templates` (the same
//! function as the browser's preview) as text and escaped HTML.
//!
//! Who may: anyone who may edit the client (`clients::may_edit`: Owners,
//! Admins, Practitioners; Staff (Full) with *can invite clients* for their
//! assigned clients). Saving the message as the practice's default is a
//! practice setting (`ChangeSettings`). Every check is made for the whole
//! batch before anything is written; then each client is invited or told why
//! not, and the invitations, their emails and audit events commit together.

use shared::clients::ClientRow;
use shared::email::EmailAddress;
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::portal::{self, InviteOutcome, InviteRequest, InviteSetup};
use shared::roles::{can, Capability};
use shared::validation::FieldErrors;
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::{practice_time, Quota};
use crate::mail::{outbox, Email};
use crate::tokens::Secret;
use crate::{clients, forms, memberships, on_tx};

const HOUR_MS: i64 = 3_600_000;
/// More than any one screen of clients; bounds the work of one request.
pub const MAX_BATCH: usize = 500;

/// The message, names and expiry the invite form starts from.
pub async fn setup(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<InviteSetup> {
    let mut tx = backend.db.begin().await?;
    let actor =
        memberships::require_in(&mut tx, account, practice, Capability::ViewClients).await?;
    if !can(&actor, Capability::EditClients).permits(true) {
        return Err(ServiceError::Forbidden);
    }
    let setup = load(&mut tx, practice, backend.now_ms()).await?;
    tx.commit().await?;
    Ok(setup)
}

async fn load(tx: &mut Tx, practice: PracticeId, now: i64) -> ServiceResult<InviteSetup> {
    let (name, zone, message): (String, String, Option<String>) = on_tx!(tx, c => {
        sqlx::query_as("SELECT name, time_zone, portal_message FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    let doctor_name = memberships::doctor_name(tx, practice).await?;
    Ok(InviteSetup {
        forms: crate::forms::summaries(tx, practice).await?,
        message: message.unwrap_or_else(|| portal::DEFAULT_MESSAGE.to_owned()),
        doctor_name,
        practice_name: name,
        expires_at: practice_time(now + portal::VALIDITY_HOURS * HOUR_MS, &zone),
    })
}

fn refused(field: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::Validation(FieldErrors::single(field, message))
}

/// The client who already holds `email` at this practice (a portal login or a
/// pending invitation), other than `client`.
async fn holder_of(
    tx: &mut Tx,
    practice: PracticeId,
    email: &str,
    client: ClientId,
    now: i64,
) -> ServiceResult<Option<(String, bool)>> {
    let holder: Option<(String, String, bool)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT c.first_name, c.last_name, TRUE FROM portal_logins l JOIN clients c ON c.id = l.client_id
             WHERE l.practice_id = $1 AND l.email = $2 AND l.client_id <> $3
             UNION ALL
             SELECT c.first_name, c.last_name, FALSE FROM portal_invitations i JOIN clients c ON c.id = i.client_id
             WHERE i.practice_id = $1 AND i.email = $2 AND i.client_id <> $3
               AND i.status = 'invited' AND i.expires_at > $4
             LIMIT 1",
        )
        .bind(practice)
        .bind(email)
        .bind(client)
        .bind(now)
        .fetch_optional(c)
        .await
    })?;
    Ok(holder.map(|(first, last, login)| (format!("{first} {last}"), login)))
}

/// Why `client` gets nothing from this batch, if anything stands in the way.
async fn problem(
    tx: &mut Tx,
    practice: PracticeId,
    client: &ClientRow,
    earlier: &[(String, String)],
    now: i64,
) -> ServiceResult<Option<String>> {
    if let Some(why) = client.not_invitable() {
        return Ok(Some(why.into()));
    }
    let email = client.email.clone().unwrap_or_default();
    // One portal login per address (§5): two clients can never share one.
    if let Some((_, name)) = earlier.iter().find(|(e, _)| *e == email) {
        return Ok(Some(format!(
            "{email} is also {name}'s address in this batch: one portal login per address."
        )));
    }
    Ok(holder_of(tx, practice, &email, client.id, now)
        .await?
        .map(|(name, login)| {
            let held = if login {
                "has a portal login for"
            } else {
                "is already invited as"
            };
            format!("{email} {held} {name}: one portal login per address.")
        }))
}

/// Sends the invitation of one client: the previous link dies, a new one is made.
async fn send_one(
    backend: &Backend,
    tx: &mut Tx,
    sending: &Batch<'_>,
    client: &ClientRow,
    email: &EmailAddress,
) -> ServiceResult<()> {
    let now = sending.now;
    on_tx!(&mut *tx, c => {
        sqlx::query(
            "UPDATE portal_invitations SET status = CASE WHEN expires_at > $3 THEN 'revoked' ELSE 'expired' END,
                    responded_at = $3
             WHERE status = 'invited' AND (client_id = $1 OR (practice_id = $2 AND email = $4))",
        )
        .bind(client.id)
        .bind(sending.practice)
        .bind(now)
        .bind(email.as_str())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let token = Secret::generate();
    let link = backend
        .config
        .link(&format!("/portal/invitation?token={}", token.expose()));
    let values = sending.setup.values(client, &link);
    let mail = Email::new(
        email,
        portal::subject(&sending.setup.practice_name),
        sending.message.render_text(&values),
    )
    .with_html(sending.message.render_html(&values))
    .carrying(&token);
    on_tx!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO portal_invitations (id, practice_id, client_id, email, status, token_hash, expires_at, invited_by, sent_at)
             VALUES ($1, $2, $3, $4, 'invited', $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4().to_string())
        .bind(sending.practice)
        .bind(client.id)
        .bind(email.as_str())
        .bind(token.hash())
        .bind(sending.expires_at)
        .bind(sending.account)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    outbox::enqueue(tx, Some(sending.practice), &mail, now).await?;
    let forms = forms::ask(
        tx,
        sending.practice,
        client.id,
        sending.account,
        sending.forms,
        now,
    )
    .await?;
    let event = Event::new("portal.invited", client.id.to_string())
        .in_practice(sending.practice)
        .after(serde_json::json!({
            "name": client.full_name(),
            "email": email.as_str(),
            "expires": sending.setup.expires_at,
            "forms": forms,
        }));
    audit::append(tx, &backend.audit_key, &sending.origin, now, event).await?;
    Ok(())
}

/// One batch's shared facts.
struct Batch<'a> {
    practice: PracticeId,
    account: AccountId,
    origin: audit::Origin,
    now: i64,
    expires_at: i64,
    setup: &'a InviteSetup,
    message: &'a shared::templates::Template,
    forms: &'a [forms::Chosen],
}

/// Invites the chosen clients with the practice's message; answers, per
/// client, whether it went out and if not why.
pub async fn invite(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    request: &InviteRequest,
) -> ServiceResult<Vec<InviteOutcome>> {
    let now = backend.now_ms();
    // Refused at the door by role, before the message is even read; which
    // clients are the viewer's is checked per client below.
    let (mut tx, actor) = clients::change_some(backend, account, practice).await?;
    if request.save_as_default && !can(&actor, Capability::ChangeSettings).permits(false) {
        return Err(ServiceError::Forbidden);
    }
    let message =
        portal::message(&request.message).map_err(|e| refused("message", e.to_string()))?;
    let mut ids: Vec<ClientId> = Vec::new();
    for id in &request.clients {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.is_empty() {
        return Err(refused("clients", "Choose at least one client to invite."));
    }
    if ids.len() > MAX_BATCH {
        return Err(refused(
            "clients",
            format!("Invite at most {MAX_BATCH} clients at once."),
        ));
    }
    // Every client must be this practice's and the viewer's to invite, before anything is written.
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let row = clients::row(&mut tx, practice, account, id, now).await?;
        if !clients::may_edit(&actor, &row) {
            return Err(ServiceError::Forbidden);
        }
        rows.push(row);
    }
    let setup = load(&mut tx, practice, now).await?;
    let chosen = forms::chosen(&mut tx, practice, &request.forms).await?;
    let mut quota = Quota::of(&mut tx, practice, backend.config.invitations_per_day, now).await?;
    let batch = Batch {
        practice,
        account,
        origin: caller.as_actor(account),
        now,
        expires_at: now + portal::VALIDITY_HOURS * HOUR_MS,
        setup: &setup,
        message: &message,
        forms: &chosen,
    };
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut outcomes = Vec::with_capacity(rows.len());
    for client in &rows {
        let mut why = problem(&mut tx, practice, client, &sent, now).await?;
        if why.is_none() && quota.left == 0 {
            why = Some(quota.reached());
        }
        if why.is_none() {
            let email = EmailAddress::parse(client.email.as_deref().unwrap_or_default())
                .map_err(|e| ServiceError::Internal(format!("stored client address: {e}")))?;
            send_one(backend, &mut tx, &batch, client, &email).await?;
            quota.left -= 1;
            sent.push((email.as_str().to_owned(), client.full_name()));
        }
        outcomes.push(InviteOutcome {
            client: client.id,
            name: client.full_name(),
            problem: why,
        });
    }
    if request.save_as_default && message.source() != setup.message {
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE practices SET portal_message = $1 WHERE id = $2")
                .bind(message.source())
                .bind(practice)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
        })?;
        let event = Event::new("portal.default_message_changed", practice.to_string())
            .in_practice(practice)
            .before(serde_json::json!({ "message": setup.message }))
            .after(serde_json::json!({ "message": message.source() }));
        audit::append(&mut tx, &backend.audit_key, &batch.origin, now, event).await?;
    }
    if request.save_as_default && forms::set_defaults(&mut tx, practice, &request.forms).await? {
        let before: Vec<&str> = (setup.forms.iter().filter(|f| f.default))
            .map(|f| f.title.as_str())
            .collect();
        let after: Vec<&str> = chosen.iter().map(|f| f.title.as_str()).collect();
        let event = Event::new("portal.default_forms_changed", practice.to_string())
            .in_practice(practice)
            .before(serde_json::json!({ "forms": before }))
            .after(serde_json::json!({ "forms": after }));
        audit::append(&mut tx, &backend.audit_key, &batch.origin, now, event).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}
