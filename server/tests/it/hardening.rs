//! The attacks the hardening issue names, each tried against a real database:
//! a sign-up made in someone else's name, emailed secrets left at rest, a
//! stale outbox lease, a hanging SMTP server, a rewritten audit history, a
//! practice used as a spam cannon, links and hidden characters in names, and
//! argon2 starvation through an invitation link.

use crate::support::smtp::SmtpSink;
use crate::support::{caller, link_param, person, TestEnv, PASSWORD};
use chrono::Duration;
use server::audit::{self, ChainCheck};
use server::backend::Backend;
use server::clock::SharedClock;
use server::config::Config;
use server::error::ServiceError;
use server::mail::transport::Transport;
use server::mail::worker::{deliver_due, Throughput};
use server::mail::{outbox, Email};
use server::{accounts, invitations, practices};
use shared::email::EmailAddress;
use shared::ids::{AccountId, PracticeId};
use shared::invitation::{InviteRequest, InviteSource};
use shared::roles::Role;
use shared::validation::{LoginForm, PracticeForm, SignUpForm};
use std::sync::Arc;

const FROM: &str = "Carekeys <no-reply@carekeys.test>";

fn clock(env: &TestEnv) -> SharedClock {
    env.clock.clone()
}

fn typed(text: &str) -> InviteRequest {
    InviteRequest {
        source: InviteSource::Typed(text.into()),
        role: Role::Practitioner,
        validity_hours: None,
    }
}

async fn practice_of(backend: &Backend, owner: AccountId) -> PracticeId {
    let form = PracticeForm {
        name: "Harbour Clinic".into(),
        contact_email: "desk@harbour.example".into(),
        time_zone: "Europe/Oslo".into(),
    };
    practices::create(backend, &caller("10.0.0.1"), owner, &form)
        .await
        .unwrap()
}

/// The same services with one setting changed.
fn with_config(env: &TestEnv, change: impl FnOnce(&mut Config)) -> Backend {
    let mut config = (*env.backend.config).clone();
    change(&mut config);
    Backend {
        config: Arc::new(config),
        ..env.backend.clone()
    }
}

async fn a_sign_up_in_someone_elses_name_gives_its_maker_nothing(env: &TestEnv) {
    // The attacker asks for an account with the victim's address. The form
    // has no password to plant: whoever opens the emailed link chooses it.
    let attacker = caller("203.0.113.9");
    let form = SignUpForm {
        full_name: "Victim".into(),
        email: "victim@example.org".into(),
    };
    accounts::request_sign_up(&env.backend, &attacker, &form, None)
        .await
        .unwrap();
    let token = link_param(
        &env.last_mail_to("victim@example.org").await.body_text,
        "token",
    );
    // The page shows whose account it is before anyone types.
    let shown = accounts::check_sign_up_link(&env.backend, &token)
        .await
        .unwrap();
    assert_eq!(shown.as_str(), "victim@example.org");
    // Without a password nothing is created.
    match accounts::confirm_sign_up(&env.backend, &caller("10.0.0.2"), &token, "", None).await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("password").is_some()),
        other => panic!("expected a password error, got {other:?}"),
    }
    let victims = "the victim's own passphrase";
    accounts::confirm_sign_up(&env.backend, &caller("10.0.0.2"), &token, victims, None)
        .await
        .unwrap();
    let login = |password: &str| LoginForm {
        login: "victim@example.org".into(),
        password: password.into(),
    };
    assert!(
        accounts::log_in(&env.backend, &caller("10.0.0.2"), &login(victims), None)
            .await
            .is_ok()
    );
    assert!(matches!(
        accounts::log_in(&env.backend, &attacker, &login(PASSWORD), None).await,
        Err(ServiceError::InvalidCredentials)
    ));
}

async fn an_emailed_link_leaves_the_stored_copy_once_sent_over_smtp(env: &TestEnv) {
    person(env, "ada@example.org").await;
    // The local mailbox is this machine's inbox: its copies keep their links.
    let local = Transport::local_mailbox(env.dir.join("mail"), FROM).unwrap();
    env.deliver(&local).await;
    let confirmation = env.last_mail_to("ada@example.org").await;
    assert!(confirmation.body_text.contains("token="));

    accounts::request_password_reset(&env.backend, &caller("10.0.0.1"), "ada@example.org")
        .await
        .unwrap();
    let queued = env.last_mail_to("ada@example.org").await;
    let token = link_param(&queued.body_text, "token");
    let sink = SmtpSink::start(0).await;
    let smtp = Transport::smtp(&sink.url(), FROM).unwrap();
    let pass = env.deliver(&smtp).await;
    assert_eq!(pass.sent, 1);
    // Undo quoted-printable's soft line breaks before looking for the link.
    let delivered = sink.messages()[0]
        .data
        .replace("=\r\n", "")
        .replace("=\n", "");
    assert!(
        delivered.contains(&token),
        "the mail carries the link: {delivered}"
    );
    let stored = env.last_mail_to("ada@example.org").await;
    assert_eq!(stored.delivery(), outbox::Delivery::Sent);
    assert!(!stored.body_text.contains(&token), "{}", stored.body_text);
    assert!(stored.body_text.contains(outbox::REDACTED));
    // The link itself still works for the person who received it.
    accounts::reset_password(
        &env.backend,
        &caller("10.0.0.1"),
        &token,
        "a brand new passphrase",
    )
    .await
    .unwrap();
    sink.stop();
}

