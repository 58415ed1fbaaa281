//! Community Health's server function on SQLite for a large community:
//! 2,000 registered members (nine in ten sharing, one in five also a client)
//! with 100,000 readings over
//! 12 weeks of 5 kinds (issue #11's budget: under 200 ms). Prints the query
//! plan first: the readings are read through an index, never scanned, and
//! nothing is sorted.

mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use shared::community::health::{Cohort, HealthQuery, KINDS};
use std::time::Duration;

const MEMBERS: usize = 2_000;
const READINGS: usize = 100_000;
const WEEKS: u32 = 12;
const WEEK_MS: i64 = 7 * 24 * 60 * 60 * 1000;

fn community_health(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (backend, owner, practice) = runtime.block_on(async {
        let (backend, owner, practice) = support::practice_with_owner().await;
        // Straight into the tables: the aggregate is what is measured.
        let server::db::Db::Sqlite(pool) = &backend.db else {
            unreachable!("the benchmark runs on SQLite")
        };
        let now = backend.now_ms();
        let mut tx = pool.begin().await.unwrap();
        let mut accounts = Vec::with_capacity(MEMBERS);
        for i in 0..MEMBERS {
            let account = support::insert_account(&mut tx, i).await;
            sqlx::query("INSERT INTO community_members (id, practice_id, email, status, account_id, sharing, added_at) VALUES ($1, $2, $3, 'accepted', $4, $5, 0)")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(practice)
                .bind(format!("member{i}@bench.example"))
                .bind(&account)
                .bind(i % 10 != 0)
                .execute(&mut *tx)
                .await
                .unwrap();
            // One in five is also a client of the practice, with a portal login.
            if i % 5 == 0 {
                let client = uuid::Uuid::new_v4().to_string();
                sqlx::query("INSERT INTO clients (id, practice_id, first_name, last_name, email, created_at) VALUES ($1, $2, 'Member', $3, $4, 0)")
                    .bind(&client)
                    .bind(practice)
                    .bind(format!("{i:04}"))
                    .bind(format!("member{i}@bench.example"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                sqlx::query("INSERT INTO portal_logins (client_id, practice_id, account_id, email, created_at) VALUES ($1, $2, $3, $4, 0)")
                    .bind(&client)
                    .bind(practice)
                    .bind(&account)
                    .bind(format!("member{i}@bench.example"))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            accounts.push(account);
        }
        for i in 0..READINGS {
            let kind = KINDS[i % KINDS.len()];
            // Spread over the 12 weeks up to now, every member, every kind.
            let ago = (i as i64 * 7_919) % (i64::from(WEEKS) * WEEK_MS / 1000) * 1000;
            sqlx::query("INSERT INTO readings (id, account_id, kind, value, taken_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $5)")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(&accounts[(i / KINDS.len()) % MEMBERS])
                .bind(kind.code())
                .bind(1_000 + (i as i64 * 37) % 500)
                .bind(now - ago)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        sqlx::query("ANALYZE").execute(pool).await.unwrap();
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", server::community::HEALTH_SQL))
                .bind(practice)
                .bind(0_i64)
                .bind(now)
                .bind(WEEK_MS)
                .fetch_all(pool)
                .await
                .unwrap();
        println!("query plan:");
        for (_, _, _, step) in &plan {
            println!("  {step}");
        }
        assert!(
            plan.iter().any(|(_, _, _, s)| s.contains("USING COVERING INDEX readings_account_time")),
            "the readings must be read through their index"
        );
        assert!(
            !plan.iter().any(|(_, _, _, s)| s.contains("TEMP B-TREE")),
            "the members arrive in order: grouping needs no sort"
        );
        (backend, owner, practice)
    });
    let mut group = c.benchmark_group("community health");
    group.measurement_time(Duration::from_secs(10));
    let query = HealthQuery { weeks: WEEKS };
    group.bench_function(
        "100,000 readings of 2,000 members, 12 weeks, 5 kinds (SQLite)",
        |b| {
            b.iter(|| {
                let view = runtime
                    .block_on(server::community::health(&backend, owner, practice, query))
                    .unwrap();
                let everyone = view.cells.iter().filter(|c| c.cohort == Cohort::Everyone);
                assert!(everyone.clone().count() == WEEKS as usize * KINDS.len());
                assert!(everyone.clone().all(|c| c.figures.is_some()));
                assert!(view
                    .cells
                    .iter()
                    .filter(|c| c.cohort == Cohort::Clients)
                    .all(|c| c.figures.is_some()));
                view
            })
        },
    );
    group.finish();
}

criterion_group!(benches, community_health);
criterion_main!(benches);
