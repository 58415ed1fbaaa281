//! The invited client's side: what the emailed link shows, creating the
//! portal login (a password for a new account, or the existing account of
//! that address), and asking the practice for a new link when it is dead.

use shared::email::EmailAddress;
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::portal::InvitationView;
use shared::validation::NewAccountForm;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::{link_problem, practice_time};
use crate::mail::{outbox, templates};
use crate::sessions::{self, SignedIn};
use crate::tokens::Secret;
use crate::{on_pool, on_tx};

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    practice_id: PracticeId,
    client_id: ClientId,
    email: String,
    status: InvitationStatus,
    expires_at: i64,
    asked_again_at: Option<i64>,
    practice_name: String,
    practice_email: String,
    time_zone: String,
    first_name: String,
    last_name: String,
    has_account: bool,
}

const ROW_SQL: &str = "SELECT i.id, i.practice_id, i.client_id, i.email, i.status, i.expires_at, i.asked_again_at,
        p.name AS practice_name, p.contact_email AS practice_email, p.time_zone, c.first_name, c.last_name,
        EXISTS (SELECT 1 FROM accounts a WHERE a.email = i.email) AS has_account
     FROM portal_invitations i JOIN practices p ON p.id = i.practice_id JOIN clients c ON c.id = i.client_id
     WHERE i.token_hash = $1";

impl Row {
    fn status(&self, now: i64) -> InvitationStatus {
        self.status.at(now >= self.expires_at)
    }

    fn email(&self) -> ServiceResult<EmailAddress> {
        EmailAddress::parse(&self.email).map_err(|e| ServiceError::Internal(e.to_string()))
    }
}

/// The invitation a token names; under its practice's lock inside `tx`, so a
/// second tab answering at the same moment sees the first one's answer.
async fn locked(tx: &mut Tx, token: &str) -> ServiceResult<Row> {
    let hash = Secret::from_presented(token).hash();
    let row = by_hash(tx, &hash).await?;
    tx.lock_practice(row.practice_id).await?;
    by_hash(tx, &hash).await
}

async fn by_hash(tx: &mut Tx, hash: &str) -> ServiceResult<Row> {
    let row: Option<Row> =
        on_tx!(tx, c => sqlx::query_as(ROW_SQL).bind(hash).fetch_optional(c).await)?;
    row.ok_or(ServiceError::Link(crate::error::LinkProblem::Unknown))
}

