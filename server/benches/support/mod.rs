//! What the benchmarks share: a fresh SQLite backend with one confirmed owner.

use server::backend::{Backend, Caller};
use server::clock::{SharedClock, SystemClock};
use server::config::Config;
use server::db::Db;
use shared::ids::{AccountId, PracticeId};
use shared::validation::{PracticeForm, SignUpForm};
use std::sync::Arc;

pub const OWNER_EMAIL: &str = "owner@bench.example";
pub const OWNER_PASSWORD: &str = "correct horse battery";

/// A new database file under the temp directory, migrated, with one account signed up.
pub async fn backend_with_owner() -> (Backend, AccountId) {
    backend_on(Config::local(temp_dir())).await
}

fn temp_dir() -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("carekeys-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// [`backend_with_owner`] on a new schema of the PostgreSQL named by
/// TEST_POSTGRES_URL (the machine's by default); drop the schema at the end.
// Each benchmark compiles this module on its own; most run on SQLite only.
#[allow(dead_code)]
pub async fn postgres_backend_with_owner() -> (Backend, AccountId, server::db::PostgresSchema) {
    let base = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = server::db::PostgresSchema::create(&base, "bench")
        .await
        .unwrap();
    let config = Config {
        database_url: schema.url.clone(),
        invitations_per_day: i64::MAX,
        ..Config::local(temp_dir())
    };
    let (backend, owner) = backend_on(config).await;
    (backend, owner, schema)
}

async fn backend_on(config: Config) -> (Backend, AccountId) {
    let db = Db::connect(&config.database_url).await.unwrap();
    db.migrate().await.unwrap();
    let clock: SharedClock = Arc::new(SystemClock);
    let backend = Backend::new(db, clock, config).unwrap();
    let owner = account(&backend, OWNER_EMAIL, "10.0.0.1").await;
    (backend, owner)
}

/// [`backend_with_owner`], and a practice in UTC that the owner created.
// Each benchmark compiles this module on its own; the login one has no practice.
#[allow(dead_code)]
pub async fn practice_with_owner() -> (Backend, AccountId, PracticeId) {
    let (backend, owner) = backend_with_owner().await;
    let practice = new_practice(&backend, owner).await;
    (backend, owner, practice)
}

/// A new practice in UTC that `owner` creates (a fresh one per iteration
/// where the daily mail quota or earlier rows would change what is measured).
// Each benchmark compiles this module on its own; the login one has no practice.
#[allow(dead_code)]
pub async fn new_practice(backend: &Backend, owner: AccountId) -> PracticeId {
    let form = PracticeForm {
        name: "Bench".into(),
        contact_email: "desk@bench.example".into(),
        time_zone: "UTC".into(),
    };
    server::practices::create(backend, &Caller::default(), owner, &form)
        .await
        .unwrap()
}

/// Account `member{i}@bench.example` straight into its table: thousands of
/// argon2 sign-ups would take minutes. Returns its id.
// Each benchmark compiles this module on its own; not all add people.
#[allow(dead_code)]
pub async fn insert_account(tx: &mut sqlx::SqliteConnection, i: usize) -> String {
    let account = uuid::Uuid::new_v4().to_string();
    sqlx::query("INSERT INTO accounts (id, email, full_name, password_hash, created_at) VALUES ($1, $2, $3, 'not-a-hash', 0)")
        .bind(&account)
        .bind(format!("member{i}@bench.example"))
        .bind(format!("Member {i:04}"))
        .execute(tx)
        .await
        .unwrap();
    account
}

/// Signs `email` up (from `ip`) through the emailed link; returns the account.
pub async fn account(backend: &Backend, email: &str, ip: &str) -> AccountId {
    let caller = Caller {
        ip: Some(ip.into()),
        user_agent: None,
        device: None,
    };
    let form = SignUpForm {
        full_name: "Bench Person".into(),
        email: email.into(),
    };
    server::accounts::request_sign_up(backend, &caller, &form, None)
        .await
        .unwrap();
    let mail = &server::mail::outbox::recent(&backend.db, 1).await.unwrap()[0];
    let token = mail
        .body_text
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    server::accounts::confirm_sign_up(backend, &caller, &token, OWNER_PASSWORD, None)
        .await
        .unwrap()
        .0
}
