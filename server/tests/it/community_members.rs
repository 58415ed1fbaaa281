//! Community → Members: addresses added without a word, invited with or
//! without an email, registering by the emailed link or at the join page with
//! the practice's code; only those who manage the practice's settings manage
//! its community, and never another practice's.

use crate::support::{caller, link_param, one_with_each_role, open_practice, person, TestEnv};
use server::community::{joining, members, settings};
use server::error::ServiceError;
use shared::community::members::{AddOutcome, JoinRequest, MemberQuery, Notify, Selection};
use shared::goals::ReadingKind;
use shared::ids::{AccountId, CommunityMemberId, PracticeId};
use shared::invitation::{InvitationStatus, InviteSource};
use shared::readings::{ReadingEntry, Unit};
use shared::roles::{AccessLevel, Role};
use shared::validation::NewAccountForm;

async fn add(env: &TestEnv, owner: AccountId, practice: PracticeId, text: &str) -> Vec<AddOutcome> {
    members::add(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &InviteSource::Typed(text.into()),
    )
    .await
    .unwrap()
    .into_iter()
    .map(|row| row.outcome)
    .collect()
}

async fn list(
    env: &TestEnv,
    owner: AccountId,
    practice: PracticeId,
    query: MemberQuery,
) -> Vec<(String, InvitationStatus, bool)> {
    members::list(&env.backend, owner, practice, &query)
        .await
        .unwrap()
        .members
        .rows
        .into_iter()
        .map(|m| (m.email, m.status, m.sharing))
        .collect()
}

async fn ids_of(
    env: &TestEnv,
    owner: AccountId,
    practice: PracticeId,
    emails: &[&str],
) -> Vec<CommunityMemberId> {
    let all = members::list(&env.backend, owner, practice, &MemberQuery::default())
        .await
        .unwrap();
    emails
        .iter()
        .map(|e| all.members.rows.iter().find(|m| m.email == *e).unwrap().id)
        .collect()
}

async fn community_mails(env: &TestEnv) -> Vec<String> {
    env.mails()
        .await
        .into_iter()
        .filter(|m| m.subject.contains("community"))
        .map(|m| m.to_address)
        .collect()
}

