//! Inviting 10,000 pasted addresses in one request on SQLite: parse, validate,
//! deduplicate, store invitations, queue emails, write audit events, commit
//! (the budget: under 1.5 s).

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use server::backend::Caller;
use shared::invitation::{InviteRequest, InviteSource};
use shared::roles::Role;
use std::time::{Duration, Instant};

fn pasted(n: usize) -> String {
    (0..n)
        .map(|i| format!("person{i}@example{}.org\n", i % 97))
        .collect()
}

fn invite_10k(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (backend, owner) = runtime.block_on(support::backend_with_owner());
    let request = InviteRequest {
        source: InviteSource::Typed(pasted(10_000)),
        role: Role::Practitioner,
        validity_hours: None,
    };
    let mut group = c.benchmark_group("team invitations");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("invite 10,000 pasted addresses (SQLite)", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    // A fresh practice each time, so every address is new to it.
                    let practice = support::new_practice(&backend, owner).await;
                    let started = Instant::now();
                    let report = server::invitations::invite(
                        &backend,
                        &Caller::default(),
                        owner,
                        practice,
                        &request,
                    )
                    .await
                    .unwrap();
                    total += started.elapsed();
                    assert_eq!(report.len(), 10_000);
                }
                total
            })
        })
    });
    group.finish();
}

criterion_group!(benches, invite_10k);
criterion_main!(benches);
