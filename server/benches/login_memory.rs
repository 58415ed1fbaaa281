//! Memory through a burst of logins (performance issue, item 1): prints the
//! process's resident memory before and after 200 concurrent logins of 200
//! people, on the same multi-threaded runtime and blocking pool the server
//! uses. Budget: under 100 MB after the burst.

mod support;

use server::backend::Caller;
use shared::validation::LoginForm;
use std::time::Instant;

/// A line of /proc/self/status in MB (`VmRSS` now, `VmHWM` the peak).
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    // As the server binaries do before their runtime starts.
    server::memory::few_arenas();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (backend, _) = support::backend_with_owner().await;
        let people: Vec<String> = (0..200).map(|i| format!("person{i}@bench.example")).collect();
        for (i, email) in people.iter().enumerate() {
            support::account(&backend, email, &format!("10.2.{}.{}", i / 250, i % 250)).await;
        }
        println!("RSS before the logins: {:.1} MB", status_mb("VmRSS:"));
        for burst in 1..=2 {
            let started = Instant::now();
            let logins = people.iter().enumerate().map(|(i, email)| {
                let (backend, email) = (backend.clone(), email.clone());
                tokio::spawn(async move {
                    // 200 people, each from their own address, as a morning rush would be.
                    let caller = Caller {
                        ip: Some(format!("10.1.{}.{}", i / 250, i % 250)),
                        user_agent: None,
                        device: None,
                    };
                    let form = LoginForm {
                        login: email,
                        password: support::OWNER_PASSWORD.into(),
                    };
                    server::accounts::log_in(&backend, &caller, &form, None).await
                })
            });
            let mut ok = 0;
            for login in logins.collect::<Vec<_>>() {
                if login.await.unwrap().is_ok() {
                    ok += 1;
                }
            }
            println!(
                "burst {burst}: {ok}/200 logins succeeded in {:.1} s; RSS after: {:.1} MB (peak {:.1} MB)",
                started.elapsed().as_secs_f64(),
                status_mb("VmRSS:"),
                status_mb("VmHWM:"),
            );
        }
    });
}
