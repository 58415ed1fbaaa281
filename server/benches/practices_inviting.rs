//! Invitations per second from 20 practices at once on PostgreSQL
//! (performance issue, item 5): each practice invites one address at a time,
//! as people do, and every invitation is a transaction with its email and its
//! audit event. What serialises audited writes across practices shows here.

mod support;

use server::backend::Caller;
use shared::invitation::{InviteRequest, InviteSource};
use shared::roles::Role;
use std::time::Instant;

const PRACTICES: usize = 20;
const EACH: usize = 100;

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (backend, owner, schema) = support::postgres_backend_with_owner().await;
        let mut practices = Vec::new();
        for _ in 0..PRACTICES {
            practices.push(support::new_practice(&backend, owner).await);
        }
        let started = Instant::now();
        let tasks: Vec<_> = practices
            .into_iter()
            .enumerate()
            .map(|(p, practice)| {
                let backend = backend.clone();
                tokio::spawn(async move {
                    for i in 0..EACH {
                        let request = InviteRequest {
                            source: InviteSource::Typed(format!("person{i}@practice{p}.example")),
                            role: Role::Practitioner,
                            validity_hours: None,
                        };
                        let report = server::invitations::invite(
                            &backend,
                            &Caller::default(),
                            owner,
                            practice,
                            &request,
                        )
                        .await
                        .unwrap();
                        assert_eq!(report.len(), 1);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let seconds = started.elapsed().as_secs_f64();
        let total = PRACTICES * EACH;
        println!(
            "{total} invitations from {PRACTICES} practices at once (PostgreSQL, one per request) in {seconds:.2} s: {:.0} invitations/s",
            total as f64 / seconds
        );
        let check = server::audit::verify(&backend.db, &backend.audit_key)
            .await
            .unwrap();
        println!("audit chains after the run: {check:?}");
        if let server::db::Db::Postgres(pool) = &backend.db {
            pool.close().await;
        }
        schema.drop().await.unwrap();
    });
}
