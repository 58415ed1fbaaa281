//! The person's side of a community invitation (product.md §5): what the
//! emailed link shows, registering (signed in as the invited address, or with
//! a new account), declining, and asking for a link at the community join
//! page with the code the practice shows in the room.

use shared::community::members::{CommunityInvitationView, JoinRequest};
use shared::ids::{AccountId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::validation::{FieldErrors, NewAccountForm};
use uuid::Uuid;

use super::members::{invitation_mail, mark_invited, Row, ROW_SQL};
use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::invitations::{link_problem, practice_time};
use crate::mail::outbox;
use crate::mail_limit::{self, MailRequest};
use crate::sessions::{self, SignedIn};
use crate::tokens::Secret;
use crate::{on_pool, on_tx, rate_limit};

/// The invitation a link names, with its practice.
struct Invitation {
    row: Row,
    practice: PracticeId,
    practice_name: String,
    time_zone: String,
}

async fn by_token(tx: &mut Tx, token: &str) -> ServiceResult<Invitation> {
    let hash = Secret::from_presented(token).hash();
    let found: Option<(PracticeId, String, String)> = on_tx!(&mut *tx, c => {
        sqlx::query_as(
            "SELECT p.id, p.name, p.time_zone FROM community_members m JOIN practices p ON p.id = m.practice_id
             WHERE m.token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(c)
        .await
    })?;
    let (practice, practice_name, time_zone) =
        found.ok_or(ServiceError::Link(LinkProblem::Unknown))?;
    // Under the practice's lock: a second tab answering at once sees the first answer.
    tx.lock_practice(practice).await?;
    let row: Option<Row> = on_tx!(&mut *tx, c => {
        sqlx::query_as(&format!("{ROW_SQL} WHERE token_hash = $1")).bind(&hash).fetch_optional(c).await
    })?;
    Ok(Invitation {
        row: row.ok_or(ServiceError::Link(LinkProblem::Unknown))?,
        practice,
        practice_name,
        time_zone,
    })
}

/// What the page shows for this link, whatever its state.
pub async fn view(backend: &Backend, token: &str) -> ServiceResult<CommunityInvitationView> {
    let mut tx = backend.db.begin().await?;
    let invitation = by_token(&mut tx, token).await?;
    let email = shared::email::EmailAddress::parse(&invitation.row.email)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let has_account = crate::accounts::account_id_by_email(&mut tx, &email)
        .await?
        .is_some();
    tx.commit().await?;
    let row = &invitation.row;
    Ok(CommunityInvitationView {
        practice_name: invitation.practice_name.clone(),
        email,
        expires: practice_time(row.expires_at.unwrap_or_default(), &invitation.time_zone),
        status: row.status_at(backend.now_ms()),
        has_account,
    })
}

fn usable(invitation: &Invitation, now: i64) -> ServiceResult<()> {
    link_problem(invitation.row.status_at(now)).map_or(Ok(()), |p| Err(ServiceError::Link(p)))
}

/// Spends the link with the person's answer; audited.
async fn answer(
    backend: &Backend,
    tx: &mut Tx,
    origin: &Origin,
    invitation: &Invitation,
    account: Option<AccountId>,
    now: i64,
) -> ServiceResult<()> {
    let status = if account.is_some() {
        InvitationStatus::Accepted
    } else {
        InvitationStatus::Rejected
    };
    on_tx!(&mut *tx, c => {
        sqlx::query(
            "UPDATE community_members SET status = $1, account_id = $2, token_hash = NULL, responded_at = $3
             WHERE id = $4",
        )
        .bind(status)
        .bind(account)
        .bind(now)
        .bind(invitation.row.id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    let action = match status {
        InvitationStatus::Accepted => "community.member_registered",
        _ => "community.member_rejected",
    };
    let event = Event::new(action, invitation.row.id.to_string())
        .in_practice(invitation.practice)
        .before(serde_json::json!({ "status": InvitationStatus::Invited.code() }))
        .after(serde_json::json!({ "email": invitation.row.email, "status": status.code() }));
    audit::append(tx, &backend.audit_key, origin, now, event).await?;
    Ok(())
}

/// Registers the signed-in person, whose address the invitation names.
pub async fn accept(
    backend: &Backend,
    caller: &Caller,
    person: &SignedIn,
    token: &str,
) -> ServiceResult<PracticeId> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let invitation = by_token(&mut tx, token).await?;
    usable(&invitation, now)?;
    if person.email.as_ref().map(|e| e.as_str()) != Some(invitation.row.email.as_str()) {
        return Err(ServiceError::Forbidden);
    }
    let origin = caller.as_actor(person.account);
    answer(
        backend,
        &mut tx,
        &origin,
        &invitation,
        Some(person.account),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(invitation.practice)
}

/// A new account for the invited address, registered in the community;
/// answers the new session.
pub async fn sign_up(
    backend: &Backend,
    caller: &Caller,
    token: &str,
    form: &NewAccountForm,
    previous: Option<&Secret>,
) -> ServiceResult<Secret> {
    let now = backend.now_ms();
    let (full_name, password) = form.validate()?;
    let email = view(backend, token).await?.email;
    let password_hash =
        crate::accounts::invitee_password_hash(backend, caller, &email, &password).await?;
    let mut tx = backend.db.begin().await?;
    let invitation = by_token(&mut tx, token).await?;
    usable(&invitation, now)?;
    let account = crate::accounts::create_invitee(
        backend,
        &mut tx,
        caller,
        &email,
        &full_name,
        &password_hash,
        "password",
    )
    .await?;
    let origin = caller.as_actor(account);
    answer(backend, &mut tx, &origin, &invitation, Some(account), now).await?;
    let session = sessions::start(&mut tx, account, caller, now).await?;
    tx.commit().await?;
    if let Some(previous) = previous {
        sessions::end(&backend.db, previous).await?;
    }
    Ok(session)
}

/// Declines: the practice sees Rejected, and may invite again later.
pub async fn reject(backend: &Backend, caller: &Caller, token: &str) -> ServiceResult<()> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let invitation = by_token(&mut tx, token).await?;
    usable(&invitation, now)?;
    let origin = caller.anonymous();
    answer(backend, &mut tx, &origin, &invitation, None, now).await?;
    Ok(tx.commit().await?)
}

/// At the community join page: mails `email` a link to register with the
/// community whose code was typed. An address the practice added or invited
/// gets its own invitation renewed; a new one is added. The answer is the same
/// whatever the address's standing, and registered members get no mail.
pub async fn join(backend: &Backend, caller: &Caller, request: &JoinRequest) -> ServiceResult<()> {
    let (code, email) = request.validate()?;
    let now = backend.now_ms();
    // Counted before the code is looked up: guessing codes uses up the caller's allowance.
    mail_limit::reserve(
        &backend.db,
        MailRequest::CommunityJoin,
        &rate_limit::address_key(caller.ip_key()),
        email.as_str(),
        now,
    )
    .await?;
    let practice: Option<PracticeId> = on_pool!(&backend.db, pool => {
        sqlx::query_scalar("SELECT id FROM practices WHERE community_code = $1")
            .bind(&code)
            .fetch_optional(pool)
            .await
    })?;
    let practice = practice.ok_or_else(|| {
        FieldErrors::single(
            "code",
            "No community has this code. Check it on the practice's screen.",
        )
    })?;
    let mut tx = backend.db.begin().await?;
    tx.lock_practice(practice).await?;
    let row: Option<Row> = on_tx!(&mut tx, c => {
        sqlx::query_as(&format!("{ROW_SQL} WHERE practice_id = $1 AND email = $2"))
            .bind(practice)
            .bind(email.as_str())
            .fetch_optional(c)
            .await
    })?;
    let before = row.as_ref().map(|r| r.status_at(now));
    if before == Some(InvitationStatus::Accepted) {
        return Ok(tx.commit().await?);
    }
    let sent = invitation_mail(backend, &mut tx, practice, email.as_str(), now).await?;
    let id = match &row {
        Some(row) => {
            mark_invited(
                &mut tx,
                row.id,
                Some(&sent.token_hash),
                sent.expires_at,
                now,
            )
            .await?;
            row.id
        }
        None => {
            let id = shared::ids::CommunityMemberId::from_uuid(Uuid::new_v4());
            on_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO community_members (id, practice_id, email, status, token_hash, expires_at, notified,
                     added_at, invited_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7)",
                )
                .bind(id)
                .bind(practice)
                .bind(email.as_str())
                .bind(InvitationStatus::Invited)
                .bind(&sent.token_hash)
                .bind(sent.expires_at)
                .bind(now)
                .execute(c)
                .await
                .map(|r| r.rows_affected())
            })?;
            id
        }
    };
    outbox::enqueue(&mut tx, Some(practice), &sent.email, now).await?;
    let event = Event::new("community.join_requested", id.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "status": before.map(InvitationStatus::code) }))
        .after(serde_json::json!({ "email": email.as_str(), "status": InvitationStatus::Invited.code() }));
    let origin = caller.anonymous();
    audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
    Ok(tx.commit().await?)
}
