//! New-device login approval (product.md §6): the waiting browser holds no
//! session until an admin approves; the first decision stands; lapsed
//! requests stay lapsed; only the practice's admins decide; a copied waiting
//! cookie in another browser gets nothing; a sole admin lets themselves in
//! with a mailed code, and five wrong codes end the request.

use crate::support::{add_member, caller, open_practice, person, TestEnv, PASSWORD};
use server::accounts::{self, LoggedIn};
use server::backend::Caller;
use server::error::ServiceError;
use server::login_requests;
use server::tokens::Secret;
use shared::ids::{AccountId, LoginRequestId, PracticeId};
use shared::login_request::{Decision, RequestStatus, Waiting};
use shared::roles::Role;
use shared::validation::LoginForm;

async fn log_in(env: &TestEnv, from: &Caller, email: &str) -> LoggedIn {
    let form = LoginForm {
        login: email.into(),
        password: PASSWORD.into(),
    };
    accounts::log_in(&env.backend, from, &form, None)
        .await
        .unwrap()
}

fn waiting(outcome: LoggedIn) -> Secret {
    match outcome {
        LoggedIn::Waiting(attempt) => attempt,
        LoggedIn::Session(..) => panic!("an untrusted browser got a session"),
    }
}

/// The request id in the *Make a decision* link mailed to `admin`.
async fn request_mailed_to(env: &TestEnv, admin: &str) -> LoginRequestId {
    let mail = env.last_mail_to(admin).await;
    assert!(
        mail.subject.contains("from a new device"),
        "{}",
        mail.subject
    );
    let start = mail.body_text.find("/login-requests/").unwrap() + "/login-requests/".len();
    mail.body_text[start..start + 36].parse().unwrap()
}

async fn audit_count(env: &TestEnv, action: &str) -> i64 {
    let (n,): (i64,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = $1").bind(action).fetch_one(pool).await
    })
    .unwrap();
    n
}

/// An owner and an admin (so nobody is a sole admin), and a practitioner.
async fn team(env: &TestEnv) -> (AccountId, AccountId, AccountId, PracticeId) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let admin = person(env, "admin@example.org").await;
    add_member(env, practice, admin, Role::Admin).await;
    let nia = person(env, "nia@example.org").await;
    add_member(env, practice, nia, Role::Practitioner).await;
    (owner, admin, nia, practice)
}

