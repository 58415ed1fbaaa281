//! Team invitations end to end (product.md §5): typed lists and CSV files,
//! resend and revoke, accept and reject by the emailed link.
//!
//! Every change, its audit event and its email commit in one transaction,
//! under the practice's lock.

use chrono_tz::Tz;
use shared::addresses::{self, Entry, Parsed};
use shared::csv_import;
use shared::email::EmailAddress;
use shared::ids::{AccountId, InvitationId, MembershipId, PracticeId};
use shared::invitation::{
    InvitationEvent, InvitationStatus, InvitationView, InviteOutcome, InviteReportRow,
    InviteRequest, InviteSource, MAX_VALIDITY_HOURS,
};
use shared::roles::{may_assign, Capability, Role};
use shared::team::BulkOutcome;
use shared::validation::FieldErrors;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::clock::from_ms;
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::mail::{outbox, templates};
use crate::sessions::{self, SignedIn};
use crate::tokens::Secret;
use crate::{on_pool, on_tx, practices};

const HOUR_MS: i64 = 3_600_000;

/// The practice facts an invitation email needs.
#[derive(sqlx::FromRow)]
struct PracticeFacts {
    name: String,
    time_zone: String,
    staff_invite_validity_hours: i64,
}

async fn practice_facts(tx: &mut Tx, practice: PracticeId) -> ServiceResult<PracticeFacts> {
    let facts: Option<PracticeFacts> = on_tx!(tx, c => {
        sqlx::query_as("SELECT name, time_zone, staff_invite_validity_hours FROM practices WHERE id = $1")
            .bind(practice.to_string())
            .fetch_optional(c)
            .await
    })?;
    facts.ok_or(ServiceError::NotFound)
}

async fn full_name(tx: &mut Tx, account: AccountId) -> ServiceResult<String> {
    let (name,): (String,) = on_tx!(tx, c => {
        sqlx::query_as("SELECT full_name FROM accounts WHERE id = $1").bind(account.to_string()).fetch_one(c).await
    })?;
    Ok(name)
}

/// A moment in the practice's time zone, with the zone named.
pub fn practice_time(ms: i64, zone: &str) -> String {
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    from_ms(ms)
        .with_timezone(&tz)
        .format("%-d %B %Y, %H:%M %Z")
        .to_string()
}

/// Everything needed to (re)send invitations of one practice at one moment.
struct Sending<'a> {
    practice: PracticeId,
    facts: &'a PracticeFacts,
    inviter: &'a str,
    origin: &'a Origin,
    now: i64,
    expires_at: i64,
    /// `expires_at` in the practice's time zone, written once for the whole batch.
    expires: String,
}

/// An invitation email with its fresh token, ready to queue.
struct Prepared {
    token_hash: String,
    email: crate::mail::Email,
}

impl<'a> Sending<'a> {
    fn new(
        practice: PracticeId,
        facts: &'a PracticeFacts,
        inviter: &'a str,
        origin: &'a Origin,
        now: i64,
        validity_ms: i64,
    ) -> Self {
        let expires_at = now + validity_ms;
        let expires = practice_time(expires_at, &facts.time_zone);
        Self {
            practice,
            facts,
            inviter,
            origin,
            now,
            expires_at,
            expires,
        }
    }

    /// A new token and the email that carries it.
    fn prepare(&self, backend: &Backend, to: &EmailAddress, role: Role) -> Prepared {
        let token = Secret::generate();
        let accept = backend
            .config
            .link(&format!("/invitation?token={}", token.expose()));
        let reject = format!("{accept}&answer=reject");
        let email = templates::team_invitation(
            to,
            &templates::TeamInvitation {
                practice: &self.facts.name,
                inviter: self.inviter,
                role: role.label(),
                accept_link: &accept,
                reject_link: &reject,
                expires: &self.expires,
            },
        );
        Prepared {
            token_hash: token.hash(),
            email,
        }
    }
}

