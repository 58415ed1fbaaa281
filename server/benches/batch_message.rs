//! A batch message to every one of 5,000 clients on SQLite, as *Message
//! clients → All matching* sends it: read the clients, render each copy with
//! its own unsubscribe link, queue 5,000 emails, keep 5,000 history rows and
//! 5,000 audit events, commit (the budget: under 2 s).

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use server::backend::Caller;
use shared::messages::{BatchRequest, Draft, Recipients};
use std::time::{Duration, Instant};

const CLIENTS: u32 = 5_000;

fn batch_5k(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (backend, owner) = runtime.block_on(support::backend_with_owner());
    let request = BatchRequest {
        recipients: Recipients::Matching {
            search: String::new(),
        },
        draft: Draft {
            subject: "Opening hours over the holidays".into(),
            body: "Dear {client_first_name} {client_last_name},\n\nWe are closed from 24 to 26 December.\n\n{doctor_name}\n{practice_name}".into(),
        },
    };
    let mut group = c.benchmark_group("batch messages");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("a batch to 5,000 clients queued (SQLite)", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    // A fresh practice each time: the daily mail quota counts per practice.
                    let practice = support::new_practice(&backend, owner).await;
                    let server::db::Db::Sqlite(pool) = &backend.db else {
                        unreachable!("the benchmark runs on SQLite")
                    };
                    let mut tx = pool.begin().await.unwrap();
                    for i in 0..CLIENTS {
                        sqlx::query("INSERT INTO clients (id, practice_id, first_name, last_name, email, created_at) VALUES ($1, $2, $3, 'Costa', $4, 0)")
                            .bind(uuid::Uuid::new_v4().to_string())
                            .bind(practice)
                            .bind(format!("Client{i:05}"))
                            .bind(format!("client{i}@bench.example"))
                            .execute(&mut *tx)
                            .await
                            .unwrap();
                    }
                    tx.commit().await.unwrap();
                    let started = Instant::now();
                    let report = server::messages::send_batch(
                        &backend,
                        &Caller::default(),
                        owner,
                        practice,
                        &request,
                    )
                    .await
                    .unwrap();
                    total += started.elapsed();
                    assert_eq!((report.queued, report.skipped.len()), (CLIENTS, 0));
                }
                total
            })
        })
    });
    group.finish();
}

criterion_group!(benches, batch_5k);
criterion_main!(benches);
