//! Community Health: weekly figures over the members who share. The database
//! gives one mean per person, week and kind; `shared::community::health`
//! turns them into cells and withholds what could identify anyone. Nothing
//! that names a person leaves this module.

use chrono::{Datelike, Duration, TimeZone};
use shared::community::health::{cells, Contribution, HealthQuery, HealthView, KINDS};
use shared::goals::{Amount, ReadingKind};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Capability;

use crate::backend::Backend;
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_pool};

const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Each sharing, registered member's mean per kind and week from `$2` to
/// `$3` (ms), and whether they are a client of the practice. The covering
/// index `readings_account_time` serves the join.
pub const HEALTH_SQL: &str = "SELECT r.kind, (r.taken_at - $2) / 604800000 AS week,
        EXISTS (SELECT 1 FROM portal_logins l WHERE l.practice_id = $1 AND l.account_id = m.account_id) AS client,
        CAST(AVG(r.value) AS DOUBLE PRECISION) AS mean
     FROM community_members m
     JOIN readings r ON r.account_id = m.account_id
     WHERE m.practice_id = $1 AND m.sharing AND m.status = 'accepted'
       AND r.taken_at >= $2 AND r.taken_at < $3
     GROUP BY m.account_id, r.kind, week";

/// The practice's Community Health for the last `query.weeks` weeks, for
/// anyone who may view reports.
pub async fn health(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
    query: HealthQuery,
) -> ServiceResult<HealthView> {
    let weeks = query.validate()?;
    memberships::require(backend, account, practice, Capability::ViewReports).await?;
    let zone = crate::practices::time_zone(backend, practice).await?;
    let (start, week_starts) = first_monday(backend.clock.now(), zone, weeks);
    let end = start + i64::from(weeks) * WEEK_MS;
    let rows: Vec<(String, i64, bool, f64)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(HEALTH_SQL).bind(practice).bind(start).bind(end).fetch_all(pool).await
    })?;
    let mut contributions = Vec::with_capacity(rows.len());
    for (kind, week, client, mean) in rows {
        let kind = ReadingKind::from_code(&kind)
            .ok_or_else(|| ServiceError::Internal(format!("unknown reading kind {kind}")))?;
        contributions.push(Contribution {
            week: u32::try_from(week).map_err(|_| ServiceError::Internal("week".into()))?,
            kind,
            client,
            value: Amount(mean.round() as i64),
        });
    }
    Ok(HealthView {
        week_starts,
        kinds: KINDS.to_vec(),
        cells: cells(&contributions, weeks, &KINDS),
    })
}

/// Midnight (ms) of the Monday `weeks - 1` weeks before this one in `zone`,
/// and each shown week's first day. Weeks are counted as 7 × 24 hours from
/// there, so across a daylight-saving change a boundary is an hour off.
fn first_monday(
    now: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
    weeks: u32,
) -> (i64, Vec<String>) {
    let today = now.with_timezone(&zone).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = monday - Duration::weeks(i64::from(weeks) - 1);
    let midnight = first.and_hms_opt(0, 0, 0).unwrap_or_default();
    let start = zone
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| midnight.and_utc().timestamp_millis());
    let labels = (0..weeks)
        .map(|w| (first + Duration::weeks(i64::from(w))).to_string())
        .collect();
    (start, labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_the_practices_monday() {
        // Wednesday 3 June 2026, 01:00 UTC: still Tuesday in New York.
        let now = chrono::Utc.with_ymd_and_hms(2026, 6, 3, 1, 0, 0).unwrap();
        let (start, labels) = first_monday(now, chrono_tz::America::New_York, 2);
        assert_eq!(labels, ["2026-05-25", "2026-06-01"]);
        // Midnight of 25 May in New York is 04:00 UTC (daylight time).
        let expected = chrono::Utc.with_ymd_and_hms(2026, 5, 25, 4, 0, 0).unwrap();
        assert_eq!(start, expected.timestamp_millis());
    }
}