fn parse_source(source: &InviteSource) -> ServiceResult<Vec<Entry>> {
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
        if !(1..=MAX_VALIDITY_HOURS).contains(&hours) {
            return Err(FieldErrors::single(
                "validity",
                format!("Choose between 1 hour and {MAX_VALIDITY_HOURS} hours."),
            )
            .into());
        }
    }
    let entries = parse_source(&request.source)?;
    let now = backend.now_ms();
    let (mut tx, actor) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    if !may_assign(&actor, request.role) {
        return Err(FieldErrors::single(
            "role",
            format!("You cannot offer the role {}.", request.role.label()),
        )
        .into());
    }
    let facts = practice_facts(&mut tx, practice).await?;
    let inviter = full_name(&mut tx, account).await?;
    let members: HashSet<String> = on_tx!(&mut tx, c => {
        sqlx::query_scalar(
            "SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE m.practice_id = $1 AND a.email IS NOT NULL",
        )
        .bind(practice.to_string())
        .fetch_all(c)
        .await
    })?
    .into_iter()
    .collect();
    let pending: HashMap<String, String> = on_tx!(&mut tx, c => {
        sqlx::query_as::<_, (String, String)>(
            "SELECT email, id FROM invitations WHERE practice_id = $1 AND status IN ('invited', 'requested')",
        )
        .bind(practice.to_string())
        .fetch_all(c)
        .await
    })?
    .into_iter()
    .collect();
    let origin = caller.as_actor(account);
    let validity_hours = request
        .validity_hours
        .unwrap_or(facts.staff_invite_validity_hours);
    let sending = Sending::new(
        practice,
        &facts,
        &inviter,
        &origin,
        now,
        validity_hours * HOUR_MS,
    );
    let mut fresh = Vec::new();
    let mut report = Vec::with_capacity(entries.len());
    for entry in entries {
        let (address, outcome) = match entry.parsed {
            Parsed::Invalid(rejection) => (None, InviteOutcome::Invalid(rejection.to_string())),
            Parsed::Duplicate(address) => (Some(address), InviteOutcome::Duplicate),
            Parsed::Valid { address, name } => {
                let outcome = if members.contains(address.as_str()) {
                    InviteOutcome::AlreadyMember
                } else if let Some(id) =
                    pending.get(address.as_str()).and_then(|id| id.parse().ok())
                {
                    InviteOutcome::AlreadyInvited(id)
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
    create_all(&mut tx, &sending, request.role, fresh).await?;
    tx.commit().await?;
    backend.mail_wake.notify_one();
    Ok(report)
}

/// Rows per multi-row INSERT: well under both backends' limits on bound values.
const BATCH: usize = 500;

/// Stores new invitations, queues their emails and audits them: one batch per table.
async fn create_all(
    tx: &mut Tx,
    sending: &Sending<'_>,
    role: Role,
    fresh: Vec<(InvitationId, Option<String>, Prepared)>,
) -> ServiceResult<()> {
    let emails: Vec<_> = fresh.iter().map(|(_, _, p)| p.email.clone()).collect();
    let messages = outbox::enqueue_all(tx, Some(sending.practice), &emails, sending.now).await?;
    let practice = sending.practice.to_string();
    let invited_by = sending.origin.actor.map(|a| a.to_string());
    let rows: Vec<_> = fresh.iter().zip(&messages).collect();
    for chunk in rows.chunks(BATCH) {
        on_tx!(tx, c => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO invitations (id, practice_id, email, name, role, status, token_hash, expires_at, invited_by, message_id, sent_at, created_at) ",
            );
            insert.push_values(chunk, |mut row, ((id, name, prepared), message)| {
                row.push_bind(id.to_string())
                    .push_bind(practice.as_str())
                    .push_bind(prepared.email.to.as_str())
                    .push_bind(name.as_deref())
                    .push_bind(role.code())
                    .push_bind("invited")
                    .push_bind(prepared.token_hash.as_str())
                    .push_bind(sending.expires_at)
                    .push_bind(invited_by.as_deref())
                    .push_bind(message.to_string())
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
    audit::append_all(tx, sending.origin, sending.now, events).await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
struct InvitationRow {
    id: String,
    practice_id: String,
    email: String,
    role: String,
    status: String,
    expires_at: Option<i64>,
}

impl InvitationRow {
    /// The status now: a pending invitation whose validity passed is Expired.
    fn status_at(&self, now: i64) -> InvitationStatus {
        let stored = InvitationStatus::from_code(&self.status).unwrap_or(InvitationStatus::Revoked);
        stored.at(self.expires_at.is_some_and(|e| now >= e))
    }

    fn role(&self) -> Role {
        Role::from_code(&self.role).unwrap_or(Role::Practitioner)
    }
}

const ROW_SQL: &str = "SELECT id, practice_id, email, role, status, expires_at FROM invitations";

async fn rows_for(
    tx: &mut Tx,
    practice: PracticeId,
    ids: &[InvitationId],
) -> ServiceResult<Vec<InvitationRow>> {
    let mut rows = Vec::with_capacity(ids.len());
    let sql = format!("{ROW_SQL} WHERE id = $1 AND practice_id = $2");
    for id in ids {
        let row: Option<InvitationRow> = on_tx!(tx, c => {
            sqlx::query_as(&sql).bind(id.to_string()).bind(practice.to_string()).fetch_optional(c).await
        })?;
        // Another practice's id is simply not found.
        rows.push(row.ok_or(ServiceError::NotFound)?);
    }
    Ok(rows)
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
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ManageTeam).await?;
    let facts = practice_facts(&mut tx, practice).await?;
    let inviter = full_name(&mut tx, account).await?;
    let origin = caller.as_actor(account);
    let sending = Sending::new(
        practice,
        &facts,
        &inviter,
        &origin,
        now,
        facts.staff_invite_validity_hours * HOUR_MS,
    );
    let mut outcomes = Vec::new();
    for row in rows_for(&mut tx, practice, ids).await? {
        let id: InvitationId = row.id.parse().map_err(|_| ServiceError::NotFound)?;
        let before = row.status_at(now);
        let problem = match before.next(InvitationEvent::Resend) {
            Err(_) => Some(format!(
                "An invitation that is {} cannot be sent again.",
                before
                    .label(shared::invitation::InvitationKind::Team)
                    .to_lowercase()
            )),
            Ok(_) if has_other_pending(&mut tx, practice, &row).await? => {
                Some("A newer invitation to this address is pending.".to_owned())
            }
            Ok(_) => {
                let address = EmailAddress::parse(&row.email)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let prepared = sending.prepare(backend, &address, row.role());
                let message = outbox::enqueue(&mut tx, Some(practice), &prepared.email, now)
                    .await?
                    .to_string();
                let (token_hash, expires_at) = (prepared.token_hash, sending.expires_at);
                on_tx!(&mut tx, c => {
                    sqlx::query(
                        "UPDATE invitations SET status = 'invited', token_hash = $1, expires_at = $2, message_id = $3,
                         sent_at = $4, responded_at = NULL, invited_by = $5 WHERE id = $6",
                    )
                    .bind(&token_hash)
                    .bind(expires_at)
                    .bind(&message)
                    .bind(now)
                    .bind(account.to_string())
                    .bind(&row.id)
                    .execute(c)
                    .await.map(|r| r.rows_affected())
                })?;
                let event = Event::new("invitation.resent", row.id.clone())
                    .in_practice(practice)
                    .before(serde_json::json!({ "status": before.code() }))
                    .after(serde_json::json!({ "status": "invited", "expires_at": expires_at }));
                audit::append(&mut tx, &origin, now, event).await?;
                None
            }
        };
        outcomes.push(BulkOutcome {
            id,
            email: row.email,
            problem,
        });
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
    let found: Option<(String,)> = on_tx!(tx, c => {
        sqlx::query_as(
            "SELECT id FROM invitations WHERE practice_id = $1 AND email = $2 AND id <> $3 AND status IN ('invited', 'requested')",
        )
            .bind(practice.to_string())
            .bind(&row.email)
            .bind(&row.id)
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
    let mut outcomes = Vec::new();
    for row in rows_for(&mut tx, practice, ids).await? {
        let id: InvitationId = row.id.parse().map_err(|_| ServiceError::NotFound)?;
        let before = row.status_at(now);
        let problem = match before.next(InvitationEvent::Revoke) {
            Err(_) => Some(format!(
                "An invitation that is {} cannot be revoked.",
                before
                    .label(shared::invitation::InvitationKind::Team)
                    .to_lowercase()
            )),
            Ok(after) => {
                set_status(&mut tx, &row.id, after, now).await?;
                let event = Event::new("invitation.revoked", row.id.clone())
                    .in_practice(practice)
                    .before(serde_json::json!({ "status": before.code() }))
                    .after(serde_json::json!({ "status": after.code() }));
                audit::append(&mut tx, &origin, now, event).await?;
                None
            }
        };
        outcomes.push(BulkOutcome {
            id,
            email: row.email,
            problem,
        });
    }
    tx.commit().await?;
    Ok(outcomes)
}

async fn set_status(
    tx: &mut Tx,
    id: &str,
    status: InvitationStatus,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query("UPDATE invitations SET status = $1, responded_at = $2 WHERE id = $3")
            .bind(status.code())
            .bind(now)
            .bind(id)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The invitation a link's token names, checked for use now.
async fn by_token(tx: &mut Tx, token: &str) -> ServiceResult<InvitationRow> {
    let hash = Secret::from_presented(token).hash();
    let sql = format!("{ROW_SQL} WHERE token_hash = $1");
    let row: Option<InvitationRow> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(&hash).fetch_optional(c).await)?;
    row.ok_or(ServiceError::Link(LinkProblem::Unknown))
}

fn usable(row: &InvitationRow, now: i64) -> ServiceResult<()> {
    match row.status_at(now) {
        InvitationStatus::Invited => Ok(()),
        InvitationStatus::Expired => Err(ServiceError::Link(LinkProblem::Expired)),
        InvitationStatus::Revoked => Err(ServiceError::Link(LinkProblem::Revoked)),
        _ => Err(ServiceError::Link(LinkProblem::Used)),
    }
}

/// What the invitee's page shows, whatever state the invitation is in.
pub async fn view(backend: &Backend, token: &str) -> ServiceResult<InvitationView> {
    let now = backend.now_ms();
    let hash = Secret::from_presented(token).hash();
    #[derive(sqlx::FromRow)]
    struct ViewRow {
        email: String,
        role: String,
        status: String,
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
    let stored = InvitationStatus::from_code(&row.status).unwrap_or(InvitationStatus::Revoked);
    Ok(InvitationView {
        practice_name: row.practice_name,
        invited_by: row
            .inviter
            .unwrap_or_else(|| "an admin of the practice".into()),
        role: Role::from_code(&row.role).unwrap_or(Role::Practitioner),
        email: EmailAddress::parse(&row.email)
            .map_err(|e| ServiceError::Internal(e.to_string()))?,
        expires: row
            .expires_at
            .map(|e| practice_time(e, &row.time_zone))
            .unwrap_or_default(),
        status: stored.at(row.expires_at.is_some_and(|e| now >= e)),
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
    let row = by_token(&mut tx, token).await?;
    let practice: PracticeId = row
        .practice_id
        .parse()
        .map_err(|_| ServiceError::NotFound)?;
    tx.lock_practice(practice).await?;
    // Read again under the lock: the other tab may have just accepted.
    let row = by_token(&mut tx, token).await?;
    usable(&row, now)?;
    if person.email.as_ref().map(EmailAddress::as_str) != Some(row.email.as_str()) {
        return Err(ServiceError::Forbidden);
    }
    if !practices::is_member(&mut tx, practice, person.account).await? {
        add_member(&mut tx, practice, person.account, row.role(), now).await?;
    }
    set_status(&mut tx, &row.id, InvitationStatus::Accepted, now).await?;
    let event = Event::new("invitation.accepted", row.id.clone())
        .in_practice(practice)
        .after(serde_json::json!({ "status": "accepted", "account": person.account, "role": row.role }));
    audit::append(&mut tx, &caller.as_actor(person.account), now, event).await?;
    tx.commit().await?;
    Ok(practice)
}

pub(crate) async fn add_member(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
    role: Role,
    now: i64,
) -> ServiceResult<()> {
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO memberships (id, practice_id, account_id, role, status, chat_user, created_at)
             VALUES ($1, $2, $3, $4, 'active', TRUE, $5)",
        )
        .bind(MembershipId::from_uuid(Uuid::new_v4()).to_string())
        .bind(practice.to_string())
        .bind(account.to_string())
        .bind(role.code())
        .bind(now)
        .execute(c)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Rejects by the emailed link; no account is needed to say no.
pub async fn reject(backend: &Backend, caller: &Caller, token: &str) -> ServiceResult<()> {
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let row = by_token(&mut tx, token).await?;
    let practice: PracticeId = row
        .practice_id
        .parse()
        .map_err(|_| ServiceError::NotFound)?;
    tx.lock_practice(practice).await?;
    let row = by_token(&mut tx, token).await?;
    usable(&row, now)?;
    set_status(&mut tx, &row.id, InvitationStatus::Rejected, now).await?;
    let origin = Origin {
        actor: None,
        ip: caller.ip.clone(),
    };
    let event = Event::new("invitation.rejected", row.id.clone())
        .in_practice(practice)
        .after(serde_json::json!({ "status": "rejected", "email": row.email }));
    audit::append(&mut tx, &origin, now, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the account of an invitee who has none. The emailed link proves the
/// address, so no confirmation email is needed; the person is signed in.
pub async fn sign_up_invitee(
    backend: &Backend,
    caller: &Caller,
    token: &str,
    full_name: &str,
    password: &str,
) -> ServiceResult<Secret> {
    let view = view(backend, token).await?;
    let form = shared::validation::SignUpForm {
        full_name: full_name.to_owned(),
        email: view.email.to_string(),
        password: password.to_owned(),
    };
    let sign_up = form.validate()?;
    if view.status != InvitationStatus::Invited {
        return Err(ServiceError::Link(match view.status {
            InvitationStatus::Expired => LinkProblem::Expired,
            InvitationStatus::Revoked => LinkProblem::Revoked,
            _ => LinkProblem::Used,
        }));
    }
    let password_hash = backend.passwords.hash(sign_up.password.expose()).await?;
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let account = crate::accounts::create_account(
        &mut tx,
        caller,
        &sign_up.email,
        &sign_up.full_name,
        &password_hash,
        now,
    )
    .await?
    .ok_or_else(|| {
        FieldErrors::single(
            "email",
            "This address already has an account: log in instead.",
        )
    })?;
    let session = sessions::start(&mut tx, account, caller, now).await?;
    tx.commit().await?;
    Ok(session)
}
