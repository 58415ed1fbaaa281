//! `make load`: virtual users on loopback against one or more release app
//! servers on one database (performance issue, items 3, 4, 6 and 8). It seeds
//! a database, starts the servers, runs three timed phases, prints req/s and
//! p50 / p95 / p99 per step, errors and the servers' memory, then checks that
//! nothing was lost: every queued email reached the SMTP server exactly once,
//! every acknowledged invitation is stored with its email, the audit chains
//! verify (and on SQLite, the file passes `integrity_check`). It stops by
//! itself and exits non-zero when a check fails.
//!
//!   load [--postgres [URL]] [--servers N] [--seconds S] [--users N]
//!        [--lists-per-second N] [--logins-per-second N]
//!        [--fault smtp-down|kill-server|kill-sqlite] [--outage S]

mod checks;
mod client;
mod phases;
mod seed;
mod servers;
#[path = "../../../server/tests/it/support/smtp.rs"]
#[allow(dead_code)] // the tests use more of it than this tool
mod smtp;
mod stats;

use phases::World;
use server::db::{Db, PostgresSchema};
use servers::{Memory, Servers};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Something to break during the third phase.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// The SMTP server goes away for `--outage` seconds, then comes back.
    SmtpDown,
    /// One app server of several is SIGKILLed halfway through.
    KillServer,
    /// The only server, on SQLite, is SIGKILLed halfway and started again.
    KillSqlite,
}

struct Options {
    postgres: Option<String>,
    servers: usize,
    seconds: u64,
    users: usize,
    /// Users listing the team in phases 1 and 2.
    listers: usize,
    logins_per_second: u64,
    /// Phase 2's rate of listing the team.
    lists_per_second: u64,
    fault: Option<Fault>,
    outage: u64,
}

const USAGE: &str = "usage: load [--postgres [URL]] [--servers N] [--seconds S] [--users N] [--lists-per-second N] [--logins-per-second N] [--fault smtp-down|kill-server|kill-sqlite] [--outage S]";

