//! Team invitations on a real database: lists and CSV files, the report,
//! resend, revoke, accept, reject, expiry, the join link, and every refusal.

use crate::support::{caller, link_param, person, TestEnv};
use chrono::Duration;
use server::error::{LinkProblem, ServiceError};
use server::{invitations, join, practices, sessions, team};
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::{
    InvitationStatus, InviteOutcome, InviteReportRow, InviteRequest, InviteSource,
};
use shared::roles::{AccessLevel, Role};
use shared::team::{JoinLinkChange, JoinOutcome, RequestDecision};
use shared::validation::PracticeForm;

async fn signed_in(env: &TestEnv, email: &str) -> sessions::SignedIn {
    let account = person(env, email).await;
    sessions::SignedIn {
        account,
        full_name: email.into(),
        email: Some(email.parse().unwrap()),
        must_change_password: false,
    }
}

async fn practice_of(env: &TestEnv, owner: AccountId, name: &str) -> PracticeId {
    let form = PracticeForm {
        name: name.into(),
        contact_email: "desk@harbour.example".into(),
        time_zone: "Europe/Oslo".into(),
    };
    practices::create(&env.backend, &caller("10.0.0.1"), owner, &form)
        .await
        .unwrap()
}

fn typed(text: &str) -> InviteRequest {
    InviteRequest {
        source: InviteSource::Typed(text.into()),
        role: Role::Practitioner,
        validity_hours: None,
    }
}

async fn invite(
    env: &TestEnv,
    by: AccountId,
    practice: PracticeId,
    request: InviteRequest,
) -> Result<Vec<InviteReportRow>, ServiceError> {
    invitations::invite(&env.backend, &caller("10.0.0.1"), by, practice, &request).await
}

/// The token of the newest invitation emailed to `to`.
async fn token_for(env: &TestEnv, to: &str) -> String {
    link_param(&env.last_mail_to(to).await.body_text, "token")
}

async fn owner_and_practice(env: &TestEnv) -> (AccountId, PracticeId) {
    let owner = person(env, "owner@example.org").await;
    let practice = practice_of(env, owner, "Harbour Clinic").await;
    (owner, practice)
}

async fn a_mixed_list_is_reported_entry_by_entry(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("pending@example.org"))
        .await
        .unwrap();
    let before = env.mails().await.len();
    let report = invite(
        env,
        owner,
        practice,
        typed("ada@example.org, grace@example.org;bob@example.org carl@example.org\nnot-an-address; ADA@example.org owner@example.org pending@example.org"),
    )
    .await
    .unwrap();
    let outcomes: Vec<(&str, &InviteOutcome)> = report
        .iter()
        .map(|r| (r.text.as_str(), &r.outcome))
        .collect();
    assert_eq!(outcomes.len(), 8, "every entry once: {outcomes:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|(_, o)| **o == InviteOutcome::Invited)
            .count(),
        4
    );
    assert!(
        matches!(outcomes[4], ("not-an-address", InviteOutcome::Invalid(reason)) if reason.contains('@'))
    );
    assert_eq!(outcomes[5], ("ADA@example.org", &InviteOutcome::Duplicate));
    assert_eq!(
        outcomes[6],
        ("owner@example.org", &InviteOutcome::AlreadyMember)
    );
    assert!(matches!(
        outcomes[7],
        ("pending@example.org", InviteOutcome::AlreadyInvited(_))
    ));
    // One email per new invitee, each with Accept and Reject.
    let mails = env.mails().await;
    assert_eq!(mails.len(), before + 4);
    let ada = env.last_mail_to("ada@example.org").await;
    assert_eq!(
        ada.subject,
        "Person owner invited you to join Harbour Clinic on Carekeys"
    );
    assert!(ada
        .body_text
        .contains("Accept: http://carekeys.test/invitation?token="));
    assert!(ada.body_text.contains("&answer=reject"));
    let events = server::audit::list_for_practice(env.db(), practice, 100)
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "invitation.created")
            .count(),
        5
    );
    let view = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap();
    assert_eq!(view.invitations.rows.len(), 5);
    assert!(view
        .invitations
        .rows
        .iter()
        .all(|i| i.status == InvitationStatus::Invited && i.delivery.as_deref() == Some("Queued")));
}

