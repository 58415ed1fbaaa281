//! *Make a decision*: an admin of the practice approves or declines.

use shared::ids::{AccountId, LoginRequestId, PracticeId};
use shared::login_request::{Approver, Decision, RequestStatus, RequestView, Stored};
use shared::roles::Capability;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::practice_time;
use crate::{on_tx, practices};

#[derive(sqlx::FromRow)]
struct ViewRow {
    full_name: String,
    email: Option<String>,
    username: Option<String>,
    label: String,
    ip: Option<String>,
    created_at: i64,
    expires_at: i64,
    status: String,
    decider: Option<String>,
    decided_at: Option<i64>,
    time_zone: String,
}

async fn view_in(
    tx: &mut Tx,
    practice: PracticeId,
    request: LoginRequestId,
    now: i64,
) -> ServiceResult<RequestView> {
    let row: Option<ViewRow> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT a.full_name, a.email, a.username, d.label, r.ip, r.created_at, r.expires_at, r.status,
                    b.full_name AS decider, r.decided_at, p.time_zone
             FROM login_requests r JOIN accounts a ON a.id = r.account_id JOIN devices d ON d.id = r.device_id
             JOIN practices p ON p.id = r.practice_id LEFT JOIN accounts b ON b.id = r.decided_by
             WHERE r.id = $1 AND r.practice_id = $2 AND r.approver = $3",
        )
        .bind(request)
        .bind(practice)
        .bind(Approver::Admins.code())
        .fetch_optional(c)
        .await
    })?;
    let row = row.ok_or(ServiceError::NotFound)?;
    let stored = Stored::from_code(&row.status).unwrap_or(Stored::Failed);
    Ok(RequestView {
        practice,
        person: row.full_name,
        login: row.email.or(row.username).unwrap_or_default(),
        asked: practice_time(row.created_at, &row.time_zone),
        device: row.label,
        ip: row.ip,
        status: RequestStatus::at(stored, row.expires_at, now),
        decided: row
            .decider
            .zip(row.decided_at)
            .map(|(who, at)| (who, practice_time(at, &row.time_zone))),
    })
}

/// The *Make a decision* page, for those who approve devices in `practice`.
pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    request: LoginRequestId,
) -> ServiceResult<RequestView> {
    crate::memberships::require(backend, account, practice, Capability::ApproveDevices).await?;
    let mut tx = backend.db.begin().await?;
    let view = view_in(&mut tx, practice, request, backend.now_ms()).await;
    drop(tx); // read only
    view
}

/// Approves or declines, under the practice's lock: the first decision
/// stands, later ones (a reused link, a second admin) change nothing and see
/// who decided; a lapsed request stays lapsed.
pub async fn decide(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    request: LoginRequestId,
    decision: Decision,
) -> ServiceResult<RequestView> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ApproveDevices).await?;
    let now = backend.now_ms();
    let before = view_in(&mut tx, practice, request, now).await?;
    if before.status != RequestStatus::Waiting {
        return Ok(before);
    }
    let (stored, action) = match decision {
        Decision::Approve => (Stored::Approved, "login_request.approved"),
        Decision::Decline => (Stored::Declined, "login_request.declined"),
    };
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE login_requests SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
            .bind(stored.code())
            .bind(account)
            .bind(now)
            .bind(request)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let after = view_in(&mut tx, practice, request, now).await?;
    let event = Event::new(action, request.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "status": "waiting" }))
        .after(serde_json::json!({ "status": stored.code(), "person": after.person, "device": after.device }));
    audit::commit(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(after)
}
