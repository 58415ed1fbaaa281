//! Sign-up, login, logout, sessions and password reset against a real database.

use crate::support::{caller, link_param, TestEnv, PASSWORD};
use chrono::Duration;
use server::accounts;
use server::error::{LinkProblem, ServiceError};
use server::sessions;
use server::tokens::Secret;
use shared::validation::{LoginForm, SignUpForm};

fn sign_up_form(email: &str) -> SignUpForm {
    SignUpForm {
        full_name: "Ada Lovelace".into(),
        email: email.into(),
    }
}

fn login(login: &str, password: &str) -> LoginForm {
    LoginForm {
        login: login.into(),
        password: password.into(),
    }
}

/// Signs up through the emailed link and returns the session it started.
async fn signed_up(env: &TestEnv, email: &str) -> Secret {
    accounts::request_sign_up(
        &env.backend,
        &caller("10.0.0.1"),
        &sign_up_form(email),
        None,
    )
    .await
    .unwrap();
    let mail = env.last_mail_to(email).await;
    let token = link_param(&mail.body_text, "token");
    accounts::confirm_sign_up(&env.backend, &caller("10.0.0.1"), &token, PASSWORD, None)
        .await
        .unwrap()
        .1
}

async fn sign_up_confirm_log_out_and_log_in(env: &TestEnv) {
    let answer = accounts::request_sign_up(
        &env.backend,
        &caller("10.0.0.1"),
        &sign_up_form("Ada@Example.org"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(answer.as_str(), "ada@example.org");
    let mail = env.last_mail_to("ada@example.org").await;
    assert_eq!(mail.subject, "Finish creating your Carekeys account");
    assert!(
        mail.body_text
            .contains("http://carekeys.test/signup/confirm?token="),
        "{}",
        mail.body_text
    );
    let token = link_param(&mail.body_text, "token");

    let (account, session) =
        accounts::confirm_sign_up(&env.backend, &caller("10.0.0.1"), &token, PASSWORD, None)
            .await
            .unwrap();
    let me = sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(me.account, account);
    assert_eq!(me.full_name, "Ada Lovelace");

    accounts::log_out(&env.backend, &caller("10.0.0.1"), &session)
        .await
        .unwrap();
    assert_eq!(
        sessions::resolve(env.db(), &session, env.backend.now_ms())
            .await
            .unwrap(),
        None
    );

    let wrong = accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("ada@example.org", "not the password"),
        None,
    )
    .await;
    assert!(matches!(wrong, Err(ServiceError::InvalidCredentials)));
    let nobody = accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("nobody@example.org", PASSWORD),
        None,
    )
    .await;
    assert!(
        matches!(nobody, Err(ServiceError::InvalidCredentials)),
        "unknown login must answer like a wrong password"
    );
    let (again, _) = accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("ADA@example.org", PASSWORD),
        None,
    )
    .await
    .unwrap()
    .session()
    .expect("a trusted browser gets a session");
    assert_eq!(again, account);
}

async fn a_confirmation_link_works_once_and_expires(env: &TestEnv) {
    accounts::request_sign_up(
        &env.backend,
        &caller("10.0.0.1"),
        &sign_up_form("grace@example.org"),
        None,
    )
    .await
    .unwrap();
    let token = link_param(
        &env.last_mail_to("grace@example.org").await.body_text,
        "token",
    );
    accounts::confirm_sign_up(&env.backend, &caller("10.0.0.1"), &token, PASSWORD, None)
        .await
        .unwrap();
    let reused =
        accounts::confirm_sign_up(&env.backend, &caller("10.0.0.1"), &token, PASSWORD, None).await;
    assert!(matches!(
        reused,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));

    accounts::request_sign_up(
        &env.backend,
        &caller("10.0.0.1"),
        &sign_up_form("late@example.org"),
        None,
    )
    .await
    .unwrap();
    let token = link_param(
        &env.last_mail_to("late@example.org").await.body_text,
        "token",
    );
    env.advance(Duration::hours(24) + Duration::seconds(1));
    let late =
        accounts::confirm_sign_up(&env.backend, &caller("10.0.0.1"), &token, PASSWORD, None).await;
    assert!(matches!(
        late,
        Err(ServiceError::Link(LinkProblem::Expired))
    ));
}

