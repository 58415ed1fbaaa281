//! The practice's join link and its Requested queue (product.md §5).

use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::{InvitationEvent, InvitationStatus};
use shared::roles::{may_assign, Capability, Role};
use shared::team::{JoinLinkChange, JoinLinkSettings, JoinOutcome, JoinView, RequestDecision};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::sessions::SignedIn;
use crate::tokens::Secret;
use crate::{memberships, on_pool, on_tx, practices};

#[derive(sqlx::FromRow)]
struct JoinRow {
    join_code: Option<String>,
    join_requires_approval: bool,
}

impl JoinRow {
    fn settings(self) -> JoinLinkSettings {
        JoinLinkSettings {
            path: self.join_code.map(|code| format!("/join/{code}")),
            requires_approval: self.join_requires_approval,
        }
    }
}

const JOIN_SQL: &str = "SELECT join_code, join_requires_approval FROM practices WHERE id = $1";

pub async fn settings(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<JoinLinkSettings> {
    memberships::require(backend, account, practice, Capability::ChangeSettings).await?;
    let row: JoinRow = on_pool!(&backend.db, pool => {
        sqlx::query_as(JOIN_SQL).bind(practice).fetch_one(pool).await
    })?;
    Ok(row.settings())
}

/// Enables, disables or regenerates the link; a regenerated link replaces the old one at once.
pub async fn change(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    change: JoinLinkChange,
) -> ServiceResult<JoinLinkSettings> {
    let now = backend.now_ms();
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let before: JoinRow =
        on_tx!(&mut tx, c => sqlx::query_as(JOIN_SQL).bind(practice).fetch_one(c).await)?;
    let (code, requires_approval, action) = match change {
        JoinLinkChange::Enable { requires_approval } => (
            before
                .join_code
                .clone()
                .or_else(|| Some(Secret::generate().expose().to_owned())),
            requires_approval,
            "join_link.enabled",
        ),
        JoinLinkChange::Disable => (None, before.join_requires_approval, "join_link.disabled"),
        JoinLinkChange::Regenerate => (
            Some(Secret::generate().expose().to_owned()),
            before.join_requires_approval,
            "join_link.regenerated",
        ),
    };
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET join_code = $1, join_requires_approval = $2, updated_at = $3 WHERE id = $4")
            .bind(&code)
            .bind(requires_approval)
            .bind(now)
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    // The code itself stays out of the audit trail: it is a bearer secret.
    let event = Event::new(action, practice.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "enabled": before.join_code.is_some(), "requires_approval": before.join_requires_approval }))
        .after(serde_json::json!({ "enabled": code.is_some(), "requires_approval": requires_approval }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(JoinRow {
        join_code: code,
        join_requires_approval: requires_approval,
    }
    .settings())
}

#[derive(sqlx::FromRow)]
struct Target {
    id: PracticeId,
    name: String,
    join_requires_approval: bool,
}

const TARGET_SQL: &str =
    "SELECT id, name, join_requires_approval FROM practices WHERE join_code = $1";

async fn target(backend: &Backend, code: &str) -> ServiceResult<Target> {
    let row: Option<Target> = on_pool!(&backend.db, pool => {
        sqlx::query_as(TARGET_SQL).bind(code).fetch_optional(pool).await
    })?;
    // A disabled or regenerated link matches nothing.
    row.ok_or(ServiceError::Link(LinkProblem::Unknown))
}

/// The practice a code opens, read under the practice's lock: a link disabled,
/// regenerated or switched to approval a moment ago is seen as it is now.
async fn locked_target(tx: &mut Tx, code: &str) -> ServiceResult<Target> {
    let sql = match tx {
        Tx::Sqlite(_) => TARGET_SQL.to_owned(),
        Tx::Postgres(_) => format!("{TARGET_SQL} FOR UPDATE"),
    };
    let row: Option<Target> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(code).fetch_optional(c).await)?;
    row.ok_or(ServiceError::Link(LinkProblem::Unknown))
}

