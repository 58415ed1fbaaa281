//! What the virtual users do: list the team; log in at a fixed rate beside
//! that; and whole journeys of many users at once.

use crate::client::{form, Body, Browser, Http};
use crate::seed::{self, Seeded};
use crate::stats::Steps;
use shared::ids::PracticeId;
use shared::team::TeamQuery;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct World {
    http: Http,
    urls: Vec<String>,
    seeded: Arc<Seeded>,
    next_token: Arc<AtomicUsize>,
    /// Staff member `i`'s browser, kept from phase to phase: its device
    /// cookie is the one its practice trusted at the first login.
    staff: Arc<Vec<tokio::sync::Mutex<Browser>>>,
    /// The addresses of every invitation the server said it made.
    pub acknowledged: Arc<Mutex<Vec<String>>>,
}

impl World {
    pub fn new(http: Http, urls: Vec<String>, seeded: Seeded) -> World {
        let staff = (0..seeded.listers + seeded.users)
            .map(|i| tokio::sync::Mutex::new(browser(&http, &urls, i)))
            .collect();
        World {
            http,
            urls,
            seeded: Arc::new(seeded),
            next_token: Arc::new(AtomicUsize::new(0)),
            staff: Arc::new(staff),
            acknowledged: Arc::default(),
        }
    }
}