async fn only_the_worker_holding_the_lease_records_the_send(env: &TestEnv) {
    let to = EmailAddress::parse("ada@example.org").unwrap();
    env.queue(&Email::new(&to, "Hello", "Body")).await;
    let first = outbox::claim_due(env.db(), env.backend.now_ms(), 10)
        .await
        .unwrap()
        .remove(0);
    // The first worker stalls past its lease; a second one takes the message over.
    env.advance(Duration::milliseconds(outbox::LEASE_MS + 1));
    let second = outbox::claim_due(env.db(), env.backend.now_ms(), 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(first.id, second.id);
    let now = env.backend.now_ms();
    assert!(!outbox::mark_sent(
        env.db(),
        &first.id,
        first.attempts,
        outbox::Keep::Redacted,
        now
    )
    .await
    .unwrap());
    assert!(
        outbox::claim_due(env.db(), now, 10)
            .await
            .unwrap()
            .is_empty(),
        "the second worker's lease still holds"
    );
    assert_eq!(env.mails().await[0].delivery(), outbox::Delivery::Queued);
    assert!(outbox::mark_sent(
        env.db(),
        &second.id,
        second.attempts,
        outbox::Keep::Redacted,
        now
    )
    .await
    .unwrap());
    assert_eq!(env.mails().await[0].delivery(), outbox::Delivery::Sent);
}

async fn a_hanging_smtp_server_is_given_up_on_before_the_lease_ends(env: &TestEnv) {
    // Accepts connections and never says a word.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let to = EmailAddress::parse("ada@example.org").unwrap();
    env.queue(&Email::new(&to, "Hello", "Body")).await;
    let smtp = Transport::smtp(&format!("smtp://127.0.0.1:{port}"), FROM).unwrap();
    let throughput = Throughput {
        deadline: std::time::Duration::from_millis(300),
        ..Throughput::default()
    };
    let pass = deliver_due(env.db(), &smtp, &clock(env), &throughput)
        .await
        .unwrap();
    assert_eq!((pass.sent, pass.retrying), (0, 1));
    let row = &env.mails().await[0];
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("no answer within"),
        "{:?}",
        row.last_error
    );
    silent.abort();
}

async fn the_audit_chain_is_keyed_with_a_key_kept_outside_the_database(env: &TestEnv) {
    person(env, "ada@example.org").await;
    let key_file = env.dir.join("audit.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner may read the key");
    }
    assert!(matches!(
        audit::verify(env.db(), &env.backend.audit_key)
            .await
            .unwrap(),
        ChainCheck::Intact { .. }
    ));
    // Someone who rewrites history and recomputes the chain without the key
    // cannot make it verify: any other key breaks it at the first event.
    assert!(matches!(
        audit::verify(env.db(), &audit::Key::generate())
            .await
            .unwrap(),
        ChainCheck::Broken {
            seq: 1,
            reason: "the event was modified",
            ..
        }
    ));
    // A restart reads the same key from the data directory.
    let again = audit::Key::load_or_create(&key_file).unwrap();
    assert_eq!(again, env.backend.audit_key);
    // A damaged key file stops the start with a clear message, never a new key.
    std::fs::write(&key_file, "not a key\n").unwrap();
    let refused = audit::Key::load_or_create(&key_file)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("audit.key") && refused.contains("backup"),
        "{refused}"
    );
}

async fn a_practice_sends_at_most_its_daily_quota_of_invitations(env: &TestEnv) {
    let backend = with_config(env, |c| c.invitations_per_day = 3);
    let owner = person(env, "owner@example.org").await;
    let practice = practice_of(&backend, owner).await;
    let invite = |text: &'static str| {
        let backend = backend.clone();
        async move {
            invitations::invite(&backend, &caller("10.0.0.1"), owner, practice, &typed(text)).await
        }
    };
    invite("a@example.org, b@example.org").await.unwrap();
    let queued = env.mails().await.len();
    match invite("c@example.org, d@example.org").await {
        Err(ServiceError::Validation(errors)) => {
            let message = errors.get("addresses").unwrap();
            assert!(message.contains("only 1 more"), "{message}");
        }
        other => panic!("expected the quota to refuse, got {other:?}"),
    }
    assert_eq!(
        env.mails().await.len(),
        queued,
        "a refused list sends nothing"
    );
    invite("c@example.org").await.unwrap();
    let refused = invite("d@example.org").await.unwrap_err();
    assert!(
        format!("{refused:?}").contains("its 3 invitations"),
        "{refused:?}"
    );
    // A day later the window has moved on.
    env.advance(Duration::hours(24) + Duration::seconds(1));
    invite("d@example.org").await.unwrap();
}

