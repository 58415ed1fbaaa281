//! The invitee's side: what the emailed link shows, accepting (signed in as
//! the invited address), rejecting (no account needed), and signing up first.

use shared::email::EmailAddress;
use shared::ids::PracticeId;
use shared::invitation::{InvitationStatus, InvitationView};
use shared::roles::Role;
use shared::validation::NewAccountForm;

use super::{link_problem, practice_time, set_status, usable, InvitationRow, ROW_SQL};
use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::sessions::{self, SignedIn};
use crate::tokens::Secret;
use crate::{memberships, on_pool, on_tx};

/// The invitation a link's token names, read under its practice's lock, so a
/// second tab answering at the same moment sees the first one's answer.
async fn locked_by_token(tx: &mut Tx, token: &str) -> ServiceResult<InvitationRow> {
    let hash = Secret::from_presented(token).hash();
    let row = by_token_hash(tx, &hash).await?;
    tx.lock_practice(row.practice_id).await?;
    by_token_hash(tx, &hash).await
}

async fn by_token_hash(tx: &mut Tx, hash: &str) -> ServiceResult<InvitationRow> {
    let sql = format!("{ROW_SQL} WHERE token_hash = $1");
    let row: Option<InvitationRow> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(hash).fetch_optional(c).await)?;
    row.ok_or(ServiceError::Link(LinkProblem::Unknown))
}

/// What the invitee's page shows, whatever state the invitation is in.
pub async fn view(backend: &Backend, token: &str) -> ServiceResult<InvitationView> {
    let now = backend.now_ms();
    let hash = Secret::from_presented(token).hash();
    #[derive(sqlx::FromRow)]
    struct ViewRow {
        email: String,
        role: Role,
        status: InvitationStatus,
        expires_at: Option<i64>,
        practice_name: String,
        time_zone: String,
        inviter: Option<String>,
        has_account: bool,
    }
    let row: Option<ViewRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT i.email, i.role, i.status, i.expires_at, p.name AS practice_name, p.time_zone,
                    a.full_name AS inviter, EXISTS (SELECT 1 FROM accounts x WHERE x.email = i.email) AS has_account
             FROM invitations i JOIN practices p ON p.id = i.practice_id
             LEFT JOIN accounts a ON a.id = i.invited_by WHERE i.token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(pool)
        .await
    })?;
    let row = row.ok_or(ServiceError::Link(LinkProblem::Unknown))?;
    Ok(InvitationView {
        practice_name: row.practice_name,
        invited_by: row
            .inviter
            .unwrap_or_else(|| "an admin of the practice".into()),
        role: row.role,
        email: EmailAddress::parse(&row.email)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        expires: row
            .expires_at
            .map(|e| practice_time(e, &row.time_zone))
            .unwrap_or_default(),
        status: row.status.at(row.expires_at.is_some_and(|e| now >= e)),
        has_account: row.has_account,
    })
}

/// Accepts: the signed-in person, whose address the invitation names, joins
/// the team with the offered role. Two tabs at once yield one membership.
pub async fn accept(
    backend: &Backend,
    caller: &Caller,
    person: &SignedIn,
    token: &str,
) -> ServiceResult<PracticeId> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let row = locked_by_token(&mut tx, token).await?;
    usable(row.status_at(now))?;
    if person.email.as_ref().map(EmailAddress::as_str) != Some(row.email.as_str()) {
        return Err(ServiceError::Forbidden);
    }
    let practice = row.practice_id;
    if !memberships::is_member(&mut tx, practice, person.account).await? {
        memberships::add(&mut tx, practice, person.account, row.role, now).await?;
    }
    // The invitation was the admin's approval of this browser (§6).
    crate::devices::trust(&mut tx, caller, person.account, practice, now).await?;
    set_status(&mut tx, row.id, InvitationStatus::Accepted, now).await?;
    let event = Event::new("invitation.accepted", row.id.to_string())
        .in_practice(practice)
        .after(serde_json::json!({ "status": "accepted", "account": person.account, "role": row.role.code() }));
    audit::append(
        &mut tx,
        &backend.audit_key,
        &caller.as_actor(person.account),
        now,
        event,
    )
    .await?;
    tx.commit().await?;
    Ok(practice)
}

/// Rejects by the emailed link; no account is needed to say no.
pub async fn reject(backend: &Backend, caller: &Caller, token: &str) -> ServiceResult<()> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let row = locked_by_token(&mut tx, token).await?;
    usable(row.status_at(now))?;
    set_status(&mut tx, row.id, InvitationStatus::Rejected, now).await?;
    let origin = Origin {
        actor: None,
        ip: caller.ip.clone(),
    };
    let event = Event::new("invitation.rejected", row.id.to_string())
        .in_practice(row.practice_id)
        .after(serde_json::json!({ "status": "rejected", "email": row.email }));
    audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the account of an invitee who has none. The emailed link proves the
/// address, so no confirmation email is needed; the person is signed in and
/// the session the browser presented ends.
pub async fn sign_up_invitee(
    backend: &Backend,
    caller: &Caller,
    token: &str,
    full_name: &str,
    password: &str,
    previous: Option<&Secret>,
) -> ServiceResult<Secret> {
    let view = view(backend, token).await?;
    let (full_name, password) = NewAccountForm {
        full_name: full_name.to_owned(),
        password: password.to_owned(),
    }
    .validate()?;
    if let Some(problem) = link_problem(view.status) {
        return Err(ServiceError::Link(problem));
    }
    let password_hash =
        crate::accounts::invitee_password_hash(backend, caller, &view.email, &password).await?;
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let account = crate::accounts::create_invitee(
        backend,
        &mut tx,
        caller,
        &view.email,
        &full_name,
        &password_hash,
        "email",
    )
    .await?;
    let session = sessions::start(&mut tx, account, caller, now).await?;
    tx.commit().await?;
    if let Some(previous) = previous {
        sessions::end(&backend.db, previous).await?;
    }
    Ok(session)
}