async fn a_csv_with_header_bom_and_semicolons_invites_its_rows(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    let csv = "\u{feff}Name;Email;Position\nAda;ada@example.org;Doctor\n\"Hopper; Grace\";grace@example.org;Hygienist\n";
    let request = InviteRequest {
        source: InviteSource::Csv(csv.into()),
        role: Role::Practitioner,
        validity_hours: Some(48),
    };
    let report = invite(env, owner, practice, request).await.unwrap();
    assert_eq!(
        report
            .iter()
            .map(|r| (r.line, &r.outcome))
            .collect::<Vec<_>>(),
        [(2, &InviteOutcome::Invited), (3, &InviteOutcome::Invited)]
    );
    // The batch's own validity: 48 hours, not the practice's 24.
    env.advance(Duration::hours(47));
    let token = token_for(env, "grace@example.org").await;
    assert_eq!(
        invitations::view(&env.backend, &token)
            .await
            .unwrap()
            .status,
        InvitationStatus::Invited
    );
}

async fn bad_files_and_addresses_are_refused_clearly(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    let csv = |text: String| InviteRequest {
        source: InviteSource::Csv(text),
        role: Role::Practitioner,
        validity_hours: None,
    };
    let field_error = |r: Result<Vec<InviteReportRow>, ServiceError>| match r {
        Err(ServiceError::Validation(e)) => e
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<String>(),
        other => panic!("expected a field error, got {other:?}"),
    };
    let six_mb = format!(
        "email\n{}",
        "someone@example.org\n".repeat(6 * 1024 * 1024 / 20)
    );
    assert!(field_error(invite(env, owner, practice, csv(six_mb)).await)
        .starts_with("file: The file is larger than 5 MB"));
    let binary = String::from_utf8_lossy(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").into_owned();
    assert!(
        field_error(invite(env, owner, practice, csv(binary)).await).contains("not a text file")
    );
    let rows = (0..50_001)
        .map(|i| format!("p{i}@example.org"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        field_error(invite(env, owner, practice, csv(rows)).await).contains("more than 50000 rows")
    );
    assert!(
        field_error(invite(env, owner, practice, typed(" ;, ")).await).starts_with("addresses: ")
    );
    let too_long = format!("{}@example.org", "a".repeat(300));
    let formula =
        "email\nok@example.org\n\"=HYPERLINK(\"\"mailto:evil@example.org\"\",\"\"x\"\")\"\n";
    let report = invite(env, owner, practice, csv(formula.into()))
        .await
        .unwrap();
    assert_eq!(
        report[1].outcome,
        InviteOutcome::Invalid("This is a spreadsheet formula, not an address.".into())
    );
    assert!(report[1].address.is_none());
    let report = invite(env, owner, practice, typed(&too_long))
        .await
        .unwrap();
    assert!(matches!(&report[0].outcome, InviteOutcome::Invalid(r) if r.contains("at most 254")));
    assert!(env
        .mails()
        .await
        .iter()
        .all(|m| m.to_address != "evil@example.org"));
    let invalid_validity = InviteRequest {
        validity_hours: Some(0),
        ..typed("x@example.org")
    };
    assert!(
        field_error(invite(env, owner, practice, invalid_validity).await).starts_with("validity: ")
    );
}

async fn only_owners_and_admins_invite_or_revoke(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("pending@example.org"))
        .await
        .unwrap();
    let pending = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap()
        .invitations
        .rows[0]
        .id;
    let roles = [
        Role::Practitioner,
        Role::Staff(AccessLevel::Full),
        Role::Staff(AccessLevel::ReadWrite),
        Role::Staff(AccessLevel::ReadOnly),
    ];
    for (i, role) in roles.into_iter().enumerate() {
        let email = format!("member{i}@example.org");
        invite(
            env,
            owner,
            practice,
            InviteRequest {
                role,
                ..typed(&email)
            },
        )
        .await
        .unwrap();
        let token = token_for(env, &email).await;
        let member = signed_in(env, &email).await;
        invitations::accept(&env.backend, &caller("10.0.0.2"), &member, &token)
            .await
            .unwrap();
        let refused = invite(env, member.account, practice, typed("friend@example.org")).await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{role:?} invited"
        );
        let refused = invitations::revoke(
            &env.backend,
            &caller("10.0.0.2"),
            member.account,
            practice,
            &[pending],
        )
        .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{role:?} revoked"
        );
        let refused = invitations::resend(
            &env.backend,
            &caller("10.0.0.2"),
            member.account,
            practice,
            &[pending],
        )
        .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden)),
            "{role:?} resent"
        );
        assert!(matches!(
            team::view(&env.backend, member.account, practice, &Default::default()).await,
            Err(ServiceError::Forbidden)
        ));
    }
    assert!(env
        .mails()
        .await
        .iter()
        .all(|m| m.to_address != "friend@example.org"));
    // An admin cannot offer a role above their own.
    let owner_role = InviteRequest {
        role: Role::Owner,
        ..typed("boss@example.org")
    };
    assert!(
        matches!(invite(env, owner, practice, owner_role).await, Err(ServiceError::Validation(e)) if e.get("role").is_some())
    );
}

