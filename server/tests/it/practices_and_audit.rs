//! Practices, who may change them, and the hash-chained audit trail.

use crate::support::{add_member, caller, open_practice, person, TestEnv};
use server::audit::{self, ChainCheck};
use server::error::ServiceError;
use server::practices;
use shared::ids::PracticeId;
use shared::roles::Role;
use shared::validation::PracticeForm;

/// What Settings → Details shows `account`: the details part of the practice as they see it.
async fn practice_details(
    env: &TestEnv,
    account: shared::ids::AccountId,
    practice: shared::ids::PracticeId,
) -> server::error::ServiceResult<shared::validation::PracticeDetails> {
    practices::place(&env.backend, account, practice)
        .await
        .map(|p| p.details)
}

fn form(name: &str) -> PracticeForm {
    PracticeForm {
        name: name.into(),
        contact_email: "desk@harbour.example".into(),
        time_zone: "Europe/Oslo".into(),
    }
}

async fn the_creator_owns_the_practice_and_edits_its_details(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    let mine = practices::list_for(&env.backend, ada).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].id, mine[0].name.as_str(), mine[0].role),
        (practice, "Harbour Clinic", Role::Owner)
    );

    let changed = PracticeForm {
        name: "Harbour Health".into(),
        time_zone: "America/New_York".into(),
        ..form("")
    };
    practices::update_details(&env.backend, &caller("10.0.0.2"), ada, practice, &changed)
        .await
        .unwrap();
    let details = practice_details(env, ada, practice).await.unwrap();
    assert_eq!(
        (details.name.as_str(), details.time_zone.as_str()),
        ("Harbour Health", "America/New_York")
    );

    let events = audit::list_for_practice(env.db(), practice, 10)
        .await
        .unwrap();
    let change = &events[0];
    assert_eq!(change.action, "practice.details_changed");
    assert_eq!(change.actor_id, Some(ada.to_string()));
    assert_eq!(change.ip.as_deref(), Some("10.0.0.2"));
    assert!(change
        .before_json
        .as_deref()
        .unwrap()
        .contains("Harbour Clinic"));
    assert!(change
        .after_json
        .as_deref()
        .unwrap()
        .contains("Harbour Health"));
    assert_eq!(events[1].action, "practice.created");
}

async fn bad_details_are_refused_field_by_field(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bad = PracticeForm {
        name: " ".into(),
        contact_email: "desk".into(),
        time_zone: "Mars/Olympus".into(),
    };
    match practices::create(&env.backend, &caller("10.0.0.1"), ada, &bad).await {
        Err(ServiceError::Validation(errors)) => {
            assert_eq!(errors.get("name"), Some("Enter the practice name."));
            assert!(errors.get("contact_email").is_some());
            assert!(errors.get("time_zone").unwrap().contains("Mars/Olympus"));
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert!(practices::list_for(&env.backend, ada)
        .await
        .unwrap()
        .is_empty());
}

async fn only_owners_and_admins_change_settings(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let admin = person(env, "admin@example.org").await;
    add_member(env, practice, admin, Role::Admin).await;
    practices::update_details(
        &env.backend,
        &caller("10.0.0.1"),
        admin,
        practice,
        &form("By the admin"),
    )
    .await
    .unwrap();

    for (i, role) in [
        Role::Practitioner,
        Role::Staff(shared::roles::AccessLevel::Full),
        Role::Staff(shared::roles::AccessLevel::ReadWrite),
        Role::Staff(shared::roles::AccessLevel::ReadOnly),
    ]
    .into_iter()
    .enumerate()
    {
        let member = person(env, &format!("member{i}@example.org")).await;
        add_member(env, practice, member, role).await;
        // They may read the details…
        assert_eq!(
            practice_details(env, member, practice).await.unwrap().name,
            "By the admin"
        );
        // …but not change them.
        let refused = practices::update_details(
            &env.backend,
            &caller("10.0.0.1"),
            member,
            practice,
            &form("Hijacked"),
        )
        .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{role:?} changed settings"
        );
    }
    assert_eq!(
        practice_details(env, owner, practice).await.unwrap().name,
        "By the admin"
    );
}

async fn another_practice_is_invisible_by_id(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bob = person(env, "bob@example.org").await;
    let harbour = open_practice(env, ada, "Harbour Clinic").await;
    let hill = practices::create(&env.backend, &caller("10.0.0.1"), bob, &form("Hill Clinic"))
        .await
        .unwrap();
    assert!(matches!(
        practice_details(env, bob, harbour).await,
        Err(ServiceError::NotFound)
    ));
    let refused = practices::update_details(
        &env.backend,
        &caller("10.0.0.1"),
        bob,
        harbour,
        &form("Taken over"),
    )
    .await;
    assert!(matches!(refused, Err(ServiceError::NotFound)));
    let made_up = PracticeId::from_uuid(uuid::Uuid::new_v4());
    assert!(matches!(
        practice_details(env, ada, made_up).await,
        Err(ServiceError::NotFound)
    ));
    assert_eq!(
        practice_details(env, ada, harbour).await.unwrap().name,
        "Harbour Clinic"
    );
    assert_eq!(
        practices::list_for(&env.backend, bob)
            .await
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        vec![hill]
    );
}

async fn run_sql(env: &TestEnv, sql: &str) {
    server::on_pool!(env.db(), pool => sqlx::raw_sql(sql).execute(pool).await.map(drop)).unwrap();
}

/// Lets the test play an attacker with write access to the database.
async fn disable_append_only_guard(env: &TestEnv) {
    match env.db().backend() {
        "sqlite" => {
            run_sql(
                env,
                "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;",
            )
            .await
        }
        _ => run_sql(env, "DROP TRIGGER audit_events_append_only ON audit_events").await,
    }
}

/// Two events in the install chain (the sign-up's), the rest in Harbour's.
async fn seeded_chain(env: &TestEnv) -> (PracticeId, i64) {
    let ada = person(env, "ada@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    practices::update_details(
        &env.backend,
        &caller("10.0.0.1"),
        ada,
        practice,
        &form("Harbour Health"),
    )
    .await
    .unwrap();
    match audit::verify(env.db(), &env.backend.audit_key)
        .await
        .unwrap()
    {
        ChainCheck::Intact { .. } => {}
        broken => panic!("fresh chain is broken: {broken:?}"),
    }
    let in_practice: i64 = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE chain = $1")
            .bind(practice.to_string())
            .fetch_one(pool)
            .await
    })
    .unwrap();
    (practice, in_practice)
}

