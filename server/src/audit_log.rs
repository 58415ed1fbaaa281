//! The audit log page (product.md §9; Owners and Admins): one practice's
//! events, newest first, filtered and paged in the database; the CSV export of
//! a whole search; and the check of the hash chain.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde_json::Value;
use shared::audit_log::{AuditEntry, AuditQuery, AuditView, ChainVerdict};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Capability;
use shared::team::{Page, PAGE_SIZE};
use shared::validation::FieldErrors;

use crate::backend::Backend;
use crate::error::ServiceResult;
use crate::invitations::practice_time;
use crate::{audit, memberships, on_pool};

/// The most events one CSV file carries.
pub const EXPORT_LIMIT: i64 = 100_000;

#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    who: Option<String>,
    action: String,
    target: String,
    before_json: Option<String>,
    after_json: Option<String>,
    at: i64,
    ip: Option<String>,
    total: i64,
}

/// $2 person, $3 action, $4 from (ms, included), $5 to (ms, excluded).
const EVENTS: &str =
    "SELECT e.seq, a.full_name AS who, e.action, e.target, e.before_json, e.after_json,
        e.at, e.ip, COUNT(*) OVER () AS total
    FROM audit_events e LEFT JOIN accounts a ON a.id = e.actor_id
    WHERE e.practice_id = $1
      AND ($2 IS NULL OR e.actor_id = $2)
      AND ($3 IS NULL OR e.action = $3)
      AND ($4 IS NULL OR e.at >= $4)
      AND ($5 IS NULL OR e.at < $5)
    ORDER BY e.seq DESC LIMIT $6 OFFSET $7";

/// The search's bounds in milliseconds: from the start of the first day to
/// the start of the day after the last, in the practice's time zone.
fn bounds(query: &AuditQuery, zone: &str) -> Result<(Option<i64>, Option<i64>), FieldErrors> {
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    let day_start = |field: &str, text: &Option<String>, days_after: u64| {
        let Some(text) = text.as_deref().filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.checked_add_days(chrono::Days::new(days_after)))
            .ok_or_else(|| FieldErrors::single(field, "Enter a date as YYYY-MM-DD."))?;
        let start = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        Ok(tz
            .from_local_datetime(&start)
            .earliest()
            .map(|t| t.timestamp_millis()))
    };
    let (from, to) = (
        day_start("from", &query.from, 0)?,
        day_start("to", &query.to, 1)?,
    );
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            return Err(FieldErrors::single(
                "to",
                "The last day comes before the first.",
            ));
        }
    }
    Ok((from, to))
}

/// "role: Admin · status: Active" for an object, the value itself otherwise.
fn readable(json: Option<String>) -> Option<String> {
    let value: Value = serde_json::from_str(&json?).ok()?;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(match &value {
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}: {}", text(v)))
            .collect::<Vec<_>>()
            .join(" · "),
        other => text(other),
    })
}

async fn entries(
    backend: &Backend,
    practice: PracticeId,
    query: &AuditQuery,
    limit: i64,
    offset: i64,
) -> ServiceResult<(Vec<AuditEntry>, u64)> {
    let zone = crate::practices::zone_name(backend, practice).await?;
    let (from, to) = bounds(query, &zone)?;
    let action = query.action.as_deref().filter(|a| !a.is_empty());
    let rows: Vec<EntryRow> = on_pool!(&backend.db, pool => {
        sqlx::query_as(EVENTS)
            .bind(practice)
            .bind(query.person)
            .bind(action)
            .bind(from)
            .bind(to)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
    })?;
    let total = rows
        .first()
        .and_then(|r| u64::try_from(r.total).ok())
        .unwrap_or(0);
    let entries = rows
        .into_iter()
        .map(|r| AuditEntry {
            seq: r.seq,
            at: practice_time(r.at, &zone),
            who: r.who,
            action: r.action,
            target: r.target,
            before: readable(r.before_json),
            after: readable(r.after_json),
            ip: r.ip,
        })
        .collect();
    Ok((entries, total))
}

/// One page of the practice's events, with the choices of its filters.
pub async fn view(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &AuditQuery,
) -> ServiceResult<AuditView> {
    memberships::require(backend, account, practice, Capability::ViewAudit).await?;
    let offset = i64::from(query.page) * i64::from(PAGE_SIZE);
    let (rows, total) = entries(backend, practice, query, i64::from(PAGE_SIZE), offset).await?;
    let people: Vec<(AccountId, String)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(
            "SELECT DISTINCT a.id, a.full_name FROM audit_events e JOIN accounts a ON a.id = e.actor_id
             WHERE e.practice_id = $1 ORDER BY a.full_name, a.id",
        )
        .bind(practice)
        .fetch_all(pool)
        .await
    })?;
    let actions: Vec<(String,)> = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT DISTINCT action FROM audit_events WHERE practice_id = $1 ORDER BY action")
            .bind(practice)
            .fetch_all(pool)
            .await
    })?;
    Ok(AuditView {
        entries: Page {
            rows,
            total,
            index: query.page,
        },
        people,
        actions: actions.into_iter().map(|(a,)| a).collect(),
    })
}

/// The whole search as CSV (at most [`EXPORT_LIMIT`] events, newest first).
pub async fn export(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: &AuditQuery,
) -> ServiceResult<String> {
    memberships::require(backend, account, practice, Capability::ViewAudit).await?;
    let (rows, _) = entries(backend, practice, query, EXPORT_LIMIT, 0).await?;
    Ok(shared::audit_log::to_csv(&rows))
}

/// Walks the practice's hash chain (and the install chain, which holds its
/// events from before the chains were split) and says whether it holds.
pub async fn verify(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<ChainVerdict> {
    memberships::require(backend, account, practice, Capability::ViewAudit).await?;
    Ok(
        match audit::verify_practice(&backend.db, &backend.audit_key, practice).await? {
            audit::ChainCheck::Intact { .. } => ChainVerdict::Intact,
            audit::ChainCheck::Broken { seq, reason, .. } => ChainVerdict::Broken {
                seq,
                reason: reason.into(),
            },
        },
    )
}
