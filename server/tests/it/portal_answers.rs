//! The invited client's side of a portal invitation: a new portal login with
//! a password, or the existing account of the address; each link works once;
//! a dead link says why and lets the client ask the practice for a new one.

use crate::support::{caller, link_param, open_practice, person, signed_in, TestEnv};
use server::clients;
use server::error::{LinkProblem, ServiceError};
use server::{portal, sessions};
use shared::clients::{ClientForm, PortalStatus};
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::portal::{InviteRequest, DEFAULT_MESSAGE};

async fn invited(
    env: &TestEnv,
    owner: AccountId,
    practice: PracticeId,
    email: &str,
) -> (ClientId, String) {
    let form = ClientForm {
        first_name: "Ana".into(),
        last_name: "Silva".into(),
        email: email.into(),
        date_of_birth: String::new(),
    };
    let client = clients::add(&env.backend, &caller("10.0.0.2"), owner, practice, &form)
        .await
        .unwrap();
    let request = InviteRequest {
        clients: vec![client],
        message: DEFAULT_MESSAGE.into(),
        forms: vec![],
        save_as_default: false,
    };
    portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &request)
        .await
        .unwrap();
    let token = link_param(&env.last_mail_to(email).await.body_text, "token");
    (client, token)
}

async fn a_new_client_chooses_a_password_and_the_link_is_spent(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let (client, token) = invited(env, owner, practice, "ana@example.org").await;
    let view = portal::view(&env.backend, &token).await.unwrap();
    assert_eq!(
        (
            view.practice_name.as_str(),
            view.client_first_name.as_str(),
            view.email.as_str()
        ),
        ("Harbour Clinic", "Ana", "ana@example.org")
    );
    assert_eq!(view.status, InvitationStatus::Invited);
    assert!(!view.has_account);

    // A password too short is named, and nothing is created.
    match portal::sign_up(&env.backend, &caller("10.0.0.7"), &token, "short", None).await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("password").is_some()),
        other => panic!("{other:?}"),
    }
    let session = portal::sign_up(
        &env.backend,
        &caller("10.0.0.7"),
        &token,
        "a long patient password",
        None,
    )
    .await
    .unwrap();
    let me = sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.email.unwrap().as_str(), "ana@example.org");
    assert_eq!(me.full_name, "Ana Silva");
    let row = clients::view(&env.backend, owner, practice, client)
        .await
        .unwrap();
    assert_eq!(row.client.portal, PortalStatus::HasAccount);

    // Used once: the same link again says so, and never makes a second login.
    assert_eq!(
        portal::view(&env.backend, &token).await.unwrap().status,
        InvitationStatus::Accepted
    );
    assert!(matches!(
        portal::sign_up(
            &env.backend,
            &caller("10.0.0.7"),
            &token,
            "another long password",
            None
        )
        .await,
        Err(ServiceError::Link(LinkProblem::Used))
    ));
    assert!(matches!(
        portal::view(&env.backend, "not-a-token").await,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));
    let audited: i64 = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'portal.login_created' AND target = $1")
            .bind(client.to_string())
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(audited, 1);
}

async fn an_existing_account_accepts_signed_in_as_that_address(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let (ana, ana_session) = signed_in(env, "ana@example.org").await;
    let (_, token) = invited(env, owner, practice, "ana@example.org").await;
    assert!(
        portal::view(&env.backend, &token)
            .await
            .unwrap()
            .has_account
    );
    // Choosing a password would make a second account for the address: refused.
    match portal::sign_up(
        &env.backend,
        &caller("10.0.0.7"),
        &token,
        "a long patient password",
        None,
    )
    .await
    {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("password").unwrap().contains("log in"))
        }
        other => panic!("{other:?}"),
    }
    // Someone else signed in cannot take Ana's invitation.
    let (_, other_session) = signed_in(env, "someone@example.org").await;
    let other = sessions::resolve(env.db(), &other_session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        portal::accept(&env.backend, &caller("10.0.0.8"), &other, &token).await,
        Err(ServiceError::Forbidden)
    ));
    let me = sessions::resolve(env.db(), &ana_session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.account, ana);
    portal::accept(&env.backend, &caller("10.0.0.7"), &me, &token)
        .await
        .unwrap();
    assert_eq!(
        portal::view(&env.backend, &token).await.unwrap().status,
        InvitationStatus::Accepted
    );
}