async fn signing_up_twice_reveals_nothing_to_the_requester(env: &TestEnv) {
    signed_up(env, "ada@example.org").await;
    let before = env.mails().await.len();
    // A stranger tries the taken address: same answer as for a new one.
    let taken = accounts::request_sign_up(
        &env.backend,
        &caller("10.9.9.9"),
        &sign_up_form("ada@example.org"),
        None,
    )
    .await;
    let fresh = accounts::request_sign_up(
        &env.backend,
        &caller("10.9.9.9"),
        &sign_up_form("new@example.org"),
        None,
    )
    .await;
    assert_eq!(taken.unwrap().as_str(), "ada@example.org");
    assert_eq!(fresh.unwrap().as_str(), "new@example.org");
    // Only the owner of the address learns it is taken.
    let note = env.last_mail_to("ada@example.org").await;
    assert_eq!(note.subject, "You already have a Carekeys account");
    assert!(!note.body_text.contains("token="));
    assert_eq!(env.mails().await.len(), before + 2);
}

async fn bad_sign_up_input_names_each_field(env: &TestEnv) {
    let form = SignUpForm {
        full_name: "".into(),
        email: "not-an-address".into(),
    };
    match accounts::request_sign_up(&env.backend, &caller("10.0.0.1"), &form, None).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("full_name").is_some());
            assert!(errors.get("email").unwrap().contains('@'));
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert!(
        env.mails().await.is_empty(),
        "nothing is sent for invalid input"
    );
}

async fn login_is_throttled_per_login_and_ip_without_locking_out_the_owner(env: &TestEnv) {
    signed_up(env, "ada@example.org").await;
    let attacker = caller("203.0.113.7");
    for _ in 0..5 {
        let r = accounts::log_in(
            &env.backend,
            &attacker,
            &login("ada@example.org", "guess guess guess"),
            None,
        )
        .await;
        assert!(matches!(r, Err(ServiceError::InvalidCredentials)));
    }
    // Even the right password waits now, from the attacker's address…
    let blocked = accounts::log_in(
        &env.backend,
        &attacker,
        &login("ada@example.org", PASSWORD),
        None,
    )
    .await;
    assert!(
        matches!(blocked, Err(ServiceError::RateLimited { retry_after_secs }) if retry_after_secs > 0)
    );
    // …but Ada, from her own address, logs in.
    accounts::log_in(
        &env.backend,
        &caller("198.51.100.2"),
        &login("ada@example.org", PASSWORD),
        None,
    )
    .await
    .unwrap();
    // The window passes and the attacker's pair may try again.
    env.advance(Duration::minutes(16));
    let later = accounts::log_in(
        &env.backend,
        &attacker,
        &login("ada@example.org", "guess guess guess"),
        None,
    )
    .await;
    assert!(matches!(later, Err(ServiceError::InvalidCredentials)));
}

async fn fifty_parallel_guesses_check_no_more_passwords_than_the_limit(env: &TestEnv) {
    signed_up(env, "ada@example.org").await;
    let attacker = caller("203.0.113.7");
    let guess = login("ada@example.org", "guess guess guess");
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (backend, attacker, guess) = (env.backend.clone(), attacker.clone(), guess.clone());
        attempts.spawn(async move { accounts::log_in(&backend, &attacker, &guess, None).await });
    }
    let answers = attempts.join_all().await;
    // Only a reserved attempt reaches the password check: each one answers
    // InvalidCredentials, the rest are told to wait.
    let checked = answers
        .iter()
        .filter(|a| matches!(a, Err(ServiceError::InvalidCredentials)))
        .count();
    let waiting = answers
        .iter()
        .filter(|a| matches!(a, Err(ServiceError::RateLimited { .. })))
        .count();
    assert_eq!(checked as i64, server::rate_limit::MAX_PER_LOGIN_AND_IP);
    assert_eq!(checked + waiting, 50);
}