async fn names_in_emails_carry_no_links_or_hidden_characters(env: &TestEnv) {
    // Forms refuse them, naming the field and the word.
    let form = SignUpForm {
        full_name: "Ada www.evil.example".into(),
        email: "ada@example.org".into(),
    };
    match accounts::request_sign_up(&env.backend, &caller("10.0.0.1"), &form, None).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors
                .get("full_name")
                .unwrap()
                .contains("www.evil.example"))
        }
        other => panic!("expected the name to be refused, got {other:?}"),
    }
    // A name stored before the rule (or written by other means) is cleaned in the email.
    let owner = person(env, "owner@example.org").await;
    let practice = practice_of(&env.backend, owner).await;
    let name = "Dr Evil\u{202E} https://evil.example/login \u{2066}Ada\u{2069}";
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE accounts SET full_name = $1 WHERE id = $2")
            .bind(name)
            .bind(owner)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
    .unwrap();
    invitations::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &typed("grace@example.org"),
    )
    .await
    .unwrap();
    let mail = env.last_mail_to("grace@example.org").await;
    for text in [&mail.subject, &mail.body_text] {
        assert!(!text.contains("evil.example"), "{text}");
        assert!(
            !text.contains('\u{202E}') && !text.contains('\u{2066}'),
            "{text}"
        );
    }
    assert!(
        mail.subject.starts_with("Dr Evil Ada invited you"),
        "{}",
        mail.subject
    );
}

async fn an_invitees_sign_up_is_limited_before_any_password_is_hashed(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = practice_of(&env.backend, owner).await;
    invitations::invite(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        &typed("grace@example.org"),
    )
    .await
    .unwrap();
    let token = link_param(
        &env.last_mail_to("grace@example.org").await.body_text,
        "token",
    );
    let stranger = caller("203.0.113.9");
    let mut answers = Vec::new();
    for _ in 0..6 {
        answers.push(
            invitations::sign_up_invitee(&env.backend, &stranger, &token, "Grace", PASSWORD, None)
                .await,
        );
    }
    assert!(answers[0].is_ok(), "{:?}", answers[0]);
    assert!(
        answers[1..5]
            .iter()
            .all(|a| matches!(a, Err(ServiceError::Validation(_)))),
        "then: this address already has an account"
    );
    assert!(
        matches!(answers[5], Err(ServiceError::RateLimited { .. })),
        "{:?}",
        answers[5]
    );
}

on_both_backends!(
    a_sign_up_in_someone_elses_name_gives_its_maker_nothing,
    an_emailed_link_leaves_the_stored_copy_once_sent_over_smtp,
    only_the_worker_holding_the_lease_records_the_send,
    a_hanging_smtp_server_is_given_up_on_before_the_lease_ends,
    the_audit_chain_is_keyed_with_a_key_kept_outside_the_database,
    a_practice_sends_at_most_its_daily_quota_of_invitations,
    names_in_emails_carry_no_links_or_hidden_characters,
    an_invitees_sign_up_is_limited_before_any_password_is_hashed,
);

/// An admin switches the join link to "approval needed" while someone is
/// joining: the joiner must see the link as it is when their change commits.
/// PostgreSQL only, where the wait for the practice's lock can be watched in
/// `pg_stat_activity`; on SQLite the same code waits on `BEGIN IMMEDIATE`.
#[tokio::test]
async fn a_join_sees_the_link_as_it_is_when_it_commits() {
    use server::db::Db;
    use shared::roles::Capability;
    use shared::team::{JoinLinkChange, JoinOutcome};
    let Some(env) = crate::support::TestEnv::new(crate::support::Backing::Postgres).await else {
        return;
    };
    let owner = person(&env, "owner@example.org").await;
    let practice = practice_of(&env.backend, owner).await;
    let open_link = JoinLinkChange::Enable {
        requires_approval: false,
    };
    let settings = server::join::change(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        open_link,
    )
    .await
    .unwrap();
    let code = settings
        .path
        .unwrap()
        .trim_start_matches("/join/")
        .to_owned();
    let joiner = server::sessions::SignedIn {
        account: person(&env, "nia@example.org").await,
        full_name: "Nia".into(),
        email: Some("nia@example.org".parse().unwrap()),
        must_change_password: false,
    };

    // The admin's change is under way and holds the practice.
    let (mut change, _) =
        practices::change_as(&env.backend, owner, practice, Capability::ChangeSettings)
            .await
            .unwrap();
    server::on_tx!(&mut change, c => {
        sqlx::query("UPDATE practices SET join_requires_approval = TRUE WHERE id = $1")
            .bind(practice)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .unwrap();
    let backend = env.backend.clone();
    let joining = tokio::spawn(async move {
        server::join::join(&backend, &caller("10.0.0.8"), &joiner, &code).await
    });
    // Until the joiner waits for the practice's row lock.
    let Db::Postgres(pool) = env.db() else {
        unreachable!("a PostgreSQL environment")
    };
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%FROM practices WHERE %FOR UPDATE%'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        tokio::task::yield_now().await;
    }
    change.commit().await.unwrap();
    assert_eq!(joining.await.unwrap().unwrap(), JoinOutcome::Requested);
    env.finish().await;
}
