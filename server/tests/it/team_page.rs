//! The Team page's lists (product.md §4, ui.md "long lists page on the
//! server"): one page at a time, searched by name, email or username in any
//! case, filtered by role and status, never showing another practice's people.

use crate::support::{caller, open_practice, person, TestEnv};
use server::team;
use shared::ids::{AccountId, PracticeId};
use shared::invitation::{InvitationStatus, InviteRequest, InviteSource};
use shared::membership::Flag;
use shared::roles::{AccessLevel, MembershipStatus, Role};
use shared::team::{TeamQuery, TeamStatus, TeamView, PAGE_SIZE};

/// Puts `n` people on the team without the invitation round trip: "Member 000"
/// … with `member<i>@<domain>`, roles in turn Practitioner, Staff (Read only),
/// Admin; every tenth suspended.
async fn seed_members(env: &TestEnv, practice: PracticeId, domain: &str, n: usize) {
    let roles = [
        Role::Practitioner,
        Role::Staff(AccessLevel::ReadOnly),
        Role::Admin,
    ];
    for i in 0..n {
        let account = uuid::Uuid::new_v4().to_string();
        let status = if i % 10 == 9 {
            MembershipStatus::Suspended
        } else {
            MembershipStatus::Active
        };
        server::on_pool!(env.db(), pool => async {
            sqlx::query("INSERT INTO accounts (id, email, full_name, password_hash, created_at) VALUES ($1, $2, $3, 'not-a-hash', 0)")
                .bind(&account)
                .bind(format!("member{i}@{domain}"))
                .bind(format!("Member {i:03}"))
                .execute(pool)
                .await?;
            sqlx::query("INSERT INTO memberships (id, practice_id, account_id, role, status, created_at) VALUES ($1, $2, $3, $4, $5, 0)")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(practice)
                .bind(&account)
                .bind(roles[i % 3])
                .bind(status)
                .execute(pool)
                .await?;
            Ok::<_, sqlx::Error>(())
        }
        .await)
        .unwrap();
    }
}

async fn list(env: &TestEnv, owner: AccountId, practice: PracticeId, query: TeamQuery) -> TeamView {
    team::view(&env.backend, owner, practice, &query)
        .await
        .unwrap()
}

fn search(text: &str) -> TeamQuery {
    TeamQuery {
        search: text.into(),
        ..TeamQuery::default()
    }
}