fn options() -> Result<Options, String> {
    let mut options = Options {
        postgres: None,
        servers: 1,
        seconds: 20,
        users: 200,
        listers: 32,
        logins_per_second: 20,
        lists_per_second: 200,
        fault: None,
        outage: 60,
    };
    let mut args = std::env::args().skip(1).peekable();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| {
            args.next()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|v| *v > 0)
                .ok_or(format!("{name} takes a whole number above 0"))
        };
        match arg.as_str() {
            "--servers" => options.servers = number("--servers")? as usize,
            "--seconds" => options.seconds = number("--seconds")?,
            "--users" => options.users = number("--users")? as usize,
            "--outage" => options.outage = number("--outage")?,
            "--lists-per-second" => options.lists_per_second = number("--lists-per-second")?,
            "--logins-per-second" => options.logins_per_second = number("--logins-per-second")?,
            "--fault" => {
                options.fault = Some(match args.next().as_deref() {
                    Some("smtp-down") => Fault::SmtpDown,
                    Some("kill-server") => Fault::KillServer,
                    Some("kill-sqlite") => Fault::KillSqlite,
                    _ => return Err("--fault is smtp-down, kill-server or kill-sqlite".into()),
                })
            }
            "--postgres" => {
                let url = match args.peek() {
                    Some(url) if url.starts_with("postgres") => args.next().expect("peeked"),
                    _ => std::env::var("TEST_POSTGRES_URL")
                        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
                };
                options.postgres = Some(url);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.postgres.is_none() && options.servers > 1 {
        return Err("several servers share a database only on PostgreSQL: add --postgres".into());
    }
    if options.fault == Some(Fault::KillServer) && options.servers < 2 {
        return Err("--fault kill-server needs --servers 2 or more".into());
    }
    if options.fault == Some(Fault::KillSqlite)
        && (options.postgres.is_some() || options.servers > 1)
    {
        return Err("--fault kill-sqlite is for the single server on SQLite".into());
    }
    if options.fault == Some(Fault::SmtpDown) && options.outage >= options.seconds {
        return Err("--fault smtp-down: the outage must end within the third phase (--outage below --seconds)".into());
    }
    if options.users < 10 {
        return Err("--users must be at least 10 (every tenth invites)".into());
    }
    Ok(options)
}

fn main() {
    let options = options().unwrap_or_else(|why| {
        eprintln!("load: {why}\n{USAGE}");
        std::process::exit(2);
    });
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let held = runtime.block_on(run(options));
    std::process::exit(if held { 0 } else { 1 });
}

async fn run(options: Options) -> bool {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let binary = root.join("target/release/app");
    if !binary.exists() {
        eprintln!(
            "load: {} is missing: run `make build-release` first",
            binary.display()
        );
        std::process::exit(2);
    }
    let data_dir =
        std::env::temp_dir().join(format!("carekeys-load-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&data_dir).expect("data directory");
    let schema = match &options.postgres {
        Some(base) => Some(
            PostgresSchema::create(base, "load")
                .await
                .expect("PostgreSQL"),
        ),
        None => None,
    };
    let database_url = schema.as_ref().map_or_else(
        || format!("sqlite://{}/carekeys.db", data_dir.display()),
        |s| s.url.clone(),
    );
    let audit_key = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let key = server::audit::Key::from_hex(&audit_key).expect("64 hex digits");
    let smtp = Arc::new(Mutex::new(smtp::SmtpSink::start(0).await));
    let smtp_url = smtp.lock().await.url();

    let config = server::config::Config {
        database_url: database_url.clone(),
        audit_key: Some(key.clone()),
        invitations_per_day: i64::MAX,
        ..server::config::Config::local(data_dir.clone())
    };
    let started = Instant::now();
    let seeded = seed::seed(config, options.listers, options.users, options.users * 20).await;
    println!(
        "Seeded in {:.1} s ({}): the listed team of its owner, {} Admins who list it and {} open invitations; {} staff of a busy practice; {} invitations to accept",
        started.elapsed().as_secs_f64(),
        if options.postgres.is_some() { "PostgreSQL" } else { "SQLite" },
        seeded.listers,
        seed::TEAM_INVITATIONS,
        seeded.users,
        seeded.tokens.len(),
    );

    let setting = servers::Setting {
        binary,
        site_root: root.join("target/site"),
        data_dir: data_dir.clone(),
        database_url: database_url.clone(),
        audit_key,
        smtp_url,
    };
    let mut ports = Vec::new();
    for _ in 0..options.servers {
        ports.push(smtp::free_port().await);
    }
    let servers = Servers::start(setting, &ports);
    let http = client::http();
    servers.ready(&http).await;
    let memory = Memory::watch(servers.pids());
    println!(
        "{} app server(s): {}; RSS at start: {}",
        servers.urls.len(),
        servers.urls.join(", "),
        memory.now()
    );
    let world = World::new(http.clone(), servers.urls.clone(), seeded);
    let servers = Arc::new(Mutex::new(servers));
    let phase = Duration::from_secs(options.seconds);
    let seconds = phase.as_secs_f64();

    // A fault run is about what is lost, not how fast: straight to the journeys.
    if options.fault.is_none() {
        println!(
            "\n1. {} Admins list their team (page 1: {} members and 50 invitations), {} s",
            options.listers,
            options.listers + 1,
            options.seconds
        );
        phases::listing(&world, phase).await.print(seconds);

        println!(
            "\n2. the team listed {} times a second while {} logins a second arrive (argon2 on the blocking pool), {} s",
            options.lists_per_second, options.logins_per_second, options.seconds
        );
        phases::listing_under_logins(
            &world,
            phase,
            options.lists_per_second,
            options.logins_per_second,
        )
        .await
        .print(seconds);
    }

    println!(
        "\n3. {} users at once: log in, list, search, open an invitation and accept it; every tenth invites 50, {} s",
        options.users, options.seconds
    );
    let fault = options.fault.map(|fault| {
        let (servers, smtp, memory, http) =
            (servers.clone(), smtp.clone(), memory.clone(), http.clone());
        tokio::spawn(inject(
            fault,
            phase,
            Duration::from_secs(options.outage),
            servers,
            smtp,
            memory,
            http,
        ))
    });
    phases::journeys(&world, phase).await.print(seconds);
    if let Some(fault) = fault {
        fault.await.expect("fault task");
    }
    println!("  RSS after: {}; peak: {}", memory.now(), memory.peak());

    println!();
    let db = Db::connect(&database_url).await.expect("database");
    let patience = Duration::from_secs(if options.fault.is_some() { 300 } else { 120 });
    let acknowledged = world.acknowledged.lock().expect("not poisoned").clone();
    let held = [
        checks::emails(&db, &*smtp.lock().await, patience).await,
        checks::invitations(&db, &acknowledged).await,
        checks::audit(&db, &key).await,
        checks::integrity(&db).await,
    ]
    .iter()
    .all(|held| *held);
    println!(
        "{}",
        if held {
            "Nothing lost, nothing twice."
        } else {
            "SOMETHING WAS LOST OR DONE TWICE."
        }
    );

    let servers = Arc::try_unwrap(servers)
        .ok()
        .expect("no other holder")
        .into_inner();
    servers.stop();
    drop(db);
    if let Some(schema) = schema {
        schema.drop().await.expect("schema dropped");
    }
    let _ = std::fs::remove_dir_all(&data_dir);
    held
}

/// Breaks something while the third phase runs.
async fn inject(
    fault: Fault,
    phase: Duration,
    outage: Duration,
    servers: Arc<Mutex<Servers>>,
    smtp: Arc<Mutex<smtp::SmtpSink>>,
    memory: Memory,
    http: client::Http,
) {
    let started = Instant::now();
    match fault {
        Fault::SmtpDown => {
            tokio::time::sleep((phase - outage) / 2).await;
            smtp.lock().await.pause();
            println!(
                "  [{:.1} s] the SMTP server is down",
                started.elapsed().as_secs_f64()
            );
            tokio::time::sleep(outage).await;
            smtp.lock().await.resume().await;
            println!(
                "  [{:.1} s] the SMTP server is back",
                started.elapsed().as_secs_f64()
            );
        }
        Fault::KillServer => {
            tokio::time::sleep(phase / 2).await;
            servers.lock().await.kill(1);
            println!(
                "  [{:.1} s] server 2 killed (SIGKILL)",
                started.elapsed().as_secs_f64()
            );
        }
        Fault::KillSqlite => {
            tokio::time::sleep(phase / 2).await;
            let mut servers = servers.lock().await;
            servers.kill(0);
            let killed = Instant::now();
            println!(
                "  [{:.1} s] the server killed (SIGKILL); starting it again",
                started.elapsed().as_secs_f64()
            );
            servers.restart(0);
            servers.ready_one(&http, 0).await;
            memory.replace(0, servers.pids()[0]);
            println!(
                "  [{:.1} s] up again after {:.2} s",
                started.elapsed().as_secs_f64(),
                killed.elapsed().as_secs_f64()
            );
        }
    }
}
