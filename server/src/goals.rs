//! Practice goals and ranges: read by the whole team, changed by Owners and
//! Admins (`Capability::ChangeGoals`), every change audited with before and after.

use shared::goals::{Amount, Goal, GoalsForm, ReadingKind};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Capability;

use crate::audit::{self, Event};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{ServiceError, ServiceResult};
use crate::{memberships, on_pool, on_tx, practices};

const GOALS_SQL: &str = "SELECT kind, low, high FROM practice_goals WHERE practice_id = $1";

fn goals(rows: Vec<(String, i64, i64)>) -> ServiceResult<Vec<Goal>> {
    let mut goals = rows
        .into_iter()
        .map(|(kind, low, high)| {
            let kind = ReadingKind::from_code(&kind)
                .ok_or_else(|| ServiceError::Internal(format!("unknown reading kind {kind}")))?;
            Ok(Goal {
                kind,
                low: Amount(low),
                high: Amount(high),
            })
        })
        .collect::<ServiceResult<Vec<Goal>>>()?;
    goals.sort_by_key(|g| ReadingKind::ALL.iter().position(|k| *k == g.kind));
    Ok(goals)
}

/// The practice's goals as the form shows them, for anyone on its team.
pub async fn form(
    backend: &Backend,
    account: AccountId,
    practice: PracticeId,
) -> ServiceResult<GoalsForm> {
    memberships::require(backend, account, practice, Capability::ViewClients).await?;
    let rows: Vec<(String, i64, i64)> = on_pool!(&backend.db, pool => {
        sqlx::query_as(GOALS_SQL).bind(practice).fetch_all(pool).await
    })?;
    Ok(GoalsForm::showing(&goals(rows)?))
}

pub(crate) async fn stored(tx: &mut Tx, practice: PracticeId) -> ServiceResult<Vec<Goal>> {
    let rows: Vec<(String, i64, i64)> = on_tx!(tx, c => {
        sqlx::query_as(GOALS_SQL).bind(practice).fetch_all(c).await
    })?;
    goals(rows)
}

/// Replaces the practice's goals with the form's; audited with before and after.
pub async fn set(
    backend: &Backend,
    caller: &Caller,
    account: AccountId,
    practice: PracticeId,
    form: &GoalsForm,
) -> ServiceResult<GoalsForm> {
    let (mut tx, _) =
        practices::change_as(backend, account, practice, Capability::ChangeGoals).await?;
    let goals = form.validate()?;
    let before = stored(&mut tx, practice).await?;
    on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM practice_goals WHERE practice_id = $1").bind(practice).execute(c).await.map(|r| r.rows_affected())
    })?;
    for goal in &goals {
        on_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO practice_goals (practice_id, kind, low, high) VALUES ($1, $2, $3, $4)")
                .bind(practice)
                .bind(goal.kind.code())
                .bind(goal.low.0)
                .bind(goal.high.0)
                .execute(c)
                .await.map(|r| r.rows_affected())
        })?;
    }
    let readable = |goals: &[Goal]| -> Vec<String> {
        goals
            .iter()
            .map(|g| format!("{}: {}–{} {}", g.kind.label(), g.low, g.high, g.kind.unit()))
            .collect()
    };
    let event = Event::new("practice.goals_changed", practice.to_string())
        .in_practice(practice)
        .before(serde_json::json!({ "goals": readable(&before) }))
        .after(serde_json::json!({ "goals": readable(&goals) }));
    let origin = caller.as_actor(account);
    audit::commit(tx, &backend.audit_key, &origin, backend.now_ms(), event).await?;
    Ok(GoalsForm::showing(&goals))
}
