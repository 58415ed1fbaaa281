//! Community Health: weekly figures over the members who share, withheld
//! below five people; a member who stops sharing leaves the next figures;
//! only the team sees them and only the member chooses.

use crate::support::{caller, one_with_each_role, open_practice, person, TestEnv};
use server::community;
use server::error::ServiceError;
use shared::community::health::{Cohort, HealthQuery, HealthView};
use shared::goals::{Amount, ReadingKind};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Role;

/// A member who has registered (the member's side of joining is built
/// separately; here the row is written as registering leaves it).
async fn registered_member(env: &TestEnv, practice: PracticeId, email: &str) -> AccountId {
    let account = person(env, email).await;
    server::on_pool!(env.db(), pool => {
        sqlx::query("INSERT INTO community_members (id, practice_id, email, status, account_id, added_at) VALUES ($1, $2, $3, 'accepted', $4, 0)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(practice)
            .bind(email)
            .bind(account)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    account
}

async fn log_glucose(env: &TestEnv, account: AccountId, hundredths: i64) {
    let an_hour_ago = env.backend.now_ms() - 3_600_000;
    server::readings::log(
        &env.backend,
        &caller("10.0.0.9"),
        account,
        ReadingKind::Glucose,
        Amount(hundredths),
        an_hour_ago,
    )
    .await
    .unwrap();
}

async fn share(env: &TestEnv, account: AccountId, practice: PracticeId, sharing: bool) {
    community::set_sharing(
        &env.backend,
        &caller("10.0.0.9"),
        account,
        practice,
        sharing,
    )
    .await
    .unwrap();
}

/// This week's glucose cell for everyone: how many people, and their mean.
fn everyone_this_week(view: &HealthView) -> Option<(u32, Amount)> {
    let week = view.week_starts.len() as u32 - 1;
    view.cells
        .iter()
        .find(|c| c.week == week && c.kind == ReadingKind::Glucose && c.cohort == Cohort::Everyone)
        .unwrap()
        .figures
        .map(|f| (f.people, f.mean))
}

async fn sharing_members_make_the_figures_and_one_who_stops_leaves_the_next(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let mut members = Vec::new();
    for i in 0..7 {
        let member = registered_member(env, practice, &format!("m{i}@example.org")).await;
        // Two readings each: the member's mean is 91.00 + i mg/dL.
        log_glucose(env, member, 9_000 + 100 * i).await;
        log_glucose(env, member, 9_200 + 100 * i).await;
        members.push(member);
    }
    let health = || community::health(&env.backend, owner, practice, HealthQuery { weeks: 4 });
    // Nobody shares yet: nothing is shown.
    assert_eq!(everyone_this_week(&health().await.unwrap()), None);
    for &member in &members[..5] {
        share(env, member, practice, true).await;
    }
    // Five sharers (91–95): the sixth and seventh, not sharing, are not in it.
    let view = health().await.unwrap();
    assert_eq!(view.week_starts.len(), 4);
    assert_eq!(everyone_this_week(&view), Some((5, Amount(9_300))));
    share(env, members[5], practice, true).await;
    assert_eq!(
        everyone_this_week(&health().await.unwrap()),
        Some((6, Amount(9_350)))
    );
    // The first stops sharing: the next figures no longer hold them.
    share(env, members[0], practice, false).await;
    assert_eq!(
        everyone_this_week(&health().await.unwrap()),
        Some((5, Amount(9_400)))
    );
    // Down to four: withheld.
    share(env, members[1], practice, false).await;
    assert_eq!(everyone_this_week(&health().await.unwrap()), None);

    // No member's id or address is anywhere in what the page receives.
    share(env, members[1], practice, true).await;
    let json = serde_json::to_string(&health().await.unwrap()).unwrap();
    for (i, member) in members.iter().enumerate() {
        assert!(!json.contains(&member.to_string()));
        assert!(!json.contains(&format!("m{i}@example.org")));
    }
    // The member sees their own choice; someone who never joined sees no community.
    let mine = community::memberships(&env.backend, members[0])
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (
            mine[0].practice,
            mine[0].practice_name.as_str(),
            mine[0].sharing
        ),
        (practice, "Harbour Clinic", false)
    );
    assert!(community::memberships(&env.backend, owner)
        .await
        .unwrap()
        .is_empty());
    // Each choice is in the trail.
    let (changes,): (i64,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'community.sharing_changed'").fetch_one(pool).await
    })
    .unwrap();
    assert_eq!(changes, 9);
}

async fn only_the_team_sees_community_health_and_only_members_choose(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let member = registered_member(env, practice, "member@example.org").await;
    let query = HealthQuery { weeks: 12 };
    // Every role of the team may view reports (the role table).
    for (role, someone) in one_with_each_role(env, practice, &Role::ALL[1..]).await {
        let view = community::health(&env.backend, someone, practice, query).await;
        assert!(view.is_ok(), "{role:?}: {view:?}");
    }
    // A member, a stranger and another practice's owner see nothing, by id or otherwise.
    let stranger = person(env, "stranger@example.org").await;
    let other_owner = person(env, "other@example.org").await;
    let other = open_practice(env, other_owner, "Other Clinic").await;
    for (who, practice) in [
        (member, practice),
        (stranger, practice),
        (other_owner, practice),
        (owner, other),
    ] {
        let refused = community::health(&env.backend, who, practice, query).await;
        assert!(
            matches!(refused, Err(ServiceError::NotFound)),
            "{refused:?}"
        );
    }
    // Only a member chooses, and only where they are one.
    for (who, place) in [(stranger, practice), (owner, practice), (member, other)] {
        let refused =
            community::set_sharing(&env.backend, &caller("10.0.0.9"), who, place, true).await;
        assert!(
            matches!(refused, Err(ServiceError::NotFound)),
            "{refused:?}"
        );
    }
    // Bad input names its field.
    for weeks in [0, 53] {
        match community::health(&env.backend, owner, practice, HealthQuery { weeks }).await {
            Err(ServiceError::Validation(errors)) => {
                assert_eq!(errors.get("weeks"), Some("Choose from 1 to 52 weeks."))
            }
            other => panic!("{other:?}"),
        }
    }
}

on_both_backends!(
    sharing_members_make_the_figures_and_one_who_stops_leaves_the_next,
    only_the_team_sees_community_health_and_only_members_choose,
);
