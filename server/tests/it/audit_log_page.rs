//! The audit log page (product.md §9): one practice's events, newest first,
//! paged and filtered by person, action and dates in the practice's time
//! zone; the CSV of a whole search; the chain check; Owners and Admins only.

use crate::support::{
    add_member, caller, one_with_each_role, open_practice, person, TestEnv, NOT_TEAM_MANAGERS,
};
use chrono_tz::Europe::Oslo;
use server::audit_log;
use server::error::ServiceError;
use server::memberships;
use shared::audit_log::{AuditQuery, ChainVerdict};
use shared::ids::{AccountId, PracticeId};
use shared::membership::MemberChange;
use shared::roles::Role;

/// Today in the practice's time zone, as the date filter takes it.
fn today(env: &TestEnv) -> String {
    chrono::DateTime::from_timestamp_millis(env.backend.now_ms())
        .unwrap()
        .with_timezone(&Oslo)
        .format("%Y-%m-%d")
        .to_string()
}

async fn promote_and_demote(
    env: &TestEnv,
    by: AccountId,
    practice: PracticeId,
    member: AccountId,
    times: usize,
) {
    for _ in 0..times {
        for role in [Role::Admin, Role::Practitioner] {
            memberships::change(
                &env.backend,
                &caller("10.0.0.9"),
                by,
                practice,
                member,
                MemberChange::Role(role),
            )
            .await
            .unwrap();
        }
    }
}

async fn the_audit_log_pages_filters_and_exports_one_practices_events(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bob = person(env, "bob@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    add_member(env, practice, bob, Role::Practitioner).await;
    let first_day = today(env);
    promote_and_demote(env, ada, practice, bob, 30).await;
    // Two days later, one more change.
    env.advance(chrono::Duration::days(2));
    memberships::change(
        &env.backend,
        &caller("10.0.0.9"),
        ada,
        practice,
        bob,
        MemberChange::Role(Role::Admin),
    )
    .await
    .unwrap();
    // Another practice's events never show.
    let rival = person(env, "rival@example.org").await;
    let other = open_practice(env, rival, "Other Clinic").await;

    let view = |query: AuditQuery| {
        let backend = env.backend.clone();
        async move { audit_log::view(&backend, ada, practice, &query).await }
    };
    let all = view(AuditQuery::default()).await.unwrap();
    assert_eq!((all.entries.rows.len(), all.entries.total), (50, 62));
    assert!(
        all.entries.rows.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
    assert_eq!(
        all.entries.rows[0].after.as_deref(),
        Some("role: Admin · status: Active")
    );
    assert_eq!(
        all.entries.rows[0].before.as_deref(),
        Some("role: Practitioner · status: Active")
    );
    assert_eq!(all.entries.rows[0].who.as_deref(), Some("Person ada"));
    let second = view(AuditQuery {
        page: 1,
        ..AuditQuery::default()
    })
    .await
    .unwrap();
    assert_eq!(second.entries.rows.len(), 12);
    assert!(all.people.iter().any(|(id, _)| *id == ada));
    assert!(!all.people.iter().any(|(id, _)| *id == rival));
    assert_eq!(all.actions, ["member.role_changed", "practice.created"]);

    let changes = AuditQuery {
        action: Some("member.role_changed".into()),
        ..AuditQuery::default()
    };
    assert_eq!(view(changes).await.unwrap().entries.total, 61);
    let by_bob = AuditQuery {
        person: Some(bob),
        ..AuditQuery::default()
    };
    assert_eq!(view(by_bob).await.unwrap().entries.total, 0);
    let on_first_day = AuditQuery {
        from: Some(first_day.clone()),
        to: Some(first_day.clone()),
        ..AuditQuery::default()
    };
    assert_eq!(view(on_first_day.clone()).await.unwrap().entries.total, 61);
    let since_today = AuditQuery {
        from: Some(today(env)),
        ..AuditQuery::default()
    };
    assert_eq!(view(since_today).await.unwrap().entries.total, 1);
    let backwards = AuditQuery {
        from: Some(today(env)),
        to: Some(first_day),
        ..AuditQuery::default()
    };
    assert!(
        matches!(view(backwards).await, Err(ServiceError::Validation(e)) if e.get("to").is_some())
    );
    let nonsense = AuditQuery {
        from: Some("31/12/2026".into()),
        ..AuditQuery::default()
    };
    assert!(
        matches!(view(nonsense).await, Err(ServiceError::Validation(e)) if e.get("from").is_some())
    );

    // The CSV carries the whole search, not one page.
    let csv = audit_log::export(&env.backend, ada, practice, &on_first_day)
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Event,When,Who,Action,Target,Before,After,From")
    );
    assert_eq!(lines.count(), 61);

    assert!(matches!(
        audit_log::verify(&env.backend, ada, practice)
            .await
            .unwrap(),
        ChainVerdict::Intact
    ));
    // Reaching into another practice by id.
    assert!(matches!(
        audit_log::view(&env.backend, ada, other, &AuditQuery::default()).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        audit_log::export(&env.backend, rival, practice, &AuditQuery::default()).await,
        Err(ServiceError::NotFound)
    ));
}

async fn only_owners_and_admins_read_the_audit_log(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    for (_, someone) in one_with_each_role(env, practice, &NOT_TEAM_MANAGERS).await {
        let query = AuditQuery::default();
        assert!(matches!(
            audit_log::view(&env.backend, someone, practice, &query).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            audit_log::export(&env.backend, someone, practice, &query).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            audit_log::verify(&env.backend, someone, practice).await,
            Err(ServiceError::Forbidden)
        ));
    }
    let admin = person(env, "admin@example.org").await;
    add_member(env, practice, admin, Role::Admin).await;
    assert!(
        audit_log::view(&env.backend, admin, practice, &AuditQuery::default())
            .await
            .is_ok()
    );
    memberships::change(
        &env.backend,
        &caller("10.0.0.9"),
        ada,
        practice,
        admin,
        MemberChange::Suspend,
    )
    .await
    .unwrap();
    assert!(matches!(
        audit_log::view(&env.backend, admin, practice, &AuditQuery::default()).await,
        Err(ServiceError::Suspended)
    ));
}

on_both_backends!(
    the_audit_log_pages_filters_and_exports_one_practices_events,
    only_owners_and_admins_read_the_audit_log,
);
