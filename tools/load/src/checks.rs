//! After the load: was anything lost or done twice? Each check prints its
//! counts and answers whether it held.

use crate::smtp::SmtpSink;
use server::db::Db;
use server::on_pool;
use std::collections::HashSet;
use std::time::{Duration, Instant};

async fn count(db: &Db, sql: &str) -> i64 {
    on_pool!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).expect("count")
}

/// Waits for the outbox to empty (at most `patience`: a failed send is
/// retried after 30 s, 1 min, 2 min; a killed server's leases run 2 min),
/// then compares what the SMTP server received with what was queued.
pub async fn emails(db: &Db, smtp: &SmtpSink, patience: Duration) -> bool {
    let waiting_since = Instant::now();
    while count(db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await > 0
        && waiting_since.elapsed() < patience
    {
        // The servers' workers deliver on their own; nothing here to wait on.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let queued = count(db, "SELECT COUNT(*) FROM outbox").await;
    let unsent = count(db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await;
    let received = smtp.messages();
    // Every message carries its outbox row's id as its Message-ID.
    let ids: HashSet<&str> = received
        .iter()
        .filter_map(|m| {
            m.data
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        })
        .collect();
    let twice = received.len() - ids.len();
    let missing = queued - ids.len() as i64;
    println!(
        "Emails: {queued} queued; {} arrived at the SMTP server, {} distinct; {twice} twice; {missing} missing; {unsent} not marked sent ({:.1} s after the load)",
        received.len(),
        ids.len(),
        waiting_since.elapsed().as_secs_f64()
    );
    twice == 0 && missing == 0
}

/// Every invitation the server acknowledged is there, with its email queued.
pub async fn invitations(db: &Db, acknowledged: &[String]) -> bool {
    let column = |sql: &'static str| async move {
        on_pool!(db, pool => sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await)
            .expect("addresses")
    };
    let invited: HashSet<String> = column("SELECT email FROM invitations")
        .await
        .into_iter()
        .collect();
    let mailed: HashSet<String> = column("SELECT to_address FROM outbox")
        .await
        .into_iter()
        .collect();
    let missing = acknowledged
        .iter()
        .filter(|a| !invited.contains(*a))
        .count();
    let unmailed = acknowledged.iter().filter(|a| !mailed.contains(*a)).count();
    let doubled = count(db, "SELECT COUNT(*) FROM (SELECT practice_id, email FROM invitations GROUP BY practice_id, email HAVING COUNT(*) > 1) d").await;
    println!(
        "Invitations: {} acknowledged; {missing} of them missing, {unmailed} without their email; {doubled} addresses invited twice to one practice",
        acknowledged.len()
    );
    missing == 0 && unmailed == 0 && doubled == 0
}

/// Every audit chain verifies from its start.
pub async fn audit(db: &Db, key: &server::audit::Key) -> bool {
    let check = server::audit::verify(db, key)
        .await
        .expect("audit chains read");
    println!("Audit chains: {check:?}");
    matches!(check, server::audit::ChainCheck::Intact { .. })
}

/// SQLite's own check of its file.
pub async fn integrity(db: &Db) -> bool {
    let Db::Sqlite(pool) = db else { return true };
    let answer: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .expect("integrity check");
    println!("SQLite integrity_check: {answer}");
    answer == "ok"
}