async fn adding_sends_nothing_and_only_notify_emails(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let pasted: Vec<String> = (1..=12).map(|i| format!("m{i:02}@example.org")).collect();
    // Any mix of separators, a bad entry and a repeat: each reported once.
    let text = format!("{}\nnot-an-address; M01@example.org", pasted.join(", "));
    let outcomes = add(env, owner, practice, &text).await;
    assert_eq!(
        outcomes.iter().filter(|o| **o == AddOutcome::Added).count(),
        12
    );
    assert!(matches!(outcomes[12], AddOutcome::Invalid(_)));
    assert_eq!(outcomes[13], AddOutcome::Duplicate);
    assert!(
        community_mails(env).await.is_empty(),
        "adding sends nothing"
    );
    // Pasting one again reports where it stands.
    assert_eq!(
        add(env, owner, practice, "m01@example.org").await,
        [AddOutcome::AlreadyThere(InvitationStatus::NotInvited)]
    );

    let quiet: Vec<&str> = pasted[..10].iter().map(String::as_str).collect();
    let ids = ids_of(env, owner, practice, &quiet).await;
    let report = members::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &Selection::These(ids),
        Notify::DontNotify,
    )
    .await
    .unwrap();
    assert_eq!((report.invited, report.emailed), (10, 0));
    assert!(
        community_mails(env).await.is_empty(),
        "Don't notify sends nothing"
    );

    // "All matching" a search: the two not yet invited, by email.
    let not_invited = MemberQuery {
        status: Some(InvitationStatus::NotInvited),
        ..MemberQuery::default()
    };
    let report = members::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &Selection::Matching(not_invited.clone()),
        Notify::ByEmail,
    )
    .await
    .unwrap();
    assert_eq!((report.invited, report.emailed), (2, 2));
    assert_eq!(
        community_mails(env).await,
        ["m11@example.org", "m12@example.org"]
    );
    assert!(list(env, owner, practice, not_invited).await.is_empty());

    // m11 registers through the emailed link with a new account.
    let token = link_param(
        &env.last_mail_to("m11@example.org").await.body_text,
        "token",
    );
    let view = joining::view(&env.backend, &token).await.unwrap();
    assert_eq!(
        (view.practice_name.as_str(), view.status, view.has_account),
        ("Harbour Clinic", InvitationStatus::Invited, false)
    );
    let form = NewAccountForm {
        full_name: "Mia Member".into(),
        password: "correct horse battery".into(),
    };
    joining::sign_up(&env.backend, &caller("10.0.0.7"), &token, &form, None)
        .await
        .unwrap();
    // The link is spent.
    assert!(matches!(
        joining::view(&env.backend, &token).await,
        Err(ServiceError::Link(_))
    ));
    let member: AccountId = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'm11@example.org'").fetch_one(pool).await
    })
    .unwrap();
    // Two readings from her phone in Oslo (UTC+1): one in mmol/L, one in pounds.
    for (kind, value, unit) in [
        (ReadingKind::Glucose, "5.4", Unit::MmolPerL),
        (ReadingKind::Weight, "154", Unit::Pounds),
    ] {
        let entry = ReadingEntry {
            kind,
            value: value.into(),
            unit,
            taken_at: "2026-01-05T08:30".into(),
            utc_offset_minutes: 60,
        };
        server::readings::log_entry(&env.backend, &caller("10.0.0.7"), member, &entry)
            .await
            .unwrap();
    }
    let mine = server::readings::recent(&env.backend, member, 10)
        .await
        .unwrap();
    let shown: Vec<(String, String)> = mine
        .iter()
        .map(|r| (r.value.to_string(), r.taken.clone()))
        .collect();
    assert!(
        shown.contains(&("97.29".into(), "5 Jan 2026, 08:30".into())),
        "{shown:?}"
    );
    assert!(
        shown.contains(&("69.85".into(), "5 Jan 2026, 08:30".into())),
        "{shown:?}"
    );
    // A time ahead of the clock is refused by field.
    let future = ReadingEntry {
        kind: ReadingKind::Steps,
        value: "4000".into(),
        unit: Unit::Stored,
        taken_at: "2026-01-06T08:30".into(),
        utc_offset_minutes: 60,
    };
    match server::readings::log_entry(&env.backend, &caller("10.0.0.7"), member, &future).await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("taken_at").is_some()),
        other => panic!("{other:?}"),
    }
    server::community::set_sharing(&env.backend, &caller("10.0.0.7"), member, practice, true)
        .await
        .unwrap();
    let registered = MemberQuery {
        status: Some(InvitationStatus::Accepted),
        sharing: Some(true),
        ..MemberQuery::default()
    };
    assert_eq!(
        list(env, owner, practice, registered).await,
        [(
            "m11@example.org".to_owned(),
            InvitationStatus::Accepted,
            true
        )]
    );
    // m12 declines; the practice sees Rejected and may invite again.
    let token = link_param(
        &env.last_mail_to("m12@example.org").await.body_text,
        "token",
    );
    joining::reject(&env.backend, &caller("10.0.0.8"), &token)
        .await
        .unwrap();
    let search = MemberQuery {
        search: "M12".into(),
        ..MemberQuery::default()
    };
    assert_eq!(
        list(env, owner, practice, search.clone()).await[0].1,
        InvitationStatus::Rejected
    );
    // A quiet invitation expires after the practice's validity (7 days).
    env.advance(chrono::Duration::days(7));
    let expired = MemberQuery {
        status: Some(InvitationStatus::Expired),
        ..MemberQuery::default()
    };
    assert_eq!(list(env, owner, practice, expired).await.len(), 10);
    // Inviting everyone again skips the registered member, by name.
    let report = members::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &Selection::Matching(MemberQuery::default()),
        Notify::DontNotify,
    )
    .await
    .unwrap();
    assert_eq!(report.invited, 11);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].email, "m11@example.org");
    // Removing takes them out (and out of the figures).
    let gone = ids_of(env, owner, practice, &["m11@example.org"]).await;
    assert_eq!(
        members::remove(
            &env.backend,
            &caller("10.0.0.1"),
            owner,
            practice,
            &Selection::These(gone)
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        list(env, owner, practice, MemberQuery::default())
            .await
            .len(),
        11
    );
    // Each change is in the audit log.
    let actions: Vec<String> = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT action FROM audit_events WHERE action LIKE 'community.%'").fetch_all(pool).await
    })
    .unwrap();
    for (action, times) in [
        ("community.member_added", 12),
        ("community.member_invited", 23),
        ("community.member_registered", 1),
        ("community.member_rejected", 1),
        ("community.sharing_changed", 1),
        ("community.member_removed", 1),
    ] {
        assert_eq!(
            actions.iter().filter(|a| *a == action).count(),
            times,
            "{action}"
        );
    }
}