async fn the_audit_table_refuses_edits(env: &TestEnv) {
    seeded_chain(env).await;
    let update = server::on_pool!(env.db(), pool => sqlx::query("UPDATE audit_events SET action = 'x'").execute(pool).await.map(drop));
    let delete = server::on_pool!(env.db(), pool => sqlx::query("DELETE FROM audit_events").execute(pool).await.map(drop));
    assert!(update.is_err() && delete.is_err());
}

async fn a_modified_event_breaks_the_chain(env: &TestEnv) {
    let (practice, events) = seeded_chain(env).await;
    assert!(events >= 2, "practice created, details changed: {events}");
    disable_append_only_guard(env).await;
    run_sql(
        env,
        &format!("UPDATE audit_events SET after_json = '{{\"name\":\"Forged\"}}' WHERE chain = '{practice}' AND chain_seq = 2"),
    )
    .await;
    let broken = ChainCheck::Broken {
        chain: practice.to_string(),
        seq: 2,
        reason: "the event was modified",
    };
    assert_eq!(
        audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        broken
    );
    assert_eq!(
        audit::verify_practice(env.db(), &env.backend.audit_key, practice)
            .await
            .unwrap(),
        broken
    );
}

async fn a_deleted_event_breaks_the_chain(env: &TestEnv) {
    seeded_chain(env).await;
    disable_append_only_guard(env).await;
    run_sql(
        env,
        "DELETE FROM audit_events WHERE chain = 'install' AND chain_seq = 1",
    )
    .await;
    assert_eq!(
        audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        ChainCheck::Broken {
            chain: "install".into(),
            seq: 1,
            reason: "an event is missing"
        }
    );
}

async fn deleting_the_newest_events_is_noticed(env: &TestEnv) {
    let (practice, events) = seeded_chain(env).await;
    disable_append_only_guard(env).await;
    run_sql(
        env,
        &format!("DELETE FROM audit_events WHERE chain = '{practice}' AND chain_seq = {events}"),
    )
    .await;
    assert_eq!(
        audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        ChainCheck::Broken {
            chain: practice.to_string(),
            seq: events,
            reason: "the newest events are missing"
        }
    );
}