/// Person `i`'s browser: its own address, starting on server `i`.
fn browser(http: &Http, urls: &[String], i: usize) -> Browser {
    Browser::new(
        http.clone(),
        urls.to_vec(),
        i,
        format!("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256),
    )
}

async fn log_in(browser: &mut Browser, i: usize, steps: &mut Steps) -> bool {
    let body = form(&[
        ("form[login]", &seed::staff_email(i)),
        ("form[password]", seed::PASSWORD),
    ]);
    let (took, outcome) = browser.call("log_in", body).await;
    let outcome = outcome.and_then(|next| {
        if next.contains("waiting") {
            Err(format!("waits for approval: {next}"))
        } else {
            Ok(())
        }
    });
    let ok = outcome.is_ok();
    steps.record("log in", took, outcome);
    ok
}

async fn list_team(practice: PracticeId, browser: &mut Browser, search: &str, steps: &mut Steps) {
    let query = TeamQuery {
        search: search.into(),
        ..TeamQuery::default()
    };
    let body = Body::Json(serde_json::json!({ "practice": practice, "query": query }));
    let (took, outcome) = browser.call("team", body).await;
    let step = if search.is_empty() {
        "list team, page 1"
    } else {
        "search team"
    };
    steps.record(step, took, outcome.map(drop));
}

/// The listed practice's Admins, logged in.
async fn listers_in(world: &World) -> Vec<usize> {
    let mut steps = Steps::default();
    for i in 0..world.seeded.listers {
        log_in(&mut *world.staff[i].lock().await, i, &mut steps).await;
    }
    (0..world.seeded.listers).collect()
}

/// Throughput: every lister lists the team again as soon as it has the
/// answer, until `length` is over.
pub async fn listing(world: &World, length: Duration) -> Steps {
    let deadline = Instant::now() + length;
    let tasks: Vec<_> = listers_in(world)
        .await
        .into_iter()
        .map(|i| {
            let world = world.clone();
            tokio::spawn(async move {
                let mut browser = world.staff[i].lock().await;
                let mut steps = Steps::default();
                while Instant::now() < deadline {
                    list_team(world.seeded.listed, &mut browser, "", &mut steps).await;
                }
                steps
            })
        })
        .collect();
    let mut steps = Steps::default();
    for task in tasks {
        steps.merge(task.await.expect("listing task"));
    }
    steps
}

/// Latency under logins: the team is listed `lists` times a second and
/// `logins` of the busy practice's staff log in each second, both at fixed
/// rates whatever the answers take, until `length` is over.
pub async fn listing_under_logins(
    world: &World,
    length: Duration,
    lists: u64,
    logins: u64,
) -> Steps {
    let listers = listers_in(world).await;
    let deadline = Instant::now() + length;
    let every = |per_second: u64| {
        let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / per_second.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        tick
    };
    let (mut list_tick, mut login_tick) = (every(lists), every(logins));
    let mut arrivals = Vec::new();
    let (mut listed, mut logged) = (0, 0);
    while Instant::now() < deadline {
        let world = world.clone();
        let arrival = tokio::select! {
            _ = list_tick.tick() => {
                let i = listers[listed % listers.len()];
                listed += 1;
                tokio::spawn(async move {
                    let mut steps = Steps::default();
                    list_team(world.seeded.listed, &mut *world.staff[i].lock().await, "", &mut steps).await;
                    steps
                })
            }
            _ = login_tick.tick() => {
                let i = world.seeded.listers + logged % world.seeded.users;
                logged += 1;
                tokio::spawn(async move {
                    let mut steps = Steps::default();
                    log_in(&mut *world.staff[i].lock().await, i, &mut steps).await;
                    steps
                })
            }
        };
        arrivals.push(arrival);
    }
    let mut steps = Steps::default();
    for arrival in arrivals {
        steps.merge(arrival.await.expect("arrival task"));
    }
    steps
}

/// Every user of the busy practice at once, each going round its journey
/// until `length` is over.
pub async fn journeys(world: &World, length: Duration) -> Steps {
    let deadline = Instant::now() + length;
    let first = world.seeded.listers;
    let tasks: Vec<_> = (first..first + world.seeded.users)
        .map(|i| {
            let world = world.clone();
            tokio::spawn(async move {
                let mut steps = Steps::default();
                let mut invitee = browser(&world.http, &world.urls, i + 100_000);
                let mut own = world.staff[i].lock().await;
                let mut round = 0;
                while Instant::now() < deadline {
                    if !log_in(&mut own, i, &mut steps).await {
                        continue;
                    }
                    list_team(world.seeded.busy, &mut own, "", &mut steps).await;
                    list_team(world.seeded.busy, &mut own, "member 01", &mut steps).await;
                    accept_one(&world, &mut invitee, i, &mut steps).await;
                    if seed::invites(i) {
                        invite_50(&world, &mut own, i, round, &mut steps).await;
                    }
                    round += 1;
                }
                steps
            })
        })
        .collect();
    let mut steps = Steps::default();
    for task in tasks {
        steps.merge(task.await.expect("journey task"));
    }
    steps
}

/// A new person opens their invitation's page, signs up from it and accepts.
async fn accept_one(world: &World, invitee: &mut Browser, i: usize, steps: &mut Steps) {
    let n = world.next_token.fetch_add(1, Ordering::Relaxed);
    let Some(token) = world.seeded.tokens.get(n) else {
        return;
    };
    invitee.forget_cookies();
    let (took, outcome) = invitee.get(&format!("/invitation?token={token}")).await;
    steps.record("open invitation page", took, outcome.map(drop));
    let name = format!("Joiner {i} {n}");
    let body = form(&[
        ("token", token),
        ("full_name", &name),
        ("password", seed::PASSWORD),
    ]);
    let (took, outcome) = invitee.call("sign_up_invitee", body).await;
    let signed_up = outcome.is_ok();
    steps.record("sign up from invitation", took, outcome.map(drop));
    if signed_up {
        let (took, outcome) = invitee
            .call("accept_invitation", form(&[("token", token)]))
            .await;
        steps.record("accept invitation", took, outcome.map(drop));
    }
}

async fn invite_50(
    world: &World,
    browser: &mut Browser,
    i: usize,
    round: usize,
    steps: &mut Steps,
) {
    let addresses: Vec<String> = (0..50)
        .map(|k| format!("new{i}-{round}-{k}@load.example"))
        .collect();
    let request = shared::invitation::InviteRequest {
        source: shared::invitation::InviteSource::Typed(addresses.join("\n")),
        role: shared::roles::Role::Practitioner,
        validity_hours: None,
    };
    let body = Body::Json(serde_json::json!({ "practice": world.seeded.busy, "request": request }));
    let (took, outcome) = browser.call("invite_team", body).await;
    if outcome.is_ok() {
        world
            .acknowledged
            .lock()
            .expect("not poisoned")
            .extend(addresses);
    }
    steps.record("invite 50", took, outcome.map(drop));
}