async fn a_dead_link_says_why_and_asks_the_practice_once(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let (client, token) = invited(env, owner, practice, "ana@example.org").await;
    // A link that works is not "asked again" for.
    assert!(matches!(
        portal::ask_again(&env.backend, &caller("10.0.0.7"), &token).await,
        Err(ServiceError::Conflict(_))
    ));
    env.advance(chrono::Duration::days(8));
    let view = portal::view(&env.backend, &token).await.unwrap();
    assert_eq!(view.status, InvitationStatus::Expired);
    assert!(matches!(
        portal::sign_up(
            &env.backend,
            &caller("10.0.0.7"),
            &token,
            "a long patient password",
            None
        )
        .await,
        Err(ServiceError::Link(LinkProblem::Expired))
    ));
    for _ in 0..3 {
        portal::ask_again(&env.backend, &caller("10.0.0.7"), &token)
            .await
            .unwrap();
    }
    let to_practice: Vec<_> = env
        .mails()
        .await
        .into_iter()
        .filter(|m| m.to_address == "desk@harbour.example")
        .collect();
    assert_eq!(
        to_practice.len(),
        1,
        "asked once, however often the button is pressed"
    );
    assert_eq!(
        to_practice[0].subject,
        "Ana Silva asks for a new portal invitation"
    );
    assert!(to_practice[0]
        .body_text
        .contains(&format!("/p/{practice}/clients/{client}")));
    assert!(
        portal::view(&env.backend, &token)
            .await
            .unwrap()
            .asked_again
    );

    // A resent invitation kills the old link: it says "revoked".
    let (_, old) = invited(env, owner, practice, "bea@example.org").await;
    let bea = clients::list(
        &env.backend,
        owner,
        practice,
        &shared::clients::ClientQuery {
            search: "bea@".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .clients
    .rows[0]
        .id;
    let again = InviteRequest {
        clients: vec![bea],
        message: DEFAULT_MESSAGE.into(),
        forms: vec![],
        save_as_default: false,
    };
    portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &again)
        .await
        .unwrap();
    assert_eq!(
        portal::view(&env.backend, &old).await.unwrap().status,
        InvitationStatus::Revoked
    );
}

/// What a client logs in the portal, their practice's team reads in Client
/// details against its goals; another practice's client shows none of it.
async fn the_team_reads_a_clients_readings_against_the_goals(env: &TestEnv) {
    use shared::goals::{GoalInput, GoalsForm, Placement, ReadingKind};
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let (client, token) = invited(env, owner, practice, "ana@example.org").await;
    let session = portal::sign_up(
        &env.backend,
        &caller("10.0.0.7"),
        &token,
        "a long patient password",
        None,
    )
    .await
    .unwrap();
    let ana = sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap()
        .account;
    let mut goals = GoalsForm::showing(&[]);
    for row in goals
        .rows
        .iter_mut()
        .filter(|r| r.kind == ReadingKind::Glucose)
    {
        *row = GoalInput {
            kind: ReadingKind::Glucose,
            low: "70".into(),
            high: "140".into(),
        };
    }
    server::goals::set(&env.backend, &caller("10.0.0.2"), owner, practice, &goals)
        .await
        .unwrap();
    let an_hour_ago = env.backend.now_ms() - 3_600_000;
    for hundredths in [9_500, 18_000] {
        server::readings::log(
            &env.backend,
            &caller("10.0.0.7"),
            ana,
            ReadingKind::Glucose,
            shared::goals::Amount(hundredths),
            an_hour_ago,
        )
        .await
        .unwrap();
    }
    let view = clients::view(&env.backend, owner, practice, client)
        .await
        .unwrap();
    let goal = view
        .goals
        .iter()
        .find(|g| g.kind == ReadingKind::Glucose)
        .copied()
        .unwrap();
    let mut placed: Vec<Placement> = view.readings.iter().map(|r| goal.place(r.value)).collect();
    placed.sort_by_key(|p| *p as u8);
    assert_eq!(placed, [Placement::Within, Placement::Above]);
    // The same person as a client of another practice: its team sees their readings there only through its own login.
    let other_owner = person(env, "other@example.org").await;
    let other = open_practice(env, other_owner, "Other Clinic").await;
    let form = ClientForm {
        first_name: "Ana".into(),
        last_name: "Silva".into(),
        email: "ana@example.org".into(),
        date_of_birth: String::new(),
    };
    let stranger = clients::add(&env.backend, &caller("10.0.0.3"), other_owner, other, &form)
        .await
        .unwrap();
    assert!(clients::view(&env.backend, other_owner, other, stranger)
        .await
        .unwrap()
        .readings
        .is_empty());
    assert!(matches!(
        clients::view(&env.backend, other_owner, other, client).await,
        Err(ServiceError::NotFound)
    ));
}

on_both_backends!(
    the_team_reads_a_clients_readings_against_the_goals,
    a_new_client_chooses_a_password_and_the_link_is_spent,
    an_existing_account_accepts_signed_in_as_that_address,
    a_dead_link_says_why_and_asks_the_practice_once,
);