async fn another_practices_invitations_are_out_of_reach(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("ada@example.org"))
        .await
        .unwrap();
    let theirs = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap()
        .invitations
        .rows[0]
        .id;
    let rival = person(env, "rival@example.org").await;
    let other = practice_of(env, rival, "Hill Clinic").await;
    for result in [
        invitations::revoke(&env.backend, &caller("10.0.0.9"), rival, other, &[theirs]).await,
        invitations::resend(&env.backend, &caller("10.0.0.9"), rival, other, &[theirs]).await,
        invitations::revoke(
            &env.backend,
            &caller("10.0.0.9"),
            rival,
            practice,
            &[theirs],
        )
        .await,
    ] {
        assert!(
            matches!(
                result,
                Err(ServiceError::NotFound | ServiceError::Forbidden)
            ),
            "{result:?}"
        );
    }
    assert!(team::view(&env.backend, rival, other, &Default::default())
        .await
        .unwrap()
        .invitations
        .rows
        .is_empty());
    assert!(matches!(
        team::view(&env.backend, rival, practice, &Default::default()).await,
        Err(ServiceError::NotFound)
    ));
    let made_up = InvitationId::from_uuid(uuid::Uuid::new_v4());
    assert!(matches!(
        invitations::revoke(
            &env.backend,
            &caller("10.0.0.1"),
            owner,
            practice,
            &[made_up]
        )
        .await,
        Err(ServiceError::NotFound)
    ));
}

async fn accepting_makes_a_practitioner_once(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("ada@example.org"))
        .await
        .unwrap();
    let token = token_for(env, "ada@example.org").await;
    let view = invitations::view(&env.backend, &token).await.unwrap();
    assert_eq!(
        (view.practice_name.as_str(), view.role, view.has_account),
        ("Harbour Clinic", Role::Practitioner, false)
    );
    let session = invitations::sign_up_invitee(
        &env.backend,
        &caller("10.0.0.3"),
        &token,
        "Ada Lovelace",
        "correct horse battery",
        None,
    )
    .await
    .unwrap();
    let ada = sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap();
    // Two tabs accept at once: one membership.
    let from = caller("10.0.0.3");
    let (a, b) = tokio::join!(
        invitations::accept(&env.backend, &from, &ada, &token),
        invitations::accept(&env.backend, &from, &ada, &token)
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].into_iter().filter(|ok| *ok).count(),
        1
    );
    let reused = invitations::accept(&env.backend, &from, &ada, &token).await;
    assert!(matches!(reused, Err(ServiceError::Link(LinkProblem::Used))));
    let mine = practices::list_for(&env.backend, ada.account)
        .await
        .unwrap();
    assert_eq!(
        mine.iter().map(|p| (p.id, p.role)).collect::<Vec<_>>(),
        [(practice, Role::Practitioner)]
    );
    let view = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap();
    assert_eq!(view.members.rows.len(), 2);
    assert_eq!(
        view.invitations.rows[0].status,
        InvitationStatus::Accepted,
        "shown as Approved"
    );
}

