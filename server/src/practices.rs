//! Practices and the signed-in person's place in them (product.md §2, §4).

use shared::email::EmailAddress;
use shared::ids::{AccountId, MembershipId, PracticeId};
pub use shared::practice::PracticeSummary;
use shared::roles::{can, Actor, Capability, MembershipStatus, PermissionFlags, Role};
use shared::validation::{PracticeDetails, PracticeForm};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{on_pool, on_tx};

/// Whether an IANA zone name exists (the server's half of the time-zone rule).
pub fn known_time_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// Every zone name, for the form's list.
pub fn time_zone_names() -> Vec<&'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect()
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    name: String,
    role: String,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    role: String,
    status: String,
    show_in_app: bool,
    chat_user: bool,
    default_doctor: bool,
    can_sign_forms: bool,
    can_invite_clients: bool,
}

impl MembershipRow {
    fn actor(&self) -> Option<Actor> {
        Some(Actor {
            role: Role::from_code(&self.role)?,
            status: if self.status == "active" {
                MembershipStatus::Active
            } else {
                MembershipStatus::Suspended
            },
            flags: PermissionFlags {
                show_in_app: self.show_in_app,
                chat_user: self.chat_user,
                default_doctor: self.default_doctor,
                can_sign_forms: self.can_sign_forms,
                can_invite_clients: self.can_invite_clients,
            },
        })
    }
}

/// The practices where `account` is an active member, by name.
pub async fn list_for(
    backend: &Backend,
    account: AccountId,
) -> ServiceResult<Vec<PracticeSummary>> {
    let rows: Vec<SummaryRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT p.id, p.name, m.role FROM memberships m JOIN practices p ON p.id = m.practice_id
             WHERE m.account_id = $1 AND m.status = 'active' ORDER BY p.name, p.id",
        )
        .bind(account.to_string())
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(PracticeSummary {
                id: r.id.parse().ok()?,
                name: r.name,
                role: Role::from_code(&r.role)?,
            })
        })
        .collect())
}

/// What `account` may do in `practice`; not a member (or another practice's id) is NotFound,
/// so ids of practices one does not belong to reveal nothing.
pub async fn actor(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Actor> {
    let row: Option<MembershipRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(MEMBERSHIP_SQL).bind(account.to_string()).bind(practice.to_string()).fetch_optional(pool).await
    })?;
    row.and_then(|r| r.actor()).ok_or(ServiceError::NotFound)
}

const MEMBERSHIP_SQL: &str = "SELECT role, status, show_in_app, chat_user, default_doctor, can_sign_forms, can_invite_clients
     FROM memberships WHERE account_id = $1 AND practice_id = $2";

/// Fails unless `account` holds `capability` in `practice`.
pub async fn require(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    capability: Capability,
) -> ServiceResult<Actor> {
    permitted(actor(backend, account, practice).await?, capability)
}

/// [`require`] inside a write transaction, after its lock: the answer cannot
/// change before the transaction commits.
pub async fn require_in(
    tx: &mut Tx,
    account: AccountId,
    practice: PracticeId,
    capability: Capability,
) -> ServiceResult<Actor> {
    let row: Option<MembershipRow> = on_tx!(tx, c => {
        sqlx::query_as(MEMBERSHIP_SQL).bind(account.to_string()).bind(practice.to_string()).fetch_optional(c).await
    })?;
    permitted(
        row.and_then(|r| r.actor()).ok_or(ServiceError::NotFound)?,
        capability,
    )
}

/// Opens a write transaction on `practice`, takes its lock, and checks that
/// `account` holds `capability` there — the start of every change to a practice.
pub async fn change_as(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    capability: Capability,
) -> ServiceResult<(Tx, Actor)> {
    let mut tx = backend.db.begin().await?;
    if !tx.lock_practice(practice).await? {
        return Err(ServiceError::NotFound);
    }
    let actor = require_in(&mut tx, account, practice, capability).await?;
    Ok((tx, actor))
}

