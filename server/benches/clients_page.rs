//! The Clients list's server function on SQLite for a large practice: 10,000
//! clients, a tenth of them invited to the portal; page 1 plain and with a
//! search term (the Team page's budget applies: under 20 ms).

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use shared::clients::ClientQuery;
use std::time::Duration;

const CLIENTS: usize = 10_000;

fn clients_page(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (backend, owner, practice) = runtime.block_on(async {
        let (backend, owner, practice) = support::practice_with_owner().await;
        // Straight into the tables: the list's queries are what is measured.
        let server::db::Db::Sqlite(pool) = &backend.db else {
            unreachable!("the benchmark runs on SQLite")
        };
        let mut tx = pool.begin().await.unwrap();
        for i in 0..CLIENTS {
            let client = uuid::Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO clients (id, practice_id, first_name, last_name, email, created_at) VALUES ($1, $2, $3, $4, $5, 0)")
                .bind(&client)
                .bind(practice)
                .bind(format!("Client{i:05}"))
                .bind(if i % 10 == 0 { "Silva" } else { "Costa" })
                .bind(format!("client{i}@bench.example"))
                .execute(&mut *tx)
                .await
                .unwrap();
            if i % 10 == 0 {
                sqlx::query("INSERT INTO portal_invitations (id, practice_id, client_id, email, status, token_hash, expires_at, sent_at) VALUES ($1, $2, $3, $4, 'invited', $5, $6, 0)")
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(practice)
                    .bind(&client)
                    .bind(format!("client{i}@bench.example"))
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(i64::MAX)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        (backend, owner, practice)
    });
    let mut group = c.benchmark_group("clients page");
    group.measurement_time(Duration::from_secs(10));
    for (name, search, total) in [
        ("page 1 of 10,000 clients (SQLite)", "", CLIENTS),
        (
            "page 1 of 10,000 clients, searched (SQLite)",
            "silva",
            CLIENTS / 10,
        ),
    ] {
        let query = ClientQuery {
            search: search.into(),
            ..ClientQuery::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let list = runtime
                    .block_on(server::clients::list(&backend, owner, practice, &query))
                    .unwrap();
                assert_eq!(list.clients.total as usize, total);
                list
            })
        });
    }
    group.finish();
}

criterion_group!(benches, clients_page);
criterion_main!(benches);