async fn a_link_for_someone_else_is_refused(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("ada@example.org"))
        .await
        .unwrap();
    let token = token_for(env, "ada@example.org").await;
    let mallory = signed_in(env, "mallory@example.org").await;
    let refused = invitations::accept(&env.backend, &caller("10.0.0.4"), &mallory, &token).await;
    assert!(matches!(refused, Err(ServiceError::Forbidden)));
    assert!(practices::list_for(&env.backend, mallory.account)
        .await
        .unwrap()
        .is_empty());
    let signup = invitations::sign_up_invitee(
        &env.backend,
        &caller("10.0.0.4"),
        "forged",
        "M",
        "correct horse battery",
        None,
    )
    .await;
    assert!(matches!(
        signup,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));
}

async fn rejecting_needs_no_account_and_is_recorded(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("no@example.org"))
        .await
        .unwrap();
    let token = token_for(env, "no@example.org").await;
    invitations::reject(&env.backend, &caller("10.0.0.5"), &token)
        .await
        .unwrap();
    assert_eq!(
        invitations::view(&env.backend, &token)
            .await
            .unwrap()
            .status,
        InvitationStatus::Rejected
    );
    assert!(matches!(
        invitations::reject(&env.backend, &caller("10.0.0.5"), &token).await,
        Err(ServiceError::Link(LinkProblem::Used))
    ));
    let events = server::audit::list_for_practice(env.db(), practice, 5)
        .await
        .unwrap();
    assert_eq!(events[0].action, "invitation.rejected");
}

async fn expired_links_say_so_and_resend_gives_a_working_one(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("late@example.org"))
        .await
        .unwrap();
    let old = token_for(env, "late@example.org").await;
    env.advance(Duration::hours(24) + Duration::seconds(1));
    assert_eq!(
        invitations::view(&env.backend, &old).await.unwrap().status,
        InvitationStatus::Expired
    );
    let late = signed_in(env, "late@example.org").await;
    assert!(matches!(
        invitations::accept(&env.backend, &caller("10.0.0.6"), &late, &old).await,
        Err(ServiceError::Link(LinkProblem::Expired))
    ));
    let listed = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap()
        .invitations
        .rows;
    assert_eq!(listed[0].status, InvitationStatus::Expired);
    let outcome = invitations::resend(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &[listed[0].id],
    )
    .await
    .unwrap();
    assert_eq!(outcome[0].problem, None);
    let new = token_for(env, "late@example.org").await;
    assert_ne!(new, old);
    assert!(
        matches!(
            invitations::view(&env.backend, &old).await,
            Err(ServiceError::Link(LinkProblem::Unknown))
        ),
        "the old link stops working"
    );
    invitations::accept(&env.backend, &caller("10.0.0.6"), &late, &new)
        .await
        .unwrap();
}

async fn a_resend_offers_only_what_the_sender_may_still_give(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(env, owner, practice, typed("boss@example.org"))
        .await
        .unwrap();
    // An offer nobody may make (ownership moves only by transfer), as an old
    // row or a changed rule could leave it.
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE invitations SET role = 'owner' WHERE email = 'boss@example.org'").execute(pool).await.map(drop)
    })
    .unwrap();
    let listed = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap()
        .invitations
        .rows;
    let mails_before = env.mails().await.len();
    let outcome = invitations::resend(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &[listed[0].id],
    )
    .await
    .unwrap();
    assert_eq!(
        outcome[0].problem.as_deref(),
        Some("You cannot offer the role Owner.")
    );
    assert_eq!(env.mails().await.len(), mails_before, "nothing was sent");
}