async fn guesses_from_many_addresses_slow_a_login_down_without_locking_it(env: &TestEnv) {
    use server::rate_limit::{MAX_PER_LOGIN, SLOWED_INTERVAL_MS};
    signed_up(env, "ada@example.org").await;
    let guess = login("ada@example.org", "guess guess guess");
    for i in 0..MAX_PER_LOGIN {
        let r = accounts::log_in(
            &env.backend,
            &caller(&format!("198.18.0.{i}")),
            &guess,
            None,
        )
        .await;
        assert!(
            matches!(r, Err(ServiceError::InvalidCredentials)),
            "{i}: {r:?}"
        );
    }
    // From yet another address, at once: wait a few seconds, not a quarter of an hour.
    let slowed = accounts::log_in(&env.backend, &caller("198.18.1.1"), &guess, None).await;
    assert!(
        matches!(slowed, Err(ServiceError::RateLimited { retry_after_secs }) if retry_after_secs <= SLOWED_INTERVAL_MS / 1000),
        "{slowed:?}"
    );
    // Ada, a moment later, logs in with her password.
    env.advance(Duration::milliseconds(SLOWED_INTERVAL_MS));
    accounts::log_in(
        &env.backend,
        &caller("192.0.2.10"),
        &login("ada@example.org", PASSWORD),
        None,
    )
    .await
    .unwrap();
}

async fn ipv6_guesses_count_by_their_64(env: &TestEnv) {
    signed_up(env, "ada@example.org").await;
    let guess = login("ada@example.org", "guess guess guess");
    for i in 1..=server::rate_limit::MAX_PER_LOGIN_AND_IP {
        let r = accounts::log_in(
            &env.backend,
            &caller(&format!("2001:db8:1:2::{i:x}")),
            &guess,
            None,
        )
        .await;
        assert!(matches!(r, Err(ServiceError::InvalidCredentials)), "{r:?}");
    }
    // Another address in the same /64 is the same guesser…
    let same = accounts::log_in(&env.backend, &caller("2001:db8:1:2:abcd::9"), &guess, None).await;
    assert!(
        matches!(same, Err(ServiceError::RateLimited { .. })),
        "{same:?}"
    );
    // …another /64 is someone else.
    let other = accounts::log_in(&env.backend, &caller("2001:db8:1:3::1"), &guess, None).await;
    assert!(
        matches!(other, Err(ServiceError::InvalidCredentials)),
        "{other:?}"
    );
}

async fn a_reset_link_used_twice_at_once_works_once_and_its_siblings_die(env: &TestEnv) {
    signed_up(env, "ada@example.org").await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        accounts::request_password_reset(&env.backend, &caller("10.0.0.1"), "ada@example.org")
            .await
            .unwrap();
        tokens.push(link_param(
            &env.last_mail_to("ada@example.org").await.body_text,
            "token",
        ));
    }
    let from = caller("10.0.0.1");
    let (a, b) = tokio::join!(
        accounts::reset_password(&env.backend, &from, &tokens[0], "first new password"),
        accounts::reset_password(&env.backend, &from, &tokens[0], "second new password"),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(loser, Err(ServiceError::Link(LinkProblem::Used))),
        "{loser:?}"
    );
    // The other link sent to Ada died when the first one was used.
    let sibling =
        accounts::reset_password(&env.backend, &from, &tokens[1], "third new password").await;
    assert!(
        matches!(sibling, Err(ServiceError::Link(LinkProblem::Used))),
        "{sibling:?}"
    );
}

async fn mail_from_anonymous_pages_is_limited_per_inbox_and_per_address(env: &TestEnv) {
    use server::mail_limit::{PER_ADDRESS, PER_RECIPIENT};
    signed_up(env, "ada@example.org").await;
    // One inbox: whoever asks, from wherever, it gets a few per hour.
    for i in 1..PER_RECIPIENT {
        accounts::request_password_reset(
            &env.backend,
            &caller(&format!("198.18.0.{i}")),
            "ada@example.org",
        )
        .await
        .unwrap();
    }
    let flood =
        accounts::request_password_reset(&env.backend, &caller("198.18.9.9"), "ada@example.org")
            .await;
    assert!(
        matches!(flood, Err(ServiceError::RateLimited { .. })),
        "{flood:?}"
    );
    let sign_up_flood = accounts::request_sign_up(
        &env.backend,
        &caller("198.18.9.9"),
        &sign_up_form("ada@example.org"),
        None,
    )
    .await;
    assert!(
        matches!(sign_up_flood, Err(ServiceError::RateLimited { .. })),
        "{sign_up_flood:?}"
    );
    // One address: many inboxes, up to a generous bound.
    let sender = caller("203.0.113.50");
    for i in 0..PER_ADDRESS {
        accounts::request_password_reset(&env.backend, &sender, &format!("n{i}@example.org"))
            .await
            .unwrap();
    }
    let more =
        accounts::request_password_reset(&env.backend, &sender, "one-more@example.org").await;
    assert!(
        matches!(more, Err(ServiceError::RateLimited { .. })),
        "{more:?}"
    );
    // An hour later both may ask again.
    env.advance(Duration::minutes(61));
    accounts::request_password_reset(&env.backend, &sender, "ada@example.org")
        .await
        .unwrap();
}