pub async fn view(backend: &Backend, code: &str) -> ServiceResult<JoinView> {
    let t = target(backend, code).await?;
    Ok(JoinView {
        practice_name: t.name,
        requires_approval: t.join_requires_approval,
    })
}

/// Joins as a Practitioner, or asks to, when the practice approves joiners.
pub async fn join(
    backend: &Backend,
    caller: &Caller,
    person: &SignedIn,
    code: &str,
) -> ServiceResult<JoinOutcome> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let t = locked_target(&mut tx, code).await?;
    let practice = t.id;
    if memberships::is_member(&mut tx, practice, person.account).await? {
        return Ok(JoinOutcome::AlreadyMember(practice));
    }
    let origin = caller.as_actor(person.account);
    let email = person.email.as_ref().ok_or_else(|| {
        shared::validation::FieldErrors::single(
            "email",
            "Join links need an account with an email address.",
        )
    })?;
    if t.join_requires_approval {
        let pending: Option<(String,)> = on_tx!(&mut tx, c => {
            sqlx::query_as("SELECT id FROM invitations WHERE practice_id = $1 AND email = $2 AND status IN ('invited', 'requested')")
                .bind(practice)
                .bind(email.as_str())
                .fetch_optional(c)
                .await
        })?;
        if pending.is_none() {
            let id = InvitationId::from_uuid(Uuid::new_v4());
            on_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO invitations (id, practice_id, email, name, role, status, requested_by, sent_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7, $7)",
                )
                .bind(id)
                .bind(practice)
                .bind(email.as_str())
                .bind(&person.full_name)
                .bind(Role::Practitioner)
                .bind(person.account)
                .bind(now)
                .execute(c)
                .await.map(|r| r.rows_affected())
            })?;
            let event = Event::new("join.requested", id.to_string())
                .in_practice(practice)
                .after(serde_json::json!({ "email": email }));
            audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
        }
        tx.commit().await?;
        return Ok(JoinOutcome::Requested);
    }
    memberships::add(&mut tx, practice, person.account, Role::Practitioner, now).await?;
    // An open join link is an invitation to whoever holds it: this browser is trusted.
    crate::devices::trust(&mut tx, caller, person.account, practice, now).await?;
    let event = Event::new("join.joined", person.account.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "role": Role::Practitioner.code() }));
    audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
    tx.commit().await?;
    Ok(JoinOutcome::Joined(practice))
}

/// An admin approves a request with a role, or rejects it.
pub async fn decide(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    request: InvitationId,
    decision: RequestDecision,
) -> ServiceResult<()> {
    let now = backend.now_ms();
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let row: Option<(InvitationStatus, Option<AccountId>)> = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT status, requested_by FROM invitations WHERE id = $1 AND practice_id = $2")
            .bind(request)
            .bind(practice)
            .fetch_optional(c)
            .await
    })?;
    let (status, requester) = row.ok_or(ServiceError::NotFound)?;
    let requester = requester.ok_or(ServiceError::NotFound)?;
    let (event, after) = match decision {
        RequestDecision::Approve(role) => {
            if !may_assign(&actor, role) {
                return Err(ServiceError::Forbidden);
            }
            (InvitationEvent::Approve, Some(role))
        }
        RequestDecision::Reject => (InvitationEvent::Reject, None),
    };
    let next = status
        .next(event)
        .map_err(|e| shared::validation::FieldErrors::single("request", e.to_string()))?;
    if let Some(role) = after {
        memberships::add(&mut tx, practice, requester, role, now).await?;
        memberships::trust_first_device(&mut tx, practice, requester).await?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE invitations SET role = $1 WHERE id = $2").bind(role).bind(request).execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE invitations SET status = $1, responded_at = $2 WHERE id = $3")
            .bind(next)
            .bind(now)
            .bind(request)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new(
        if after.is_some() {
            "join.approved"
        } else {
            "join.rejected"
        },
        request.to_string(),
    )
    .in_practice(practice)
    .before(serde_json::json!({ "status": status.code() }))
    .after(serde_json::json!({ "status": next.code(), "role": after.map(Role::code) }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(())
}