/// Whether `account` is on the team of `practice` (active or not).
pub async fn is_member(
    tx: &mut Tx,
    practice: PracticeId,
    account: AccountId,
) -> ServiceResult<bool> {
    let found: Option<(String,)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT id FROM memberships WHERE practice_id = $1 AND account_id = $2")
            .bind(practice.to_string())
            .bind(account.to_string())
            .fetch_optional(c)
            .await
    })?;
    Ok(found.is_some())
}

fn permitted(actor: Actor, capability: Capability) -> ServiceResult<Actor> {
    if actor.status == MembershipStatus::Suspended {
        return Err(ServiceError::NotFound);
    }
    if !can(&actor, capability).permits(false) {
        return Err(ServiceError::Forbidden);
    }
    Ok(actor)
}

/// Creates a practice; its creator becomes the Owner.
pub async fn create(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    form: &PracticeForm,
) -> ServiceResult<PracticeId> {
    let details = form.validate(known_time_zone)?;
    let now = backend.now_ms();
    let practice = PracticeId::from_uuid(Uuid::new_v4());
    let membership = MembershipId::from_uuid(Uuid::new_v4());
    let mut tx = backend.db.begin().await?;
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO practices (id, name, contact_email, time_zone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(practice.to_string())
            .bind(&details.name)
            .bind(details.contact_email.as_str())
            .bind(&details.time_zone)
            .bind(now)
            .execute(&mut *c)
            .await?;
        // The owner can message clients and sign forms from day one.
        sqlx::query(
            "INSERT INTO memberships (id, practice_id, account_id, role, status, chat_user, can_sign_forms, created_at)
             VALUES ($1, $2, $3, $4, 'active', TRUE, TRUE, $5)",
        )
        .bind(membership.to_string())
        .bind(practice.to_string())
        .bind(account.to_string())
        .bind(Role::Owner.code())
        .bind(now)
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
    })?;
    let origin = caller.as_actor(account);
    audit::append(
        &mut tx,
        &origin,
        now,
        Event::new("practice.created", practice.to_string())
            .in_practice(practice)
            .after(&details),
    )
    .await?;
    tx.commit().await?;
    Ok(practice)
}

#[derive(sqlx::FromRow)]
struct DetailsRow {
    name: String,
    contact_email: String,
    time_zone: String,
}

impl DetailsRow {
    fn into_details(self) -> ServiceResult<PracticeDetails> {
        Ok(PracticeDetails {
            name: self.name,
            contact_email: EmailAddress::parse(&self.contact_email)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            time_zone: self.time_zone,
        })
    }
}

const DETAILS_SQL: &str = "SELECT name, contact_email, time_zone FROM practices WHERE id = $1";

/// Settings → Details, for any active member.
pub async fn details(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<PracticeDetails> {
    require(backend, account, practice, Capability::ViewClients).await?;
    let row: Option<DetailsRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(DETAILS_SQL).bind(practice.to_string()).fetch_optional(pool).await
    })?;
    row.ok_or(ServiceError::NotFound)?.into_details()
}

/// Changes name, contact email and time zone; audited with before and after.
pub async fn update_details(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    form: &PracticeForm,
) -> ServiceResult<PracticeDetails> {
    let details = form.validate(known_time_zone)?;
    let now = backend.now_ms();
    let (mut tx, _) = change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let before: DetailsRow = on_tx!(&mut tx, c => {
        sqlx::query_as(DETAILS_SQL).bind(practice.to_string()).fetch_one(c).await
    })?;
    let before = before.into_details()?;
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET name = $1, contact_email = $2, time_zone = $3, updated_at = $4 WHERE id = $5")
            .bind(&details.name)
            .bind(details.contact_email.as_str())
            .bind(&details.time_zone)
            .bind(now)
            .bind(practice.to_string())
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let origin = caller.as_actor(account);
    let event = Event::new("practice.details_changed", practice.to_string())
        .in_practice(practice)
        .before(&before)
        .after(&details);
    audit::append(&mut tx, &origin, now, event).await?;
    tx.commit().await?;
    Ok(details)
}