async fn revoked_links_stop_working(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    invite(
        env,
        owner,
        practice,
        typed("gone@example.org, kept@example.org"),
    )
    .await
    .unwrap();
    let token = token_for(env, "gone@example.org").await;
    let listed = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap()
        .invitations
        .rows;
    let gone = listed
        .iter()
        .find(|i| i.email.as_str() == "gone@example.org")
        .unwrap()
        .id;
    let outcome = invitations::revoke(&env.backend, &caller("10.0.0.1"), owner, practice, &[gone])
        .await
        .unwrap();
    assert_eq!(outcome[0].problem, None);
    let again = invitations::revoke(&env.backend, &caller("10.0.0.1"), owner, practice, &[gone])
        .await
        .unwrap();
    assert!(again[0]
        .problem
        .as_deref()
        .unwrap()
        .contains("cannot be revoked"));
    let person = signed_in(env, "gone@example.org").await;
    assert!(matches!(
        invitations::accept(&env.backend, &caller("10.0.0.7"), &person, &token).await,
        Err(ServiceError::Link(LinkProblem::Revoked))
    ));
}

async fn the_join_link_lets_people_in_and_regenerating_locks_the_old_one_out(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    assert_eq!(
        join::settings(&env.backend, owner, practice)
            .await
            .unwrap()
            .path,
        None,
        "off by default"
    );
    let on = join::change(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        JoinLinkChange::Enable {
            requires_approval: false,
        },
    )
    .await
    .unwrap();
    let code = on.path.unwrap().trim_start_matches("/join/").to_owned();
    assert!(code.len() >= 43, "at least 256 bits");
    assert_eq!(
        join::view(&env.backend, &code).await.unwrap().practice_name,
        "Harbour Clinic"
    );
    let joiner = signed_in(env, "joiner@example.org").await;
    assert_eq!(
        join::join(&env.backend, &caller("10.0.0.8"), &joiner, &code)
            .await
            .unwrap(),
        JoinOutcome::Joined(practice)
    );
    assert_eq!(
        join::join(&env.backend, &caller("10.0.0.8"), &joiner, &code)
            .await
            .unwrap(),
        JoinOutcome::AlreadyMember(practice)
    );
    assert_eq!(
        practices::list_for(&env.backend, joiner.account)
            .await
            .unwrap()[0]
            .role,
        Role::Practitioner
    );

    let regenerated = join::change(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        JoinLinkChange::Regenerate,
    )
    .await
    .unwrap();
    assert_ne!(
        regenerated.path.as_deref(),
        Some(format!("/join/{code}").as_str())
    );
    let late = signed_in(env, "late@example.org").await;
    assert!(matches!(
        join::join(&env.backend, &caller("10.0.0.8"), &late, &code).await,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));
    join::change(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        JoinLinkChange::Disable,
    )
    .await
    .unwrap();
    let new_code = regenerated
        .path
        .unwrap()
        .trim_start_matches("/join/")
        .to_owned();
    assert!(matches!(
        join::view(&env.backend, &new_code).await,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));
    // Only admins touch the link.
    let refused = join::change(
        &env.backend,
        &caller("10.0.0.8"),
        joiner.account,
        practice,
        JoinLinkChange::Regenerate,
    )
    .await;
    assert!(matches!(refused, Err(ServiceError::Forbidden)));
    let actions: Vec<String> = server::audit::list_for_practice(env.db(), practice, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"join_link.regenerated".to_owned())
            && actions.contains(&"join.joined".to_owned())
    );
}