async fn usernames_log_in_case_insensitively(env: &TestEnv) {
    signed_up(env, "ada@example.org").await;
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE accounts SET username = 'frontdesk' WHERE email = 'ada@example.org'").execute(pool).await.map(drop)
    })
    .unwrap();
    accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("FrontDesk", PASSWORD),
        None,
    )
    .await
    .unwrap();
}

async fn each_login_starts_a_new_session_and_ends_the_presented_one(env: &TestEnv) {
    let first = signed_up(env, "ada@example.org").await;
    let (_, second) = accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("ada@example.org", PASSWORD),
        Some(&first),
    )
    .await
    .unwrap()
    .session()
    .expect("a trusted browser gets a session");
    assert_ne!(first, second);
    let now = env.backend.now_ms();
    assert_eq!(
        sessions::resolve(env.db(), &first, now).await.unwrap(),
        None
    );
    assert!(sessions::resolve(env.db(), &second, now)
        .await
        .unwrap()
        .is_some());
}

async fn sessions_end_when_idle_and_after_their_lifetime(env: &TestEnv) {
    let idle = signed_up(env, "ada@example.org").await;
    env.advance(Duration::minutes(29));
    assert!(sessions::resolve(env.db(), &idle, env.backend.now_ms())
        .await
        .unwrap()
        .is_some());
    env.advance(Duration::minutes(29));
    assert!(
        sessions::resolve(env.db(), &idle, env.backend.now_ms())
            .await
            .unwrap()
            .is_some(),
        "activity keeps it alive"
    );
    env.advance(Duration::minutes(31));
    assert_eq!(
        sessions::resolve(env.db(), &idle, env.backend.now_ms())
            .await
            .unwrap(),
        None,
        "30 idle minutes end it"
    );

    let (_, busy) = accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("ada@example.org", PASSWORD),
        None,
    )
    .await
    .unwrap()
    .session()
    .expect("a trusted browser gets a session");
    for _ in 0..(12 * 3 - 1) {
        env.advance(Duration::minutes(20));
        assert!(sessions::resolve(env.db(), &busy, env.backend.now_ms())
            .await
            .unwrap()
            .is_some());
    }
    env.advance(Duration::minutes(20));
    assert_eq!(
        sessions::resolve(env.db(), &busy, env.backend.now_ms())
            .await
            .unwrap(),
        None,
        "12 hours end it however busy"
    );
}

async fn password_reset_works_once_within_the_hour_and_ends_sessions(env: &TestEnv) {
    let session = signed_up(env, "ada@example.org").await;
    let mails_before = env.mails().await.len();
    accounts::request_password_reset(&env.backend, &caller("10.0.0.1"), "nobody@example.org")
        .await
        .unwrap();
    assert_eq!(
        env.mails().await.len(),
        mails_before,
        "no mail for an address without an account"
    );

    accounts::request_password_reset(&env.backend, &caller("10.0.0.1"), "Ada@example.org")
        .await
        .unwrap();
    let mail = env.last_mail_to("ada@example.org").await;
    assert_eq!(mail.subject, "Reset your Carekeys password");
    let token = link_param(&mail.body_text, "token");

    accounts::check_reset_link(&env.backend, &token)
        .await
        .expect("a fresh link can be used");
    let short = accounts::reset_password(&env.backend, &caller("10.0.0.1"), &token, "short").await;
    assert!(matches!(short, Err(ServiceError::Validation(e)) if e.get("password").is_some()));
    accounts::reset_password(
        &env.backend,
        &caller("10.0.0.1"),
        &token,
        "a brand new password",
    )
    .await
    .unwrap();
    let reused = accounts::reset_password(
        &env.backend,
        &caller("10.0.0.1"),
        &token,
        "another new password",
    )
    .await;
    assert!(matches!(reused, Err(ServiceError::Link(LinkProblem::Used))));
    // The page asks before showing the form: a used link says so at once.
    assert!(matches!(
        accounts::check_reset_link(&env.backend, &token).await,
        Err(ServiceError::Link(LinkProblem::Used))
    ));
    assert!(matches!(
        accounts::check_reset_link(&env.backend, "forged").await,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));
    assert_eq!(
        sessions::resolve(env.db(), &session, env.backend.now_ms())
            .await
            .unwrap(),
        None,
        "old sessions end"
    );
    assert_eq!(
        env.last_mail_to("ada@example.org").await.subject,
        "Your Carekeys password was changed"
    );

    let old = accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("ada@example.org", PASSWORD),
        None,
    )
    .await;
    assert!(matches!(old, Err(ServiceError::InvalidCredentials)));
    accounts::log_in(
        &env.backend,
        &caller("10.0.0.1"),
        &login("ada@example.org", "a brand new password"),
        None,
    )
    .await
    .unwrap();

    accounts::request_password_reset(&env.backend, &caller("10.0.0.1"), "ada@example.org")
        .await
        .unwrap();
    let token = link_param(
        &env.last_mail_to("ada@example.org").await.body_text,
        "token",
    );
    env.advance(Duration::minutes(61));
    let late = accounts::reset_password(
        &env.backend,
        &caller("10.0.0.1"),
        &token,
        "yet another password",
    )
    .await;
    assert!(matches!(
        late,
        Err(ServiceError::Link(LinkProblem::Expired))
    ));
    let forged = accounts::reset_password(
        &env.backend,
        &caller("10.0.0.1"),
        "forged-token",
        "yet another password",
    )
    .await;
    assert!(matches!(
        forged,
        Err(ServiceError::Link(LinkProblem::Unknown))
    ));
}

