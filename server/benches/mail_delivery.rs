//! Email delivery at volume (performance issue, item 2): queues 5,000
//! messages on SQLite and times the outbox worker delivering them, once to a
//! real SMTP server on loopback (the tests' own, which counts what arrived)
//! and once to the local `.eml` mailbox; prints messages per second.
//! Budget: at least 200 a second, each message exactly once.

#[path = "../tests/it/support/smtp.rs"]
#[allow(dead_code)] // the tests use more of it than this benchmark
mod smtp;
mod support;

use server::backend::Backend;
use server::mail::transport::Transport;
use server::mail::worker::{deliver_due, Throughput};
use server::mail::{outbox, Email};
use shared::email::EmailAddress;
use std::time::Instant;

const MESSAGES: usize = 5_000;
const FROM: &str = "Carekeys <no-reply@carekeys.test>";

async fn queue(backend: &Backend) {
    let emails: Vec<Email> = (0..MESSAGES)
        .map(|i| {
            let to = EmailAddress::parse(&format!("person{i}@bench.example")).unwrap();
            Email::new(
                &to,
                format!("Message {i}"),
                "A message of a few lines, as an invitation is.\n",
            )
        })
        .collect();
    let mut tx = backend.db.begin().await.unwrap();
    outbox::enqueue_all(&mut tx, None, &emails, backend.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Delivers everything queued; prints the rate and answers how many were sent.
async fn deliver(backend: &Backend, transport: &Transport, to: &str) -> usize {
    let started = Instant::now();
    let pass = deliver_due(
        &backend.db,
        transport,
        &backend.clock,
        &Throughput::default(),
    )
    .await
    .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} messages to {to} in {seconds:.2} s: {:.0} messages/s ({} retrying, {} failed)",
        pass.sent,
        pass.sent as f64 / seconds,
        pass.retrying,
        pass.failed
    );
    pass.sent
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (backend, _) = support::backend_with_owner().await;
        // The owner's sign-up mail is in the outbox too: send it first.
        let local = Transport::local_mailbox(backend.config.data_dir.join("mail"), FROM).unwrap();
        deliver_due(&backend.db, &local, &backend.clock, &Throughput::default())
            .await
            .unwrap();

        let sink = smtp::SmtpSink::start(0).await;
        queue(&backend).await;
        let smtp = Transport::smtp(&sink.url(), FROM).unwrap();
        let sent = deliver(&backend, &smtp, "a loopback SMTP server").await;
        let mut arrived: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
        let total = arrived.len();
        arrived.sort();
        arrived.dedup();
        println!("arrived: {total}, distinct recipients: {}", arrived.len());
        assert_eq!((sent, total, arrived.len()), (MESSAGES, MESSAGES, MESSAGES));
        sink.stop();

        queue(&backend).await;
        let sent = deliver(&backend, &local, "the local .eml mailbox").await;
        assert_eq!(sent, MESSAGES);
    });
}
