//! Practice goals and ranges: Owners and Admins set them, everyone on the
//! team reads them, nobody else does either, and bad ranges are named by field.

use crate::support::{
    caller, one_with_each_role, open_practice, person, TestEnv, NOT_TEAM_MANAGERS,
};
use server::error::ServiceError;
use server::goals;
use shared::goals::{GoalsForm, ReadingKind};
use shared::roles::Role;

fn with(ranges: &[(ReadingKind, &str, &str)]) -> GoalsForm {
    let mut form = GoalsForm::showing(&[]);
    for (kind, low, high) in ranges {
        let row = form.rows.iter_mut().find(|r| r.kind == *kind).unwrap();
        row.low = (*low).into();
        row.high = (*high).into();
    }
    form
}

async fn admins_set_goals_the_team_reads_them_and_others_cannot(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let ranges = with(&[
        (ReadingKind::Glucose, "70", "100"),
        (ReadingKind::Ketones, "0,5", "3"),
    ]);
    let saved = goals::set(&env.backend, &caller("10.0.0.2"), owner, practice, &ranges)
        .await
        .unwrap();
    assert_eq!(
        goals::form(&env.backend, owner, practice).await.unwrap(),
        saved
    );
    let ketones = saved
        .rows
        .iter()
        .find(|r| r.kind == ReadingKind::Ketones)
        .unwrap();
    assert_eq!((ketones.low.as_str(), ketones.high.as_str()), ("0.5", "3"));

    let mut roles = vec![Role::Admin];
    roles.extend(NOT_TEAM_MANAGERS);
    for (role, member) in one_with_each_role(env, practice, &roles).await {
        let owners_view = goals::form(&env.backend, owner, practice).await.unwrap();
        assert_eq!(
            goals::form(&env.backend, member, practice).await.unwrap(),
            owners_view,
            "{role:?} reads"
        );
        let change = with(&[(ReadingKind::Weight, "60", "80")]);
        let result = goals::set(&env.backend, &caller("10.0.0.3"), member, practice, &change).await;
        match role {
            Role::Admin => assert!(result.is_ok()),
            _ => assert!(
                matches!(result, Err(ServiceError::Forbidden)),
                "{role:?} changed goals"
            ),
        }
    }
    let stranger = person(env, "stranger@example.org").await;
    assert!(matches!(
        goals::form(&env.backend, stranger, practice).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        goals::set(
            &env.backend,
            &caller("10.0.0.4"),
            stranger,
            practice,
            &ranges
        )
        .await,
        Err(ServiceError::NotFound)
    ));

    // A bad range is named by its field and changes nothing.
    let bad = with(&[
        (ReadingKind::Glucose, "100", "70"),
        (ReadingKind::Weight, "60", ""),
    ]);
    match goals::set(&env.backend, &caller("10.0.0.2"), owner, practice, &bad).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(
                errors.get("glucose.high").is_some() && errors.get("weight.high").is_some(),
                "{errors}"
            )
        }
        other => panic!("a bad range was stored: {other:?}"),
    }
    let now = goals::form(&env.backend, owner, practice).await.unwrap();
    let weight = now
        .rows
        .iter()
        .find(|r| r.kind == ReadingKind::Weight)
        .unwrap();
    assert_eq!(
        (weight.low.as_str(), weight.high.as_str()),
        ("60", "80"),
        "the Admin's change stands"
    );
    let (before, after): (String, String) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT before_json, after_json FROM audit_events WHERE practice_id = $1 AND action = 'practice.goals_changed' ORDER BY seq DESC LIMIT 1")
            .bind(practice)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert!(before.contains("Glucose: 70–100 mg/dL"), "{before}");
    assert!(
        after.contains("Weight: 60–80 kg") && !after.contains("Glucose"),
        "{after}"
    );
}

on_both_backends!(admins_set_goals_the_team_reads_them_and_others_cannot);
