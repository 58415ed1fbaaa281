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

/// One row per sharing, registered member: whether they are a client of
/// the practice, and their readings from `$2` to `$3` (ms) packed as
/// `kind week value` entries (weeks of `$4` ms) separated by commas. One row per member, not
/// per reading: with 100,000 readings the driver's cost per row, not the
/// database, took most of the time. The members come in `account_id` order
/// from `community_members_sharing`, so grouping needs no sort, and the
/// covering index `readings_account_time` serves the join.
pub const HEALTH_SQL: &str = "SELECT
        EXISTS (SELECT 1 FROM portal_logins l WHERE l.practice_id = $1 AND l.account_id = m.account_id) AS client,
        string_agg(r.kind || ' ' || ((r.taken_at - $2) / $4) || ' ' || r.value, ',') AS readings
     FROM community_members m
     JOIN readings r ON r.account_id = m.account_id
     WHERE m.practice_id = $1 AND m.sharing AND m.status = 'accepted'
       AND r.taken_at >= $2 AND r.taken_at < $3
     GROUP BY m.account_id";

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
    let rows: Vec<(bool, String)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(HEALTH_SQL).bind(practice).bind(start).bind(end).bind(WEEK_MS).fetch_all(pool).await
    })?;
    let mut contributions = Vec::with_capacity(rows.len() * KINDS.len());
    for (client, readings) in rows {
        contributions.extend(person_means(client, &readings)?);
    }
    Ok(HealthView {
        week_starts,
        kinds: KINDS.to_vec(),
        cells: cells(&contributions, weeks, &KINDS),
    })
}

/// One member's mean per week and kind, from their packed readings.
fn person_means(client: bool, packed: &str) -> ServiceResult<Vec<Contribution>> {
    let malformed = || ServiceError::Internal(format!("malformed packed readings: {packed}"));
    // (week, kind) → (sum, count); a member has a few dozen readings.
    let mut sums: Vec<((u32, ReadingKind), (i64, i64))> = Vec::new();
    for entry in packed.split(',') {
        let mut parts = entry.split(' ');
        let (Some(kind), Some(week), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let kind = ReadingKind::from_code(kind).ok_or_else(malformed)?;
        let week: u32 = week.parse().map_err(|_| malformed())?;
        let value: i64 = value.parse().map_err(|_| malformed())?;
        match sums.iter_mut().find(|(key, _)| *key == (week, kind)) {
            Some((_, (sum, count))) => {
                *sum += value;
                *count += 1;
            }
            None => sums.push(((week, kind), (value, 1))),
        }
    }
    Ok(sums
        .into_iter()
        .map(|((week, kind), (sum, count))| Contribution {
            week,
            kind,
            client,
            value: Amount((sum as f64 / count as f64).round() as i64),
        })
        .collect())
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
    fn a_members_readings_become_one_mean_per_week_and_kind() {
        let means = person_means(
            true,
            "glucose 0 9000,glucose 0 9101,weight 0 7000,glucose 2 8000",
        )
        .unwrap();
        let found = |week, kind| {
            means
                .iter()
                .find(|c| c.week == week && c.kind == kind)
                .map(|c| c.value)
        };
        assert_eq!(means.len(), 3);
        assert_eq!(found(0, ReadingKind::Glucose), Some(Amount(9051)));
        assert_eq!(found(0, ReadingKind::Weight), Some(Amount(7000)));
        assert_eq!(found(2, ReadingKind::Glucose), Some(Amount(8000)));
        assert!(means.iter().all(|c| c.client));
        assert!(person_means(false, "glucose x 1").is_err());
    }

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