/// Each practice's events are a chain of their own: a break in one practice
/// is reported there and leaves the other's check intact; an event moved to
/// another chain is missed by both.
async fn each_practice_has_its_own_chain(env: &TestEnv) {
    let (harbour, _) = seeded_chain(env).await;
    let ben = person(env, "ben@example.org").await;
    let hillside = open_practice(env, ben, "Hillside").await;
    practices::update_details(
        &env.backend,
        &caller("10.0.0.2"),
        ben,
        hillside,
        &form("Hillside Health"),
    )
    .await
    .unwrap();
    let chain_of = |p: PracticeId| async move {
        server::on_pool!(env.db(), pool => {
            sqlx::query_as::<_, (i64, i64)>("SELECT MIN(chain_seq), MAX(chain_seq) FROM audit_events WHERE chain = $1 AND practice_id = $1")
                .bind(p.to_string())
                .fetch_one(pool)
                .await
        })
        .unwrap()
    };
    assert_eq!(chain_of(harbour).await.0, 1, "Harbour's chain starts at 1");
    assert_eq!(
        chain_of(hillside).await.0,
        1,
        "so does Hillside's, beside it"
    );
    disable_append_only_guard(env).await;
    run_sql(
        env,
        &format!("UPDATE audit_events SET target = 'forged' WHERE chain = '{hillside}' AND chain_seq = 1"),
    )
    .await;
    let key = &env.backend.audit_key;
    assert!(matches!(
        audit::verify_practice(env.db(), key, harbour)
            .await
            .unwrap(),
        ChainCheck::Intact { .. }
    ));
    assert_eq!(
        audit::verify_practice(env.db(), key, hillside)
            .await
            .unwrap(),
        ChainCheck::Broken {
            chain: hillside.to_string(),
            seq: 1,
            reason: "the event was modified"
        }
    );
}

async fn concurrent_changes_keep_one_chain(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let backend = env.backend.clone();
        tasks.push(tokio::spawn(async move {
            practices::update_details(
                &backend,
                &caller("10.0.0.1"),
                ada,
                practice,
                &form(&format!("Name {i}")),
            )
            .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert!(matches!(
        audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        ChainCheck::Intact { .. }
    ));
}

/// Settings → Details sets how long staff invitations work; the next
/// invitation's link lasts exactly that; only Owners and Admins change it.
async fn the_staff_invitation_validity_is_set_once_and_used_by_the_next_invitation(env: &TestEnv) {
    use shared::invitation::{InviteRequest, InviteSource, Validity};
    let ada = person(env, "ada@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    assert_eq!(
        practices::invitation_validity(&env.backend, ada, practice)
            .await
            .unwrap(),
        Validity::Days(1)
    );
    let who = caller("10.0.0.1");
    let set = |by, validity| {
        practices::set_invitation_validity(&env.backend, &who, by, practice, validity)
    };
    assert_eq!(
        set(ada, Validity::Days(3)).await.unwrap(),
        Validity::Days(3)
    );
    for wrong in [Validity::Days(31), Validity::Hours(0)] {
        assert!(
            matches!(set(ada, wrong).await, Err(ServiceError::Validation(e)) if e.get("validity").is_some())
        );
    }
    let bob = person(env, "bob@example.org").await;
    add_member(env, practice, bob, Role::Practitioner).await;
    assert!(matches!(
        set(bob, Validity::Hours(1)).await,
        Err(ServiceError::Forbidden)
    ));

    let request = InviteRequest {
        source: InviteSource::Typed("carla@example.org".into()),
        role: Role::Practitioner,
        validity_hours: None,
    };
    server::invitations::invite(&env.backend, &caller("10.0.0.1"), ada, practice, &request)
        .await
        .unwrap();
    let (sent, expires): (i64, i64) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT sent_at, expires_at FROM invitations WHERE email = 'carla@example.org'").fetch_one(pool).await
    })
    .unwrap();
    assert_eq!(expires - sent, 72 * 3_600_000);
    let events = audit::list_for_practice(env.db(), practice, 5)
        .await
        .unwrap();
    let change = events
        .iter()
        .find(|e| e.action == "practice.invitation_validity_changed")
        .unwrap();
    assert_eq!(
        change.before_json.as_deref(),
        Some(r#"{"staff_invite_validity_hours":24}"#)
    );
    assert_eq!(
        change.after_json.as_deref(),
        Some(r#"{"staff_invite_validity_hours":72}"#)
    );
}

on_both_backends!(
    the_staff_invitation_validity_is_set_once_and_used_by_the_next_invitation,
    the_creator_owns_the_practice_and_edits_its_details,
    bad_details_are_refused_field_by_field,
    only_owners_and_admins_change_settings,
    another_practice_is_invisible_by_id,
    the_audit_table_refuses_edits,
    a_modified_event_breaks_the_chain,
    a_deleted_event_breaks_the_chain,
    deleting_the_newest_events_is_noticed,
    each_practice_has_its_own_chain,
    concurrent_changes_keep_one_chain,
);