/// What the page shows for this link, whatever its state.
pub async fn view(backend: &Backend, token: &str) -> ServiceResult<InvitationView> {
    let hash = Secret::from_presented(token).hash();
    let row: Option<Row> = on_pool!(&backend.db, pool => {
        sqlx::query_as(ROW_SQL).bind(&hash).fetch_optional(pool).await
    })?;
    let row = row.ok_or(ServiceError::Link(crate::error::LinkProblem::Unknown))?;
    // The communication history shows when the client first opened their link.
    on_pool!(&backend.db, pool => {
        sqlx::query("UPDATE portal_invitations SET opened_at = $1 WHERE id = $2 AND opened_at IS NULL")
            .bind(backend.now_ms())
            .bind(&row.id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(InvitationView {
        practice_name: row.practice_name.clone(),
        client_first_name: row.first_name.clone(),
        email: row.email()?,
        expires: practice_time(row.expires_at, &row.time_zone),
        status: row.status(backend.now_ms()),
        has_account: row.has_account,
        asked_again: row.asked_again_at.is_some(),
    })
}

/// Makes `account` the client's portal login and spends the link; audited.
async fn become_login(
    backend: &Backend,
    tx: &mut Tx,
    caller: &Caller,
    row: &Row,
    account: AccountId,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(&mut *tx, c => {
        sqlx::query("INSERT INTO portal_logins (client_id, practice_id, account_id, email, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(row.client_id)
            .bind(row.practice_id)
            .bind(account)
            .bind(&row.email)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    on_tx!(&mut *tx, c => {
        sqlx::query("UPDATE portal_invitations SET status = 'accepted', responded_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&row.id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    let event = Event::new("portal.login_created", row.client_id.to_string())
        .in_practice(row.practice_id)
        .after(serde_json::json!({ "client": format!("{} {}", row.first_name, row.last_name), "email": row.email }));
    audit::append(
        tx,
        &backend.audit_key,
        &caller.as_actor(account),
        now,
        event,
    )
    .await?;
    Ok(())
}

fn usable(row: &Row, now: i64) -> ServiceResult<()> {
    link_problem(row.status(now)).map_or(Ok(()), |p| Err(ServiceError::Link(p)))
}

/// Accepts as the signed-in person, whose address the invitation names.
pub async fn accept(
    backend: &Backend,
    caller: &Caller,
    person: &SignedIn,
    token: &str,
) -> ServiceResult<()> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let row = locked(&mut tx, token).await?;
    usable(&row, now)?;
    if person.email.as_ref().map(EmailAddress::as_str) != Some(row.email.as_str()) {
        return Err(ServiceError::Forbidden);
    }
    become_login(backend, &mut tx, caller, &row, person.account, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A new account for the invited address with the chosen password, which
/// becomes the portal login; answers the new session.
pub async fn sign_up(
    backend: &Backend,
    caller: &Caller,
    token: &str,
    password: &str,
    previous: Option<&Secret>,
) -> ServiceResult<Secret> {
    let now = backend.now_ms();
    let view = view(backend, token).await?;
    if let Some(problem) = link_problem(view.status) {
        return Err(ServiceError::Link(problem));
    }
    let full_name = {
        let hash = Secret::from_presented(token).hash();
        let (first, last): (String, String) = on_pool!(&backend.db, pool => {
            sqlx::query_as("SELECT c.first_name, c.last_name FROM portal_invitations i JOIN clients c ON c.id = i.client_id WHERE i.token_hash = $1")
                .bind(&hash).fetch_one(pool).await
        })?;
        format!("{first} {last}")
    };
    let (full_name, password) = NewAccountForm {
        full_name,
        password: password.to_owned(),
    }
    .validate()?;
    let password_hash =
        crate::accounts::invitee_password_hash(backend, caller, &view.email, &password).await?;
    let mut tx = backend.db.begin().await?;
    let row = locked(&mut tx, token).await?;
    usable(&row, now)?;
    let account = crate::accounts::create_invitee(
        backend,
        &mut tx,
        caller,
        &view.email,
        &full_name,
        &password_hash,
        "password",
    )
    .await?;
    become_login(backend, &mut tx, caller, &row, account, now).await?;
    let session = sessions::start(&mut tx, account, caller, now).await?;
    tx.commit().await?;
    if let Some(previous) = previous {
        sessions::end(&backend.db, previous).await?;
    }
    Ok(session)
}

/// With a link that no longer works: tells the practice, once per link.
pub async fn ask_again(backend: &Backend, caller: &Caller, token: &str) -> ServiceResult<()> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let row = locked(&mut tx, token).await?;
    if !matches!(
        row.status(now),
        InvitationStatus::Expired | InvitationStatus::Revoked
    ) {
        return Err(ServiceError::Conflict(
            "this invitation still works or was used".into(),
        ));
    }
    if row.asked_again_at.is_some() {
        return Ok(tx.commit().await?);
    }
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE portal_invitations SET asked_again_at = $1 WHERE id = $2")
            .bind(now).bind(&row.id).execute(c).await.map(|r| r.rows_affected())
    })?;
    let client = format!("{} {}", row.first_name, row.last_name);
    let to = EmailAddress::parse(&row.practice_email)
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let link = backend
        .config
        .link(&format!("/p/{}/clients/{}", row.practice_id, row.client_id));
    let mail = templates::portal_invitation_asked_again(&to, &row.practice_name, &client, &link);
    outbox::enqueue(&mut tx, Some(row.practice_id), &mail, now).await?;
    let event = Event::new("portal.asked_again", row.client_id.to_string())
        .in_practice(row.practice_id)
        .after(serde_json::json!({ "client": client }));
    // Nobody signed in: the holder of the link, known by their address.
    let origin = audit::Origin {
        actor: None,
        ip: caller.ip.clone(),
    };
    audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
    Ok(tx.commit().await?)
}
