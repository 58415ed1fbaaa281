//! The outbox delivers over real SMTP to a server on loopback, retries with
//! backoff while that server is down, and delivers each message exactly once.

use crate::support::smtp::{free_port, SmtpSink};
use crate::support::TestEnv;
use chrono::Duration;
use server::clock::SharedClock;
use server::mail::sent_log::SentLog;
use server::mail::transport::Transport;
use server::mail::worker::{deliver_due, Pass, Throughput};
use server::mail::{outbox, Email};
use shared::email::EmailAddress;

fn email(to: &str, subject: &str) -> Email {
    Email::new(
        &EmailAddress::parse(to).unwrap(),
        subject,
        format!("Body of {subject}\n.leading dot line\n"),
    )
}

fn clock(env: &TestEnv) -> SharedClock {
    env.clock.clone()
}

async fn delivers_over_smtp_and_the_server_reads_it_back(env: &TestEnv) {
    let sink = SmtpSink::start(0).await;
    let transport = Transport::smtp(&sink.url(), "Carekeys <no-reply@carekeys.test>").unwrap();
    env.queue(&email("ada@example.org", "Hello Ada")).await;
    let pass = env.deliver(&transport).await;
    assert_eq!(
        pass,
        Pass {
            sent: 1,
            retrying: 0,
            failed: 0
        }
    );
    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, vec!["ada@example.org".to_string()]);
    assert!(
        received[0].from.contains("no-reply@carekeys.test"),
        "envelope sender: {}",
        received[0].from
    );
    assert!(received[0].data.contains("Subject: Hello Ada"));
    assert!(
        received[0].data.contains(".leading dot line"),
        "dot-stuffing round-trips: {}",
        received[0].data
    );
    assert_eq!(env.mails().await[0].delivery(), outbox::Delivery::Sent);
    sink.stop();
}

async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_up(env: &TestEnv) {
    let port = free_port().await;
    let transport = Transport::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "Carekeys <no-reply@carekeys.test>",
    )
    .unwrap();
    env.queue(&email("ada@example.org", "Waiting")).await;

    let down = env.deliver(&transport).await;
    assert_eq!(
        down,
        Pass {
            sent: 0,
            retrying: 1,
            failed: 0
        }
    );
    let row = &env.mails().await[0];
    assert_eq!(
        (row.delivery(), row.attempts),
        (outbox::Delivery::Queued, 1)
    );
    assert!(row.last_error.is_some());

    let sink = SmtpSink::start(port).await;
    // Not due yet: the backoff (30 s) has not passed.
    assert_eq!(env.deliver(&transport).await, Pass::default());
    env.advance(Duration::seconds(31));
    assert_eq!(env.deliver(&transport).await.sent, 1);
    env.advance(Duration::hours(2));
    assert_eq!(env.deliver(&transport).await, Pass::default());
    assert_eq!(sink.messages().len(), 1, "delivered exactly once");
    assert_eq!(env.mails().await[0].delivery(), outbox::Delivery::Sent);
    sink.stop();
}

/// The SMTP server goes away while the pool holds connections to it, then
/// comes back: the message sent meanwhile waits for a retry, and each
/// message arrives once.
async fn an_smtp_server_that_drops_its_connections_costs_a_retry_not_a_message(env: &TestEnv) {
    let mut sink = SmtpSink::start(0).await;
    let transport = Transport::smtp(&sink.url(), "Carekeys <no-reply@carekeys.test>").unwrap();
    env.queue(&email("ada@example.org", "Before")).await;
    assert_eq!(env.deliver(&transport).await.sent, 1);

    sink.pause();
    env.queue(&email("ben@example.org", "During")).await;
    let down = env.deliver(&transport).await;
    assert_eq!((down.sent, down.retrying), (0, 1));

    sink.resume().await;
    env.advance(Duration::seconds(31));
    assert_eq!(env.deliver(&transport).await.sent, 1);
    let received: Vec<Vec<String>> = sink.messages().into_iter().map(|m| m.to).collect();
    assert_eq!(
        received,
        [
            vec!["ada@example.org".to_string()],
            vec!["ben@example.org".to_string()]
        ],
        "each message once"
    );
    sink.stop();
}

async fn a_message_accepted_just_before_a_crash_is_not_sent_again(env: &TestEnv) {
    let sink = SmtpSink::start(0).await;
    let transport = Transport::smtp(&sink.url(), "Carekeys <no-reply@carekeys.test>").unwrap();
    env.queue_all(&[
        email("ada@example.org", "Noted"),
        email("ben@example.org", "Not noted"),
    ])
    .await;
    // A worker claims both and the server accepts both; the process dies
    // before it marks either sent, having noted only Ada's in the sent log.
    let log = SentLog::open(&env.dir).unwrap();
    let claimed = outbox::claim_due(env.db(), env.backend.now_ms(), 10)
        .await
        .unwrap();
    for message in &claimed {
        transport.deliver(message).await.unwrap();
    }
    let ada = claimed
        .iter()
        .find(|m| m.to_address == "ada@example.org")
        .unwrap();
    log.record(&ada.id, ada.attempts).unwrap();
    drop(log);

    // The next start, after the leases lapsed: the log first, then delivery.
    env.advance(Duration::milliseconds(outbox::LEASE_MS + 1));
    let log = SentLog::open(&env.dir).unwrap();
    let now = env.backend.now_ms();
    assert_eq!(
        log.replay(env.db(), transport.keeps(), now).await.unwrap(),
        1
    );
    assert_eq!(
        env.deliver(&transport).await.sent,
        1,
        "only the message the log did not note goes again"
    );
    let mut received: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    received.sort();
    assert_eq!(
        received,
        ["ada@example.org", "ben@example.org", "ben@example.org"]
    );
    assert_eq!(
        log.replay(env.db(), transport.keeps(), now).await.unwrap(),
        0,
        "a replayed log is emptied"
    );
    sink.stop();
}