async fn the_team_page_pages_searches_and_filters_on_the_server(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    seed_members(env, practice, "harbour.example", 120).await;
    // Another practice's people never show, whatever the search.
    let rival = person(env, "rival@example.org").await;
    let other = open_practice(env, rival, "Other Clinic").await;
    seed_members(env, other, "other.example", 30).await;

    let first = list(env, owner, practice, TeamQuery::default()).await;
    assert_eq!(
        (first.members.rows.len(), first.members.total),
        (PAGE_SIZE as usize, 121)
    );
    assert_eq!(first.members.rows[0].full_name, "Member 000");
    assert_eq!(first.members.rows[0].last_login, None, "never logged in");
    let me = list(env, owner, practice, search("owner@"))
        .await
        .members
        .rows;
    assert!(
        me[0].you && me[0].last_login.is_some(),
        "the owner logged in by confirming the sign-up"
    );
    assert!(first.members.has_next() && !first.members.has_previous());
    let last = list(
        env,
        owner,
        practice,
        TeamQuery {
            members_page: 2,
            ..TeamQuery::default()
        },
    )
    .await;
    assert_eq!(last.members.rows.len(), 21);
    assert_eq!(last.members.range(), "101–121 of 121");
    assert!(!last.members.has_next());
    // The owner and the 40 seeded Admins, less the suspended ones among them.
    let admins_suspended = (0..120).filter(|i| i % 3 == 2 && i % 10 == 9).count() as u64;
    assert_eq!(first.active_admins, 1 + 40 - admins_suspended);

    // Name, email and username, in any case; wildcards are only characters.
    let names = list(env, owner, practice, search("MEMBER 01")).await;
    assert_eq!(names.members.total, 10, "Member 010 … Member 019");
    let email = list(env, owner, practice, search("member7@harbour")).await;
    assert_eq!(email.members.rows.len(), 1);
    assert_eq!(email.members.rows[0].full_name, "Member 007");
    for wildcard in ["%", "_", "member_7@"] {
        assert_eq!(
            list(env, owner, practice, search(wildcard))
                .await
                .members
                .total,
            0,
            "{wildcard}"
        );
    }

    // Role and status filters, alone and together.
    let staff = TeamQuery {
        role: Some(Role::Staff(AccessLevel::ReadOnly)),
        ..TeamQuery::default()
    };
    assert_eq!(
        list(env, owner, practice, staff.clone())
            .await
            .members
            .total,
        40
    );
    let suspended_staff = TeamQuery {
        status: Some(TeamStatus::Member(MembershipStatus::Suspended)),
        ..staff
    };
    let found = list(env, owner, practice, suspended_staff).await;
    assert_eq!(
        found.members.total,
        (0..120).filter(|i| i % 3 == 1 && i % 10 == 9).count() as u64
    );
    assert!(found
        .members
        .rows
        .iter()
        .all(|m| m.status == MembershipStatus::Suspended));
    assert_eq!(
        found.invitations.total, 0,
        "a member status shows no invitations"
    );

    // A flag: only the owner signs forms (the seeded members hold no flags).
    let signers = list(
        env,
        owner,
        practice,
        TeamQuery {
            flag: Some(Flag::CanSignForms),
            ..TeamQuery::default()
        },
    )
    .await;
    assert_eq!(signers.members.total, 1);
    assert!(signers.members.rows[0].you);
    let flags = &signers.members.rows[0].flags;
    assert!(
        flags.can_sign_forms && !flags.default_doctor,
        "each flag is read as itself on both databases: {flags:?}"
    );
    assert_eq!(signers.invitations.total, 0, "invitations carry no flags");
    let doctors = TeamQuery {
        flag: Some(Flag::DefaultDoctor),
        ..TeamQuery::default()
    };
    assert_eq!(list(env, owner, practice, doctors).await.members.total, 0);
}

async fn invitations_page_and_filter_by_status_including_expiry(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let invite = |text: String, hours: i64| InviteRequest {
        source: InviteSource::Typed(text),
        role: Role::Practitioner,
        validity_hours: Some(hours),
    };
    let early: String = (0..30).map(|i| format!("early{i}@example.org\n")).collect();
    server::invitations::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &invite(early, 24),
    )
    .await
    .unwrap();
    env.advance(chrono::Duration::hours(2));
    let late: String = (0..40).map(|i| format!("late{i}@example.org\n")).collect();
    server::invitations::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &invite(late, 72),
    )
    .await
    .unwrap();
    env.advance(chrono::Duration::hours(23));

    let all = list(env, owner, practice, TeamQuery::default()).await;
    assert_eq!(
        (all.invitations.rows.len(), all.invitations.total),
        (PAGE_SIZE as usize, 70)
    );
    assert!(
        all.invitations.rows[0].email.as_str().starts_with("late"),
        "newest first"
    );
    let status = |s| TeamQuery {
        status: Some(TeamStatus::Invitation(s)),
        ..TeamQuery::default()
    };
    let expired = list(env, owner, practice, status(InvitationStatus::Expired)).await;
    assert_eq!(expired.invitations.total, 30);
    assert!(expired
        .invitations
        .rows
        .iter()
        .all(|i| i.status == InvitationStatus::Expired));
    assert_eq!(
        expired.members.total, 0,
        "an invitation status shows no members"
    );
    let live = list(env, owner, practice, status(InvitationStatus::Invited)).await;
    assert_eq!(live.invitations.total, 40);
    let searched = list(env, owner, practice, search("LATE3")).await;
    assert_eq!(searched.invitations.total, 11, "late3 and late30 … late39");
}

on_both_backends!(
    the_team_page_pages_searches_and_filters_on_the_server,
    invitations_page_and_filter_by_status_including_expiry,
);
