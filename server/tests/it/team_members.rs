//! Changing people on the team (product.md §3 invariants, §4): each change by
//! an Owner or Admin with its audit event, every refusal the role table and the
//! invariants demand, sessions that end with suspension and removal, and two
//! admins demoting each other at the same moment.

use crate::support::{
    add_member, caller, one_with_each_role, open_practice, person, signed_in, TestEnv,
    NOT_TEAM_MANAGERS,
};
use server::audit::{self, ChainCheck};
use server::error::ServiceError;
use server::{memberships, practices, sessions};
use shared::ids::{AccountId, PracticeId};
use shared::membership::{ChangeRefused, MemberChange};
use shared::roles::{AccessLevel, MembershipStatus, Role};

async fn change(
    env: &TestEnv,
    by: AccountId,
    practice: PracticeId,
    member: AccountId,
    change: MemberChange,
) -> Result<(), ServiceError> {
    memberships::change(
        &env.backend,
        &caller("10.0.0.2"),
        by,
        practice,
        member,
        change,
    )
    .await
}

/// The member's role and status as the server reads them, or `None` when gone.
async fn place(
    env: &TestEnv,
    practice: PracticeId,
    member: AccountId,
) -> Option<(Role, MembershipStatus)> {
    server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT role, status FROM memberships WHERE practice_id = $1 AND account_id = $2")
            .bind(practice)
            .bind(member)
            .fetch_optional(pool)
            .await
    })
    .unwrap()
}

async fn an_admin_promotes_demotes_suspends_reactivates_and_removes_each_audited(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bob = person(env, "bob@example.org").await;
    let cara = person(env, "cara@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    add_member(env, practice, bob, Role::Practitioner).await;
    add_member(env, practice, cara, Role::Staff(AccessLevel::ReadOnly)).await;

    change(env, ada, practice, bob, MemberChange::Role(Role::Admin))
        .await
        .unwrap();
    assert_eq!(
        place(env, practice, bob).await,
        Some((Role::Admin, MembershipStatus::Active))
    );
    // The new Admin manages the team at once.
    let full = Role::Staff(AccessLevel::Full);
    change(env, bob, practice, cara, MemberChange::Role(full))
        .await
        .unwrap();
    change(env, bob, practice, cara, MemberChange::Suspend)
        .await
        .unwrap();
    assert_eq!(
        place(env, practice, cara).await,
        Some((full, MembershipStatus::Suspended))
    );
    // Reactivation restores the role held before the suspension.
    change(env, bob, practice, cara, MemberChange::Reactivate)
        .await
        .unwrap();
    assert_eq!(
        place(env, practice, cara).await,
        Some((full, MembershipStatus::Active))
    );
    change(
        env,
        ada,
        practice,
        bob,
        MemberChange::Role(Role::Practitioner),
    )
    .await
    .unwrap();
    change(env, ada, practice, cara, MemberChange::Remove)
        .await
        .unwrap();
    assert_eq!(place(env, practice, cara).await, None);

    let events = audit::list_for_practice(env.db(), practice, 10)
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "practice.created",
            "member.role_changed",
            "member.role_changed",
            "member.suspended",
            "member.reactivated",
            "member.role_changed",
            "member.removed",
        ]
    );
    let promotion = &events[5];
    assert_eq!(promotion.target, bob.to_string());
    assert_eq!(
        promotion.actor_id.as_deref(),
        Some(ada.to_string().as_str())
    );
    assert!(promotion
        .before_json
        .as_deref()
        .unwrap()
        .contains("Practitioner"));
    assert!(promotion.after_json.as_deref().unwrap().contains("Admin"));
    assert_eq!(events[0].after_json, None, "a removal has nothing after it");
    assert!(matches!(
        audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        ChainCheck::Intact { .. }
    ));
}