async fn joiners_wait_for_approval_when_the_practice_asks(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    let on = join::change(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        JoinLinkChange::Enable {
            requires_approval: true,
        },
    )
    .await
    .unwrap();
    let code = on.path.unwrap().trim_start_matches("/join/").to_owned();
    let (ada, bob) = (
        signed_in(env, "ada@example.org").await,
        signed_in(env, "bob@example.org").await,
    );
    assert_eq!(
        join::join(&env.backend, &caller("10.0.0.8"), &ada, &code)
            .await
            .unwrap(),
        JoinOutcome::Requested
    );
    assert_eq!(
        join::join(&env.backend, &caller("10.0.0.8"), &bob, &code)
            .await
            .unwrap(),
        JoinOutcome::Requested
    );
    assert!(practices::list_for(&env.backend, ada.account)
        .await
        .unwrap()
        .is_empty());
    let requests = team::view(&env.backend, owner, practice, &Default::default())
        .await
        .unwrap()
        .requests;
    assert_eq!(requests.len(), 2);
    assert!(requests
        .iter()
        .all(|r| r.status == InvitationStatus::Requested));
    let ada_request = requests
        .iter()
        .find(|r| r.email.as_str() == "ada@example.org")
        .unwrap()
        .id;
    let bob_request = requests
        .iter()
        .find(|r| r.email.as_str() == "bob@example.org")
        .unwrap()
        .id;
    let staff = Role::Staff(AccessLevel::ReadWrite);
    join::decide(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        ada_request,
        RequestDecision::Approve(staff),
    )
    .await
    .unwrap();
    join::decide(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        bob_request,
        RequestDecision::Reject,
    )
    .await
    .unwrap();
    assert_eq!(
        practices::list_for(&env.backend, ada.account)
            .await
            .unwrap()[0]
            .role,
        staff
    );
    assert!(practices::list_for(&env.backend, bob.account)
        .await
        .unwrap()
        .is_empty());
    let again = join::decide(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        bob_request,
        RequestDecision::Approve(staff),
    )
    .await;
    assert!(
        matches!(again, Err(ServiceError::Validation(_))),
        "a decided request stays decided"
    );
    // A member cannot decide.
    let refused = join::decide(
        &env.backend,
        &caller("10.0.0.8"),
        ada.account,
        practice,
        bob_request,
        RequestDecision::Reject,
    )
    .await;
    assert!(matches!(refused, Err(ServiceError::Forbidden)));
}

async fn a_large_list_crosses_batches_and_keeps_the_audit_chain(env: &TestEnv) {
    let (owner, practice) = owner_and_practice(env).await;
    let list: String = (0..1_234)
        .map(|i| format!("person{i}@example.org\n"))
        .collect();
    let report = invite(env, owner, practice, typed(&list)).await.unwrap();
    assert!(report.iter().all(|r| r.outcome == InviteOutcome::Invited));
    assert_eq!(
        team::view(&env.backend, owner, practice, &Default::default())
            .await
            .unwrap()
            .invitations
            .total,
        1_234
    );
    let queued = server::mail::outbox::recent(env.db(), 5_000).await.unwrap();
    assert_eq!(
        queued
            .iter()
            .filter(|m| m.subject.contains("invited you"))
            .count(),
        1_234
    );
    let events = server::audit::list_for_practice(env.db(), practice, 2_000)
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "invitation.created")
            .count(),
        1_234
    );
    assert!(matches!(
        server::audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        server::audit::ChainCheck::Intact { .. }
    ));
}

on_both_backends!(
    a_large_list_crosses_batches_and_keeps_the_audit_chain,
    a_mixed_list_is_reported_entry_by_entry,
    a_csv_with_header_bom_and_semicolons_invites_its_rows,
    bad_files_and_addresses_are_refused_clearly,
    only_owners_and_admins_invite_or_revoke,
    another_practices_invitations_are_out_of_reach,
    accepting_makes_a_practitioner_once,
    a_link_for_someone_else_is_refused,
    rejecting_needs_no_account_and_is_recorded,
    expired_links_say_so_and_resend_gives_a_working_one,
    a_resend_offers_only_what_the_sender_may_still_give,
    revoked_links_stop_working,
    the_join_link_lets_people_in_and_regenerating_locks_the_old_one_out,
    joiners_wait_for_approval_when_the_practice_asks,
);
