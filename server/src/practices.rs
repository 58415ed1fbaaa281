//! Practices and the signed-in person's place in them (product.md §2, §4).

use shared::email::EmailAddress;
use shared::ids::{AccountId, PracticeId};
use shared::invitation::Validity;
pub use shared::practice::{PracticePlace, PracticeSummary};
use shared::roles::{Actor, Capability, MembershipStatus};
use shared::validation::{PracticeDetails, PracticeForm};
use uuid::Uuid;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{devices, memberships, on_pool, on_tx};

/// Whether an IANA zone name exists (the server's half of the time-zone rule).
pub fn known_time_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// Every zone name, for the form's list.
/// The practice's time zone as stored (an IANA name).
pub async fn zone_name(backend: &Backend, practice: PracticeId) -> ServiceResult<String> {
    let (zone,): (String,) = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT time_zone FROM practices WHERE id = $1").bind(practice).fetch_one(pool).await
    })?;
    Ok(zone)
}

/// The practice's time zone; UTC for a name this build does not know.
pub async fn time_zone(backend: &Backend, practice: PracticeId) -> ServiceResult<chrono_tz::Tz> {
    Ok(zone_name(backend, practice)
        .await?
        .parse()
        .unwrap_or(chrono_tz::Tz::UTC))
}

pub fn time_zone_names() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_owned())
        .collect()
}

/// The practices where `account` is an active member: those of no group
/// first, then each group's together, by name (the header's switcher).
pub async fn list_for(
    backend: &Backend,
    account: AccountId,
) -> ServiceResult<Vec<PracticeSummary>> {
    Ok(on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT p.id, p.name, m.role, g.name AS group_name
             FROM memberships m JOIN practices p ON p.id = m.practice_id
             LEFT JOIN practice_groups g ON g.id = p.group_id
             WHERE m.account_id = $1 AND m.status = $2
             ORDER BY g.name IS NOT NULL, g.name, g.id, p.name, p.id",
        )
        .bind(account)
        .bind(MembershipStatus::Active)
        .fetch_all(pool)
        .await
    })?)
}

/// Where a person lands after logging in: the local path they asked for,
/// else their first practice, else their forms if they are some practice's
/// client, else the page to create a practice.
pub async fn landing_path(
    backend: &Backend,
    account: AccountId,
    next: Option<&str>,
) -> ServiceResult<String> {
    if let Some(next) = next.and_then(shared::validation::local_path) {
        return Ok(next.to_owned());
    }
    if let Some(p) = list_for(backend, account).await?.first() {
        return Ok(format!("/p/{}", p.id));
    }
    let client: bool = on_pool!(&backend.db, pool => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM portal_logins WHERE account_id = $1)")
            .bind(account)
            .fetch_one(pool)
            .await
    })?;
    Ok(if client { "/portal" } else { "/practices/new" }.into())
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
    let actor = memberships::require_in(&mut tx, account, practice, capability).await?;
    Ok((tx, actor))
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
    let mut tx = backend.db.begin().await?;
    on_tx!(&mut tx, c => {
        sqlx::query("INSERT INTO practices (id, name, contact_email, time_zone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(practice)
            .bind(&details.name)
            .bind(details.contact_email.as_str())
            .bind(&details.time_zone)
            .bind(now)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    memberships::add_owner(&mut tx, practice, account, now).await?;
    crate::forms::seed(&mut tx, practice, now).await?;
    devices::trust(&mut tx, caller, account, practice, now).await?;
    let origin = caller.as_actor(account);
    audit::append(
        &mut tx,
        &backend.audit_key,
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

/// The practice as `account` sees it on opening it: details and what they may
/// do. Strangers and unknown ids are both NotFound; a suspended member is told so.
pub async fn place(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<PracticePlace> {
    let actor = memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let row: Option<DetailsRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(DETAILS_SQL).bind(practice).fetch_optional(pool).await
    })?;
    let sql = format!(
        "SELECT COUNT(*) FROM memberships m WHERE m.practice_id = $1 AND {}",
        memberships::active_admin_capable("m")
    );
    let (active_admins,): (i64,) = on_pool!(&backend.db, pool => {
        sqlx::query_as(&sql).bind(practice).fetch_one(pool).await
    })?;
    Ok(PracticePlace {
        id: practice,
        details: row.ok_or(ServiceError::NotFound)?.into_details()?,
        actor,
        active_admins: u64::try_from(active_admins).unwrap_or(0),
    })
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
        sqlx::query_as(DETAILS_SQL).bind(practice).fetch_one(c).await
    })?;
    let before = before.into_details()?;
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET name = $1, contact_email = $2, time_zone = $3, updated_at = $4 WHERE id = $5")
            .bind(&details.name)
            .bind(details.contact_email.as_str())
            .bind(&details.time_zone)
            .bind(now)
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let origin = caller.as_actor(account);
    let event = Event::new("practice.details_changed", practice.to_string())
        .in_practice(practice)
        .before(&before)
        .after(&details);
    audit::append(&mut tx, &backend.audit_key, &origin, now, event).await?;
    tx.commit().await?;
    Ok(details)
}

/// How long the practice's staff invitations work (Settings → Details).
pub async fn invitation_validity(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<Validity> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let (hours,): (i64,) = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT staff_invite_validity_hours FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(pool)
            .await
    })?;
    Ok(Validity::from_hours(hours))
}

/// Sets how long the next staff invitations work; audited with before and after.
pub async fn set_invitation_validity(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    validity: Validity,
) -> ServiceResult<Validity> {
    let hours = validity.hours()?;
    let (mut tx, _) = change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let (before,): (i64,) = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT staff_invite_validity_hours FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    let now = backend.now_ms();
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET staff_invite_validity_hours = $1, updated_at = $2 WHERE id = $3")
            .bind(hours)
            .bind(now)
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new("practice.invitation_validity_changed", practice.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "staff_invite_validity_hours": before }))
        .after(serde_json::json!({ "staff_invite_validity_hours": hours }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(Validity::from_hours(hours))
}

/// Whether logins from browsers the practice has not trusted wait for an admin (§6).
pub async fn device_approval(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<bool> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let (required,): (bool,) = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT require_device_approval FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(pool)
            .await
    })?;
    Ok(required)
}

/// Turns new-device approval on or off; audited with before and after.
pub async fn set_device_approval(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    required: bool,
) -> ServiceResult<bool> {
    let (mut tx, _) = change_as(backend, account, practice, Capability::ChangeSettings).await?;
    let now = backend.now_ms();
    let (before,): (bool,) = on_tx!(&mut tx, c => {
        sqlx::query_as("SELECT require_device_approval FROM practices WHERE id = $1")
            .bind(practice)
            .fetch_one(c)
            .await
    })?;
    on_tx!(&mut tx, c => {
        sqlx::query("UPDATE practices SET require_device_approval = $1, updated_at = $2 WHERE id = $3")
            .bind(required)
            .bind(now)
            .bind(practice)
            .execute(c)
            .await.map(|r| r.rows_affected())
    })?;
    let event = Event::new("practice.device_approval_changed", practice.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "require_device_approval": before }))
        .after(serde_json::json!({ "require_device_approval": required }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(required)
}