async fn an_admin_approves_and_the_waiting_browser_is_let_in_and_trusted(env: &TestEnv) {
    let (owner, admin, nia, practice) = team(env).await;
    let laptop = caller("10.0.0.20");
    let attempt = waiting(log_in(env, &laptop, "nia@example.org").await);
    let (view, session) = login_requests::wait(&env.backend, &laptop, &attempt)
        .await
        .unwrap();
    assert_eq!(
        view,
        Waiting::ForAdmins {
            practices: vec!["Harbour Clinic".into()]
        }
    );
    assert!(session.is_none(), "no session while waiting");
    // Every active admin is asked; the practitioner herself is not.
    let request = request_mailed_to(env, "owner@example.org").await;
    assert_eq!(request_mailed_to(env, "admin@example.org").await, request);

    // Neither Nia herself, nor another practice's owner, decides.
    assert!(matches!(
        login_requests::decide(
            &env.backend,
            &caller("10.0.0.21"),
            nia,
            practice,
            request,
            Decision::Approve
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    let stranger = person(env, "stranger@example.org").await;
    let theirs = open_practice(env, stranger, "Other Clinic").await;
    assert!(matches!(
        login_requests::decide(
            &env.backend,
            &caller("10.0.0.22"),
            stranger,
            theirs,
            request,
            Decision::Approve
        )
        .await,
        Err(ServiceError::NotFound)
    ));

    let decided = login_requests::decide(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        request,
        Decision::Approve,
    )
    .await
    .unwrap();
    assert_eq!(decided.status, RequestStatus::Approved);
    // The link used again, by the other admin: nothing changes, and it says who decided.
    let again = login_requests::decide(
        &env.backend,
        &caller("10.0.0.23"),
        admin,
        practice,
        request,
        Decision::Decline,
    )
    .await
    .unwrap();
    assert_eq!(again.status, RequestStatus::Approved);
    assert_eq!(again.decided.unwrap().0, "Person owner");
    assert_eq!(audit_count(env, "login_request.approved").await, 1);
    assert_eq!(audit_count(env, "login_request.declined").await, 0);

    // A copy of the waiting cookie in another browser gets nothing.
    let thief = caller("10.0.0.66");
    assert_eq!(
        login_requests::wait(&env.backend, &thief, &attempt)
            .await
            .unwrap(),
        (Waiting::Nothing, None)
    );
    let (view, session) = login_requests::wait(&env.backend, &laptop, &attempt)
        .await
        .unwrap();
    assert!(matches!(view, Waiting::In { .. }));
    let (account, _) = session.expect("the approved browser gets its session");
    assert_eq!(account, nia);
    assert_eq!(
        login_requests::wait(&env.backend, &laptop, &attempt)
            .await
            .unwrap(),
        (Waiting::Nothing, None),
        "the approval lets in once"
    );

    // A day later the same browser logs in without asking anyone.
    env.advance(chrono::TimeDelta::hours(24));
    assert!(log_in(env, &laptop, "nia@example.org")
        .await
        .session()
        .is_some());
}

async fn a_declined_or_lapsed_request_lets_nobody_in(env: &TestEnv) {
    let (owner, _, _, practice) = team(env).await;
    let phone = caller("10.0.0.30");
    let attempt = waiting(log_in(env, &phone, "nia@example.org").await);
    let request = request_mailed_to(env, "owner@example.org").await;
    login_requests::decide(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        request,
        Decision::Decline,
    )
    .await
    .unwrap();
    assert_eq!(
        login_requests::wait(&env.backend, &phone, &attempt)
            .await
            .unwrap(),
        (
            Waiting::Declined {
                practice: "Harbour Clinic".into()
            },
            None
        )
    );

    // A new attempt from another browser nobody answers in 30 minutes.
    let tablet = caller("10.0.0.31");
    let attempt = waiting(log_in(env, &tablet, "nia@example.org").await);
    let request = request_mailed_to(env, "owner@example.org").await;
    env.advance(chrono::TimeDelta::minutes(31));
    assert_eq!(
        login_requests::wait(&env.backend, &tablet, &attempt)
            .await
            .unwrap(),
        (Waiting::Lapsed, None)
    );
    let late = login_requests::decide(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        request,
        Decision::Approve,
    )
    .await
    .unwrap();
    assert_eq!(
        late.status,
        RequestStatus::Lapsed,
        "deciding after the lapse changes nothing"
    );
    assert_eq!(
        login_requests::wait(&env.backend, &tablet, &attempt)
            .await
            .unwrap(),
        (Waiting::Lapsed, None)
    );
}

async fn two_admins_deciding_at_once_leave_one_decision(env: &TestEnv) {
    let (owner, admin, _, practice) = team(env).await;
    for round in 0..10 {
        let browser = caller(&format!("10.0.1.{round}"));
        waiting(log_in(env, &browser, "nia@example.org").await);
        let request = request_mailed_to(env, "owner@example.org").await;
        let (first, second) = (caller("10.0.0.1"), caller("10.0.0.2"));
        let (a, b) = tokio::join!(
            login_requests::decide(
                &env.backend,
                &first,
                owner,
                practice,
                request,
                Decision::Approve
            ),
            login_requests::decide(
                &env.backend,
                &second,
                admin,
                practice,
                request,
                Decision::Decline
            ),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(
            a.status, b.status,
            "round {round}: both see the one decision"
        );
    }
    let decisions = audit_count(env, "login_request.approved").await
        + audit_count(env, "login_request.declined").await;
    assert_eq!(decisions, 10, "one audit event per request");
}

async fn a_sole_admin_lets_themselves_in_with_a_mailed_code(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let _practice = open_practice(env, owner, "Harbour Clinic").await;
    let new_laptop = caller("10.0.0.40");
    let attempt = waiting(log_in(env, &new_laptop, "owner@example.org").await);
    let (view, _) = login_requests::wait(&env.backend, &new_laptop, &attempt)
        .await
        .unwrap();
    assert_eq!(
        view,
        Waiting::ForCode {
            sent_to: "owner@example.org".into(),
            tries_left: 5
        }
    );
    let mail = env.last_mail_to("owner@example.org").await;
    let code: String = mail.subject.rsplit(' ').next().unwrap().into();
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };

    // Four wrong codes are each answered on the field; the fifth ends the request.
    for left in (1..=4).rev() {
        match login_requests::confirm_code(&env.backend, &new_laptop, &attempt, wrong).await {
            Err(ServiceError::Validation(errors)) => {
                assert!(errors
                    .get("code")
                    .unwrap()
                    .contains(&format!("{left} tries left")))
            }
            other => panic!("a wrong code was accepted: {other:?}"),
        }
    }
    let (fifth, session) = login_requests::confirm_code(&env.backend, &new_laptop, &attempt, wrong)
        .await
        .unwrap();
    assert_eq!((fifth, session.is_none()), (Waiting::Failed, true));
    let (after, _) = login_requests::confirm_code(&env.backend, &new_laptop, &attempt, &code)
        .await
        .unwrap();
    assert_eq!(after, Waiting::Failed, "the right code is too late");
    assert_eq!(audit_count(env, "login_request.code_failed").await, 5);

    // A new login sends a new code, and the right one lets the browser in.
    let attempt = waiting(log_in(env, &new_laptop, "owner@example.org").await);
    let mail = env.last_mail_to("owner@example.org").await;
    let code: String = mail.subject.rsplit(' ').next().unwrap().into();
    let (view, session) = login_requests::confirm_code(&env.backend, &new_laptop, &attempt, &code)
        .await
        .unwrap();
    assert!(matches!(view, Waiting::In { .. }) && session.is_some());
    assert!(log_in(env, &new_laptop, "owner@example.org")
        .await
        .session()
        .is_some());
}

on_both_backends!(
    an_admin_approves_and_the_waiting_browser_is_let_in_and_trusted,
    a_declined_or_lapsed_request_lets_nobody_in,
    two_admins_deciding_at_once_leave_one_decision,
    a_sole_admin_lets_themselves_in_with_a_mailed_code,
);