async fn one_link_opened_twice_at_once_creates_one_account(env: &TestEnv) {
    accounts::request_sign_up(
        &env.backend,
        &caller("10.0.0.1"),
        &sign_up_form("twice@example.org"),
        None,
    )
    .await
    .unwrap();
    let token = link_param(
        &env.last_mail_to("twice@example.org").await.body_text,
        "token",
    );
    let from = caller("10.0.0.1");
    let (a, b) = tokio::join!(
        accounts::confirm_sign_up(&env.backend, &from, &token, PASSWORD, None),
        accounts::confirm_sign_up(&env.backend, &from, &token, PASSWORD, None),
    );
    assert_eq!([a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(), 1);
    // The second tab hears about the link (already used, or gone with the
    // pending sign-up) — never a unique-constraint error shown as "Internal".
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(
            loser,
            Err(ServiceError::Link(LinkProblem::Used | LinkProblem::Unknown))
        ),
        "{loser:?}"
    );
    let (count,): (i64,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM accounts WHERE email = 'twice@example.org'").fetch_one(pool).await
    })
    .unwrap();
    assert_eq!(count, 1);
}

async fn a_sign_up_continues_only_to_a_local_path(env: &TestEnv) {
    for (next, expected) in [
        (Some("/join/abc"), Some("/join/abc")),
        (Some("https://evil.example"), None),
        (None, None),
    ] {
        let email = format!("n{}@example.org", env.mails().await.len());
        accounts::request_sign_up(
            &env.backend,
            &caller("10.0.0.1"),
            &sign_up_form(&email),
            next,
        )
        .await
        .unwrap();
        let token = link_param(&env.last_mail_to(&email).await.body_text, "token");
        assert_eq!(
            accounts::sign_up_next_path(&env.backend, &token)
                .await
                .unwrap()
                .as_deref(),
            expected
        );
    }
}

on_both_backends!(
    a_sign_up_continues_only_to_a_local_path,
    sign_up_confirm_log_out_and_log_in,
    a_confirmation_link_works_once_and_expires,
    signing_up_twice_reveals_nothing_to_the_requester,
    bad_sign_up_input_names_each_field,
    login_is_throttled_per_login_and_ip_without_locking_out_the_owner,
    fifty_parallel_guesses_check_no_more_passwords_than_the_limit,
    guesses_from_many_addresses_slow_a_login_down_without_locking_it,
    ipv6_guesses_count_by_their_64,
    a_reset_link_used_twice_at_once_works_once_and_its_siblings_die,
    mail_from_anonymous_pages_is_limited_per_inbox_and_per_address,
    usernames_log_in_case_insensitively,
    each_login_starts_a_new_session_and_ends_the_presented_one,
    sessions_end_when_idle_and_after_their_lifetime,
    password_reset_works_once_within_the_hour_and_ends_sessions,
    one_link_opened_twice_at_once_creates_one_account,
);