async fn gives_up_after_the_last_attempt(env: &TestEnv) {
    let port = free_port().await;
    let transport = Transport::smtp(
        &format!("smtp://127.0.0.1:{port}"),
        "Carekeys <no-reply@carekeys.test>",
    )
    .unwrap();
    // It carries a link, whose secret must not outlive the message.
    let secret = server::tokens::Secret::generate();
    let never = Email::new(
        &EmailAddress::parse("ada@example.org").unwrap(),
        "Never",
        format!(
            "Open http://carekeys.test/reset-password?token={}\n",
            secret.expose()
        ),
    )
    .carrying(&secret);
    env.queue(&never).await;
    for _ in 1..outbox::MAX_ATTEMPTS {
        assert_eq!(env.deliver(&transport).await.retrying, 1);
        env.advance(Duration::hours(1));
    }
    assert_eq!(env.deliver(&transport).await.failed, 1);
    let given_up = &env.mails().await[0];
    assert_eq!(given_up.delivery(), outbox::Delivery::Failed);
    assert!(
        !given_up.body_text.contains(secret.expose()),
        "{}",
        given_up.body_text
    );
}

/// Two servers' workers, each claiming batches and keeping several messages
/// in flight, deliver 1,000 messages: each arrives exactly once.
async fn two_workers_never_send_one_message_twice(env: &TestEnv) {
    const MESSAGES: usize = 1_000;
    let sink = SmtpSink::start(0).await;
    let emails: Vec<_> = (0..MESSAGES)
        .map(|i| email(&format!("p{i}@example.org"), &format!("Message {i}")))
        .collect();
    env.queue_all(&emails).await;
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (db, clock, url) = (env.db().clone(), clock(env), sink.url());
            tokio::spawn(async move {
                let transport = Transport::smtp(&url, "Carekeys <no-reply@carekeys.test>").unwrap();
                deliver_due(&db, &transport, &clock, &Throughput::default())
                    .await
                    .unwrap()
                    .sent
            })
        })
        .collect();
    let mut sent = 0;
    for worker in workers {
        sent += worker.await.unwrap();
    }
    assert_eq!(sent, MESSAGES);
    let mut to: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), MESSAGES);
    assert_eq!(sink.messages().len(), MESSAGES);
    sink.stop();
}

async fn without_smtp_mail_lands_in_the_local_mailbox(env: &TestEnv) {
    let dir = env.dir.join("mail");
    let transport =
        Transport::local_mailbox(dir.clone(), "Carekeys <no-reply@carekeys.test>").unwrap();
    env.queue(&email("ada@example.org", "Kept locally")).await;
    assert_eq!(env.deliver(&transport).await.sent, 1);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].extension().is_some_and(|e| e == "eml"));
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("Subject: Kept locally") && text.contains("To: ada@example.org"));
}

async fn a_rolled_back_change_sends_nothing(env: &TestEnv) {
    let mut tx = env.db().begin().await.unwrap();
    outbox::enqueue(
        &mut tx,
        None,
        &email("ada@example.org", "Never committed"),
        env.backend.now_ms(),
    )
    .await
    .unwrap();
    drop(tx); // rolled back, as when a later step of the change fails
    assert!(env.mails().await.is_empty());
}

/// The mailbox page holds sign-up and reset links: only the development switch,
/// no SMTP server and a browser on this machine open it.
async fn the_mailbox_page_needs_the_development_switch_and_this_machine(env: &TestEnv) {
    use server::error::ServiceError;
    use server::mail::mailbox;
    env.queue(&email("ada@example.org", "Your link")).await;
    let here = crate::support::caller("127.0.0.1");
    let elsewhere = crate::support::caller("203.0.113.9");
    // Off by default, even for this machine.
    assert!(matches!(
        mailbox::recent(&env.backend, &here).await,
        Err(ServiceError::NotFound)
    ));
    let mut dev = env.backend.clone();
    dev.config = std::sync::Arc::new(server::config::Config {
        dev_mailbox: true,
        ..(*env.backend.config).clone()
    });
    let shown = mailbox::recent(&dev, &here).await.unwrap();
    assert_eq!(shown[0].subject, "Your link");
    assert!(matches!(
        mailbox::recent(&dev, &elsewhere).await,
        Err(ServiceError::NotFound)
    ));
}

on_both_backends!(
    the_mailbox_page_needs_the_development_switch_and_this_machine,
    delivers_over_smtp_and_the_server_reads_it_back,
    mail_queued_while_smtp_is_down_is_delivered_once_it_is_up,
    an_smtp_server_that_drops_its_connections_costs_a_retry_not_a_message,
    a_message_accepted_just_before_a_crash_is_not_sent_again,
    gives_up_after_the_last_attempt,
    two_workers_never_send_one_message_twice,
    without_smtp_mail_lands_in_the_local_mailbox,
    a_rolled_back_change_sends_nothing,
);