async fn people_join_with_the_code_and_their_invitation_is_matched(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let code = settings::join_code(&env.backend, &caller("10.0.0.1"), owner, practice)
        .await
        .unwrap();
    assert_eq!(
        settings::join_code(&env.backend, &caller("10.0.0.1"), owner, practice)
            .await
            .unwrap(),
        code,
        "one code per practice"
    );
    add(env, owner, practice, "ada@example.org").await;
    let ids = ids_of(env, owner, practice, &["ada@example.org"]).await;
    members::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &Selection::These(ids),
        Notify::DontNotify,
    )
    .await
    .unwrap();
    // In the room: Ada types the code (as read off the screen) and her address.
    let typed = format!("{}-{}", code[..4].to_lowercase(), &code[4..]);
    joining::join(
        &env.backend,
        &caller("10.0.0.5"),
        &JoinRequest {
            code: typed,
            email: "Ada@Example.org".into(),
        },
    )
    .await
    .unwrap();
    // So does someone the practice never added.
    joining::join(
        &env.backend,
        &caller("10.0.0.5"),
        &JoinRequest {
            code: code.clone(),
            email: "bo@example.org".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        community_mails(env).await,
        ["ada@example.org", "bo@example.org"]
    );
    // Ada has an account already: she registers signed in.
    let token = link_param(
        &env.last_mail_to("ada@example.org").await.body_text,
        "token",
    );
    let ada = person(env, "ada@example.org").await;
    let signed_in = server::sessions::SignedIn {
        account: ada,
        full_name: "Ada".into(),
        email: shared::email::EmailAddress::parse("ada@example.org").ok(),
        must_change_password: false,
    };
    // Someone else's session cannot spend her link.
    let bo_session = server::sessions::SignedIn {
        email: shared::email::EmailAddress::parse("bo@example.org").ok(),
        ..signed_in.clone()
    };
    assert!(matches!(
        joining::accept(&env.backend, &caller("10.0.0.5"), &bo_session, &token).await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(
        joining::accept(&env.backend, &caller("10.0.0.5"), &signed_in, &token)
            .await
            .unwrap(),
        practice
    );
    let listed = list(env, owner, practice, MemberQuery::default()).await;
    assert_eq!(
        listed.len(),
        2,
        "Ada's row was matched, not doubled: {listed:?}"
    );
    assert_eq!(
        listed[0],
        (
            "ada@example.org".to_owned(),
            InvitationStatus::Accepted,
            false
        )
    );
    assert_eq!(listed[1].1, InvitationStatus::Invited);
    // A registered member asking again gets no mail; a wrong code is named.
    joining::join(
        &env.backend,
        &caller("10.0.0.5"),
        &JoinRequest {
            code: code.clone(),
            email: "ada@example.org".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(community_mails(env).await.len(), 2);
    let wrong = joining::join(
        &env.backend,
        &caller("10.0.0.5"),
        &JoinRequest {
            code: "ZZZZ-ZZZZ".into(),
            email: "cy@example.org".into(),
        },
    )
    .await;
    match wrong {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("code").is_some()),
        other => panic!("{other:?}"),
    }
    // Guessing codes from one address is limited like every anonymous mail.
    let mut limited = false;
    for i in 0..120 {
        let guess = JoinRequest {
            code: "ZZZZ-ZZZZ".into(),
            email: format!("g{i}@example.org"),
        };
        if let Err(ServiceError::RateLimited { .. }) =
            joining::join(&env.backend, &caller("10.0.0.66"), &guess).await
        {
            limited = true;
            break;
        }
    }
    assert!(
        limited,
        "a hundred guesses an hour from one address, then a wait"
    );
}

async fn only_settings_managers_manage_the_community_of_their_own_practice(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    add(env, owner, practice, "ada@example.org").await;
    let ada = ids_of(env, owner, practice, &["ada@example.org"]).await;
    let team = one_with_each_role(
        env,
        practice,
        &[
            Role::Practitioner,
            Role::Staff(AccessLevel::Full),
            Role::Staff(AccessLevel::ReadWrite),
            Role::Staff(AccessLevel::ReadOnly),
        ],
    )
    .await;
    let stranger = person(env, "stranger@example.org").await;
    let other_owner = person(env, "other@example.org").await;
    let other = open_practice(env, other_owner, "Other Clinic").await;
    let c = caller("10.0.0.1");
    let source = InviteSource::Typed("new@example.org".into());
    let these = Selection::These(ada.clone());
    let mut refused_callers: Vec<(AccountId, PracticeId)> =
        team.iter().map(|(_, a)| (*a, practice)).collect();
    refused_callers.push((stranger, practice));
    // Another practice's owner, with this practice's member id in their own practice.
    refused_callers.push((other_owner, practice));
    for (who, place) in refused_callers {
        let results = [
            members::list(&env.backend, who, place, &MemberQuery::default())
                .await
                .err(),
            members::add(&env.backend, &c, who, place, &source)
                .await
                .err(),
            members::invite(&env.backend, &c, who, place, &these, Notify::ByEmail)
                .await
                .err(),
            members::remove(&env.backend, &c, who, place, &these)
                .await
                .err(),
            settings::set_validity(&env.backend, &c, who, place, 3)
                .await
                .err(),
            settings::join_code(&env.backend, &c, who, place)
                .await
                .err(),
        ];
        for result in results {
            assert!(
                matches!(
                    result,
                    Some(ServiceError::Forbidden | ServiceError::NotFound)
                ),
                "{result:?}"
            );
        }
    }
    // A member id of this practice is "not found" in another.
    for result in [
        members::invite(
            &env.backend,
            &c,
            other_owner,
            other,
            &these,
            Notify::ByEmail,
        )
        .await
        .err(),
        members::remove(&env.backend, &c, other_owner, other, &these)
            .await
            .err(),
    ] {
        assert!(matches!(result, Some(ServiceError::NotFound)), "{result:?}");
    }
    assert_eq!(
        list(env, owner, practice, MemberQuery::default())
            .await
            .len(),
        1,
        "nothing changed"
    );
    // Bad validity names its field; a good one is kept.
    match settings::set_validity(&env.backend, &c, owner, practice, 0).await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("validity").is_some()),
        other => panic!("{other:?}"),
    }
    settings::set_validity(&env.backend, &c, owner, practice, 3)
        .await
        .unwrap();
    let view = members::list(&env.backend, owner, practice, &MemberQuery::default())
        .await
        .unwrap();
    assert_eq!(view.validity_days, 3);
}

on_both_backends!(
    adding_sends_nothing_and_only_notify_emails,
    people_join_with_the_code_and_their_invitation_is_matched,
    only_settings_managers_manage_the_community_of_their_own_practice,
);