async fn suspension_and_removal_end_sessions_and_leave_nothing_to_do(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let (bob, session) = signed_in(env, "bob@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    add_member(env, practice, bob, Role::Admin).await;
    let now = env.backend.now_ms();
    assert!(sessions::resolve(env.db(), &session, now)
        .await
        .unwrap()
        .is_some());

    change(env, ada, practice, bob, MemberChange::Suspend)
        .await
        .unwrap();
    assert!(
        sessions::resolve(env.db(), &session, now)
            .await
            .unwrap()
            .is_none(),
        "the suspended person's session ended with the suspension"
    );
    // Called directly, as a script with a stolen session would: nothing works.
    assert!(matches!(
        server::team::view(&env.backend, bob, practice, &Default::default()).await,
        Err(ServiceError::Suspended)
    ));
    assert!(matches!(
        change(env, bob, practice, ada, MemberChange::Suspend).await,
        Err(ServiceError::Suspended)
    ));
    assert!(matches!(
        practices::place(&env.backend, bob, practice).await,
        Err(ServiceError::Suspended)
    ));

    change(env, ada, practice, bob, MemberChange::Reactivate)
        .await
        .unwrap();
    assert!(
        server::team::view(&env.backend, bob, practice, &Default::default())
            .await
            .is_ok()
    );
    // Bob's browser is one the practice trusts (as if he had accepted an invitation there).
    let mut tx = env.db().begin().await.unwrap();
    server::devices::trust(&mut tx, &caller("10.0.0.3"), bob, practice, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, again) = server::accounts::log_in(
        &env.backend,
        &caller("10.0.0.3"),
        &shared::validation::LoginForm {
            login: "bob@example.org".into(),
            password: crate::support::PASSWORD.into(),
        },
        None,
    )
    .await
    .unwrap()
    .session()
    .expect("a trusted browser gets a session");
    change(env, ada, practice, bob, MemberChange::Remove)
        .await
        .unwrap();
    assert!(sessions::resolve(env.db(), &again, now)
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        server::team::view(&env.backend, bob, practice, &Default::default()).await,
        Err(ServiceError::NotFound)
    ));
}

