//! Resend and Revoke on one or many invitations: [`steps`] reads each one and
//! checks the lifecycle once for both; each invitation either changes or is
//! reported with the reason it did not.

use shared::email::EmailAddress;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::{InvitationEvent, InvitationKind, InvitationStatus};
use shared::roles::{may_assign, Capability};
use shared::team::BulkOutcome;

use super::{set_status, InvitationRow, Sending, ROW_SQL};
use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::mail::outbox;
use crate::{on_tx, practices};

/// One invitation of a bulk action and what the lifecycle says of it.
struct Step {
    row: InvitationRow,
    before: InvitationStatus,
    /// The status `event` moves it to, or why it cannot move.
    after: Result<InvitationStatus, String>,
}

impl Step {
    fn outcome(self, problem: Option<String>) -> BulkOutcome {
        BulkOutcome {
            id: self.row.id,
            email: self.row.email,
            problem,
        }
    }
}

/// Reads each invitation named (another practice's id fails the whole request
/// as NotFound) and checks `event` against its status now, in order.
async fn steps(
    tx: &mut Tx,
    practice: PracticeId,
    ids: &[InvitationId],
    now: i64,
    (event, done): (InvitationEvent, &str),
) -> ServiceResult<Vec<Step>> {
    let sql = format!("{ROW_SQL} WHERE id = $1 AND practice_id = $2");
    let mut steps = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<InvitationRow> = on_tx!(tx, c => {
            sqlx::query_as(&sql).bind(id).bind(practice).fetch_optional(c).await
        })?;
        let row = row.ok_or(ServiceError::NotFound)?;
        let before = row.status_at(now);
        let after = before.next(event).map_err(|_| {
            format!(
                "An invitation that is {} cannot be {done}.",
                before.label(InvitationKind::Team).to_lowercase()
            )
        });
        steps.push(Step { row, before, after });
    }
    Ok(steps)
}

/// Sends invitations again: a new token and a new validity; the old link stops working.
pub async fn resend(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    ids: &[InvitationId],
) -> ServiceResult<Vec<BulkOutcome>> {
    let now = backend.now_ms();
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let sending = Sending::load(backend, &mut tx, practice, account, caller, now, None).await?;
    let mut quota_left = sending.quota.left;
    let mut outcomes = Vec::with_capacity(ids.len());
    for step in steps(
        &mut tx,
        practice,
        ids,
        now,
        (InvitationEvent::Resend, "sent again"),
    )
    .await?
    {
        let problem = match &step.after {
            Err(why) => Some(why.clone()),
            // The offer is made again: the sender must still be allowed to make it.
            Ok(_) if !may_assign(&actor, step.row.role) => Some(format!(
                "You cannot offer the role {}.",
                step.row.role.label()
            )),
            Ok(_) if has_other_pending(&mut tx, practice, &step.row).await? => {
                Some("A newer invitation to this address is pending.".to_owned())
            }
            Ok(_) if quota_left == 0 => Some(sending.quota.reached()),
            Ok(_) => {
                quota_left -= 1;
                let row = &step.row;
                let address = EmailAddress::parse(&row.email)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let prepared = sending.prepare(backend, &address, row.role);
                let message =
                    outbox::enqueue(&mut tx, Some(practice), &prepared.email, now).await?;
                let expires_at = sending.expires_at;
                on_tx!(&mut tx, c => {
                    sqlx::query(
                        "UPDATE invitations SET status = $1, token_hash = $2, expires_at = $3, message_id = $4,
                         sent_at = $5, responded_at = NULL, invited_by = $6 WHERE id = $7",
                    )
                    .bind(InvitationStatus::Invited)
                    .bind(&prepared.token_hash)
                    .bind(expires_at)
                    .bind(message)
                    .bind(now)
                    .bind(account)
                    .bind(row.id)
                    .execute(c)
                    .await.map(|r| r.rows_affected())
                })?;
                let event = Event::new("invitation.resent", row.id.to_string())
                    .in_practice(practice)
                    .before(serde_json::json!({ "status": step.before.code() }))
                    .after(serde_json::json!({ "status": "invited", "expires_at": expires_at }));
                audit::append(&mut tx, &backend.audit_key, &sending.origin, now, event).await?;
                None
            }
        };
        outcomes.push(step.outcome(problem));
    }
    tx.commit().await?;
    backend.mail_wake.notify_one();
    Ok(outcomes)
}

/// Whether another invitation or request to the same address is pending.
async fn has_other_pending(
    tx: &mut Tx,
    practice: PracticeId,
    row: &InvitationRow,
) -> ServiceResult<bool> {
    let found: Option<(InvitationId,)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT id FROM invitations WHERE practice_id = $1 AND email = $2 AND id <> $3 AND status IN ($4, $5)",
        )
            .bind(practice)
            .bind(&row.email)
            .bind(row.id)
            .bind(InvitationStatus::Invited)
            .bind(InvitationStatus::Requested)
            .fetch_optional(c)
            .await
    })?;
    Ok(found.is_some())
}

/// Revokes pending invitations: their links stop working at once.
pub async fn revoke(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    ids: &[InvitationId],
) -> ServiceResult<Vec<BulkOutcome>> {
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let origin = caller.as_actor(account);
    let mut outcomes = Vec::with_capacity(ids.len());
    for step in steps(
        &mut tx,
        practice,
        ids,
        now,
        (InvitationEvent::Revoke, "revoked"),
    )
    .await?
    {
        let problem = match step.after {
            Err(ref why) => Some(why.clone()),
            Ok(after) => {
                set_status(&mut tx, step.row.id, after, now).await?;
                let event = Event::new("invitation.revoked", step.row.id.to_string())
                    .in_practice(practice)
                    .before(serde_json::json!({ "status": step.before.code() }))
                    .after(serde_json::json!({ "status": after.code() }));
                audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
                None
            }
        };
        outcomes.push(step.outcome(problem));
    }
    tx.commit().await?;
    Ok(outcomes)
}
