//! Inviting a typed or pasted list, or a CSV file: every entry is reported once.

use shared::addresses::{self, Entry, Parsed};
use shared::csv_import;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::{
    InvitationStatus, InviteOutcome, InviteReportRow, InviteRequest, InviteSource, Validity,
};
use shared::roles::{assignable_by, may_assign, Capability, Role};
use shared::validation::FieldErrors;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

use super::{Prepared, Sending};
use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::ServiceResult;
use crate::mail::outbox;
use crate::{on_tx, practices};

pub(crate) fn parse_source(source: &InviteSource) -> ServiceResult<Vec<Entry>> {
    match source {
        InviteSource::Typed(text) => addresses::parse_list(text)
            .map_err(|e| FieldErrors::single("addresses", e.to_string()).into()),
        InviteSource::Csv(text) => csv_import::decode(text.as_bytes())
            .and_then(csv_import::parse)
            .map_err(|e| FieldErrors::single("file", e.to_string()).into()),
    }
}

/// Invites every valid address of a list; reports each entry once.
pub async fn invite(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    request: &InviteRequest,
) -> ServiceResult<Vec<InviteReportRow>> {
    if let Some(hours) = request.validity_hours {
        Validity::Hours(hours).hours()?;
    }
    let entries = parse_source(&request.source)?;
    let now = backend.now_ms();
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    if !may_assign(&actor, request.role) {
        let offerable: Vec<&str> = assignable_by(&actor).into_iter().map(Role::label).collect();
        return Err(FieldErrors::single(
            "role",
            format!(
                "You cannot offer the role {}. You may offer: {}.",
                request.role.label(),
                offerable.join(", ")
            ),
        )
        .into());
    }
    let sending = Sending::load(
        backend,
        &mut tx,
        practice,
        account,
        caller,
        now,
        request.validity_hours,
    )
    .await?;
    let members: HashSet<String> = on_tx!(&mut tx, c => {
        sqlx::query_scalar(
            "SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.practice_id = $1 AND a.email IS NOT NULL",
        )
        .bind(practice)
        .fetch_all(c)
        .await
    })?
    .into_iter()
    .collect();
    let pending: HashMap<String, InvitationId> = on_tx!(&mut tx, c => {
        sqlx::query_as::<_, (String, InvitationId)>(
            "SELECT email, id FROM invitations WHERE practice_id = $1 AND status IN ($2, $3)",
        )
        .bind(practice)
        .bind(InvitationStatus::Invited)
        .bind(InvitationStatus::Requested)
        .fetch_all(c)
        .await
    })?
    .into_iter()
    .collect();
    let mut fresh = Vec::new();
    let mut report = Vec::with_capacity(entries.len());
    for entry in entries {
        let (address, outcome) = match entry.parsed {
            Parsed::Invalid(rejection) => (None, InviteOutcome::Invalid(rejection.to_string())),
            Parsed::Duplicate(address) => (Some(address), InviteOutcome::Duplicate),
            Parsed::Valid { address, name } => {
                let outcome = if members.contains(address.as_str()) {
                    InviteOutcome::AlreadyMember
                } else if let Some(id) = pending.get(address.as_str()) {
                    InviteOutcome::AlreadyInvited(*id)
                } else {
                    let prepared = sending.prepare(backend, &address, request.role);
                    fresh.push((InvitationId::from_uuid(Uuid::new_v4()), name, prepared));
                    InviteOutcome::Invited
                };
                (Some(address), outcome)
            }
        };
        report.push(InviteReportRow {
            line: entry.line,
            text: entry.text,
            address,
            outcome,
        });
    }
    if fresh.len() as i64 > sending.quota.left {
        let field = match request.source {
            InviteSource::Typed(_) => "addresses",
            InviteSource::Csv(_) => "file",
        };
        let message = match sending.quota.left {
            0 => sending.quota.reached(),
            left => format!(
                "This list has {} new addresses, but the practice may send only {left} more invitations \
                 today (at most {} in 24 hours). Send fewer, or the rest later.",
                fresh.len(),
                sending.quota.per_day
            ),
        };
        return Err(FieldErrors::single(field, message).into());
    }
    create_all(backend, &mut tx, &sending, request.role, fresh).await?;
    tx.commit().await?;
    backend.mail_wake.notify_one();
    Ok(report)
}

/// Rows per multi-row INSERT: well under both backends' limits on bound values.
const BATCH: usize = 500;

/// Stores new invitations, queues their emails and audits them: one batch per table.
async fn create_all(
    backend: &Backend,
    tx: &mut Tx,
    sending: &Sending,
    role: Role,
    fresh: Vec<(InvitationId, Option<String>, Prepared)>,
) -> ServiceResult<()> {
    let emails: Vec<_> = fresh.iter().map(|(_, _, p)| p.email.clone()).collect();
    let messages = outbox::enqueue_all(tx, Some(sending.practice), &emails, sending.now).await?;
    let invited_by = sending.origin.actor;
    let rows: Vec<_> = fresh.iter().zip(&messages).collect();
    for chunk in rows.chunks(BATCH) {
        on_tx!(tx, c => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO invitations (id, practice_id, email, name, role, status, token_hash, expires_at, invited_by, message_id, sent_at, created_at) ",
            );
            insert.push_values(chunk, |mut row, ((id, name, prepared), message)| {
                row.push_bind(*id)
                    .push_bind(sending.practice)
                    .push_bind(prepared.email.to.as_str())
                    .push_bind(name.as_deref())
                    .push_bind(role)
                    .push_bind(InvitationStatus::Invited)
                    .push_bind(prepared.token_hash.as_str())
                    .push_bind(sending.expires_at)
                    .push_bind(invited_by)
                    .push_bind(**message)
                    .push_bind(sending.now)
                    .push_bind(sending.now);
            });
            insert.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    let events = fresh
        .iter()
        .map(|(id, _, prepared)| {
            Event::new("invitation.created", id.to_string())
                .in_practice(sending.practice)
                .after(serde_json::json!({
                    "email": prepared.email.to,
                    "role": role.code(),
                    "expires_at": sending.expires_at,
                }))
        })
        .collect();
    audit::append_all(tx, &backend.audit_key, &sending.origin, sending.now, events).await?;
    Ok(())
}