async fn every_forbidden_change_is_refused_by_the_server(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let admin = person(env, "admin@example.org").await;
    let target = person(env, "target@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    add_member(env, practice, admin, Role::Admin).await;
    add_member(env, practice, target, Role::Staff(AccessLevel::ReadOnly)).await;
    let promote = MemberChange::Role(Role::Practitioner);

    for (role, someone) in one_with_each_role(env, practice, &NOT_TEAM_MANAGERS).await {
        for attempt in [promote, MemberChange::Suspend, MemberChange::Remove] {
            assert!(
                matches!(
                    change(env, someone, practice, target, attempt).await,
                    Err(ServiceError::Forbidden)
                ),
                "{role:?} tried {attempt:?}"
            );
        }
    }
    // Not a member; and a member of another practice reaching in by id.
    let stranger = person(env, "stranger@example.org").await;
    assert!(matches!(
        change(env, stranger, practice, target, promote).await,
        Err(ServiceError::NotFound)
    ));
    let other = open_practice(env, stranger, "Other Clinic").await;
    assert!(matches!(
        change(env, stranger, other, target, promote).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        change(env, admin, other, target, promote).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        change(env, admin, practice, stranger, promote).await,
        Err(ServiceError::NotFound)
    ));

    // The invariants, each with its reason.
    let refused = |reason: ChangeRefused| move |r: Result<(), ServiceError>| matches!(r, Err(ServiceError::Refused(x)) if x == reason);
    for attempt in [
        MemberChange::Role(Role::Admin),
        MemberChange::Suspend,
        MemberChange::Remove,
    ] {
        assert!(refused(ChangeRefused::Owner)(
            change(env, admin, practice, ada, attempt).await
        ));
        assert!(refused(ChangeRefused::Yourself)(
            change(env, admin, practice, admin, attempt).await
        ));
    }
    assert!(refused(ChangeRefused::AboveYou)(
        change(
            env,
            admin,
            practice,
            target,
            MemberChange::Role(Role::Owner)
        )
        .await
    ));
    assert!(refused(ChangeRefused::Unchanged)(
        change(env, admin, practice, target, MemberChange::Reactivate).await
    ));

    // Nothing above was written: the owner, the admin and the target are as they were.
    assert_eq!(
        place(env, practice, ada).await,
        Some((Role::Owner, MembershipStatus::Active))
    );
    assert_eq!(
        place(env, practice, admin).await,
        Some((Role::Admin, MembershipStatus::Active))
    );
    assert_eq!(
        place(env, practice, target).await,
        Some((Role::Staff(AccessLevel::ReadOnly), MembershipStatus::Active))
    );
    let events = audit::list_for_practice(env.db(), practice, 10)
        .await
        .unwrap();
    assert!(events.iter().all(|e| !e.action.starts_with("member.")));
}

/// Two admins demote each other at the same moment, 200 times: the practice
/// lock lets one go first, and the other is then no longer an admin, so
/// exactly one wins each round and the team never loses both.
async fn two_admins_demoting_each_other_at_once_never_both_win(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bob = person(env, "bob@example.org").await;
    let cara = person(env, "cara@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    add_member(env, practice, bob, Role::Admin).await;
    add_member(env, practice, cara, Role::Admin).await;
    let demote = MemberChange::Role(Role::Practitioner);
    let mut wins = [0; 2];
    for round in 0..200 {
        let (by_bob, by_cara) = tokio::join!(
            change(env, bob, practice, cara, demote),
            change(env, cara, practice, bob, demote)
        );
        let admins = [
            place(env, practice, bob).await.unwrap().0 == Role::Admin,
            place(env, practice, cara).await.unwrap().0 == Role::Admin,
        ];
        match (by_bob, by_cara) {
            (Ok(()), Err(ServiceError::Forbidden)) => {
                assert_eq!(admins, [true, false], "round {round}");
                wins[0] += 1;
                change(env, ada, practice, cara, MemberChange::Role(Role::Admin))
                    .await
                    .unwrap();
            }
            (Err(ServiceError::Forbidden), Ok(())) => {
                assert_eq!(admins, [false, true], "round {round}");
                wins[1] += 1;
                change(env, ada, practice, bob, MemberChange::Role(Role::Admin))
                    .await
                    .unwrap();
            }
            other => panic!("round {round}: not exactly one winner: {other:?}"),
        }
    }
    println!("bob won {} rounds, cara {}", wins[0], wins[1]);
}

async fn the_owner_hands_the_practice_over_and_becomes_an_admin(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bob = person(env, "bob@example.org").await;
    let cara = person(env, "cara@example.org").await;
    let practice = open_practice(env, ada, "Harbour Clinic").await;
    add_member(env, practice, bob, Role::Practitioner).await;
    add_member(env, practice, cara, Role::Admin).await;

    // Only the Owner transfers, and only to an active member.
    assert!(matches!(
        change(env, cara, practice, bob, MemberChange::TransferOwnership).await,
        Err(ServiceError::Refused(ChangeRefused::OwnerOnly))
    ));
    change(env, ada, practice, bob, MemberChange::Suspend)
        .await
        .unwrap();
    assert!(matches!(
        change(env, ada, practice, bob, MemberChange::TransferOwnership).await,
        Err(ServiceError::Refused(ChangeRefused::NotActive))
    ));
    change(env, ada, practice, bob, MemberChange::Reactivate)
        .await
        .unwrap();

    change(env, ada, practice, bob, MemberChange::TransferOwnership)
        .await
        .unwrap();
    assert_eq!(
        place(env, practice, bob).await,
        Some((Role::Owner, MembershipStatus::Active))
    );
    assert_eq!(
        place(env, practice, ada).await,
        Some((Role::Admin, MembershipStatus::Active))
    );
    let (owners,): (i64,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE practice_id = $1 AND role = 'owner'")
            .bind(practice)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(owners, 1);
    // The old Owner is an Admin now: no second transfer, and the new Owner is out of reach.
    assert!(matches!(
        change(env, ada, practice, cara, MemberChange::TransferOwnership).await,
        Err(ServiceError::Refused(ChangeRefused::OwnerOnly))
    ));
    assert!(matches!(
        change(env, ada, practice, bob, MemberChange::Suspend).await,
        Err(ServiceError::Refused(ChangeRefused::Owner))
    ));
    let (action, before, after): (String, String, String) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT action, before_json, after_json FROM audit_events WHERE practice_id = $1 AND action = 'practice.ownership_transferred'")
            .bind(practice)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(action, "practice.ownership_transferred");
    assert!(before.contains(&ada.to_string()) && after.contains(&bob.to_string()));
}

on_both_backends!(
    the_owner_hands_the_practice_over_and_becomes_an_admin,
    an_admin_promotes_demotes_suspends_reactivates_and_removes_each_audited,
    suspension_and_removal_end_sessions_and_leave_nothing_to_do,
    every_forbidden_change_is_refused_by_the_server,
    two_admins_demoting_each_other_at_once_never_both_win,
);
