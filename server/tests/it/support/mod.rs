//! What every integration test needs: a fresh real database (a new SQLite file,
//! or a new schema in the PostgreSQL named by TEST_POSTGRES_URL), a clock that
//! moves only when told, and a real SMTP server on loopback.

pub mod smtp;

use chrono::Duration;
use server::backend::{Backend, Caller};
use server::clock::{ManualClock, SharedClock};
use server::config::Config;
use server::db::{Db, PostgresSchema};
use server::mail::outbox;
use server::mail::worker::{deliver_due, Pass, Throughput};
use std::path::PathBuf;
use std::sync::Arc;

pub struct TestEnv {
    pub backend: Backend,
    pub clock: Arc<ManualClock>,
    pub dir: PathBuf,
    pg_schema: Option<PostgresSchema>,
}

/// 2026-01-05 09:00 UTC: any fixed moment will do.
const START_MS: i64 = 1_767_603_600_000;

pub enum Backing {
    Sqlite,
    Postgres,
}

impl TestEnv {
    /// `None` when PostgreSQL was asked for and TEST_POSTGRES_URL is not set.
    pub async fn new(backing: Backing) -> Option<TestEnv> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("carekeys-test-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        let (db, pg_schema) = match backing {
            Backing::Sqlite => {
                let url = format!("sqlite://{}/test.db", dir.display());
                (Db::connect(&url).await.unwrap(), None)
            }
            Backing::Postgres => {
                let Ok(base) = std::env::var("TEST_POSTGRES_URL") else {
                    // In CI a missing database is a failure, never a silent skip.
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "CI is set but TEST_POSTGRES_URL is not: the PostgreSQL variants must run"
                    );
                    eprintln!("TEST_POSTGRES_URL is not set: the PostgreSQL variant of this test did not run");
                    return None;
                };
                let schema = PostgresSchema::create(&base, "t").await.unwrap();
                (Db::connect(&schema.url).await.unwrap(), Some(schema))
            }
        };
        db.migrate().await.unwrap();
        let clock = Arc::new(ManualClock::starting_at_ms(START_MS));
        let config = Config {
            base_url: "http://carekeys.test".into(),
            ..Config::local(dir.clone())
        };
        let shared_clock: SharedClock = clock.clone();
        let backend = Backend::new(db, shared_clock, config).unwrap();
        Some(TestEnv {
            backend,
            clock,
            dir,
            pg_schema,
        })
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn db(&self) -> &Db {
        &self.backend.db
    }

    /// Queues `mail` in a transaction of its own, as a change would.
    pub async fn queue(&self, mail: &server::mail::Email) {
        self.queue_all(std::slice::from_ref(mail)).await;
    }

    /// Queues `mails` in one transaction, as a bulk change would.
    pub async fn queue_all(&self, mails: &[server::mail::Email]) {
        let mut tx = self.db().begin().await.unwrap();
        outbox::enqueue_all(&mut tx, None, mails, self.backend.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Delivers every message due now through `transport`, as the server's
    /// worker does with its default throughput.
    pub async fn deliver(&self, transport: &server::mail::transport::Transport) -> Pass {
        let clock: SharedClock = self.clock.clone();
        deliver_due(self.db(), transport, &clock, &Throughput::default())
            .await
            .unwrap()
    }

    /// Every queued or sent message, oldest first.
    pub async fn mails(&self) -> Vec<outbox::Stored> {
        let mut all = outbox::recent(self.db(), 1000).await.unwrap();
        all.reverse();
        all
    }

    /// The newest message to `to`, failing the test if there is none.
    pub async fn last_mail_to(&self, to: &str) -> outbox::Stored {
        self.mails()
            .await
            .into_iter()
            .rev()
            .find(|m| m.to_address == to)
            .unwrap_or_else(|| panic!("no mail to {to}"))
    }

    /// Drops the PostgreSQL schema; SQLite files live in the temp directory.
    pub async fn finish(self) {
        if let Some(schema) = self.pg_schema {
            if let Db::Postgres(pool) = &self.backend.db {
                pool.close().await;
            }
            schema.drop().await.unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// Signs `email` up through the emailed confirmation link; returns the account.
pub async fn person(env: &TestEnv, email: &str) -> shared::ids::AccountId {
    signed_in(env, email).await.0
}

/// [`person`], with the session the confirmation link started.
pub async fn signed_in(
    env: &TestEnv,
    email: &str,
) -> (shared::ids::AccountId, server::tokens::Secret) {
    let form = shared::validation::SignUpForm {
        full_name: format!("Person {}", email.split('@').next().unwrap_or(email)),
        email: email.into(),
    };
    server::accounts::request_sign_up(&env.backend, &caller("10.0.0.1"), &form, None)
        .await
        .unwrap();
    let token = link_param(&env.last_mail_to(email).await.body_text, "token");
    server::accounts::confirm_sign_up(&env.backend, &caller("10.0.0.1"), &token, PASSWORD, None)
        .await
        .unwrap()
}

/// Puts `account` on the team of `practice` with `role`, bypassing the invitation.
pub async fn add_member(
    env: &TestEnv,
    practice: shared::ids::PracticeId,
    account: shared::ids::AccountId,
    role: shared::roles::Role,
) {
    server::on_pool!(env.db(), pool => {
        sqlx::query("INSERT INTO memberships (id, practice_id, account_id, role, status, created_at) VALUES ($1, $2, $3, $4, 'active', 0)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(practice.to_string())
            .bind(account.to_string())
            .bind(role.code())
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
}

/// A practice in Oslo time that `owner` creates; returns its id.
pub async fn open_practice(
    env: &TestEnv,
    owner: shared::ids::AccountId,
    name: &str,
) -> shared::ids::PracticeId {
    let form = shared::validation::PracticeForm {
        name: name.into(),
        contact_email: "desk@harbour.example".into(),
        time_zone: "Europe/Oslo".into(),
    };
    server::practices::create(&env.backend, &caller("10.0.0.1"), owner, &form)
        .await
        .unwrap()
}

/// Adds client `first` Silva with `email` (empty: none) as `owner`; returns their id.
pub async fn add_client(
    env: &TestEnv,
    owner: shared::ids::AccountId,
    practice: shared::ids::PracticeId,
    first: &str,
    email: &str,
) -> shared::ids::ClientId {
    let form = shared::clients::ClientForm {
        first_name: first.into(),
        last_name: "Silva".into(),
        email: email.into(),
        date_of_birth: String::new(),
    };
    server::clients::add(&env.backend, &caller("10.0.0.2"), owner, practice, &form)
        .await
        .unwrap()
}

/// The roles without "invite, edit, suspend and remove team members".
pub const NOT_TEAM_MANAGERS: [shared::roles::Role; 4] = [
    shared::roles::Role::Practitioner,
    shared::roles::Role::Staff(shared::roles::AccessLevel::Full),
    shared::roles::Role::Staff(shared::roles::AccessLevel::ReadWrite),
    shared::roles::Role::Staff(shared::roles::AccessLevel::ReadOnly),
];

/// One new member of `practice` with each of `roles`.
pub async fn one_with_each_role(
    env: &TestEnv,
    practice: shared::ids::PracticeId,
    roles: &[shared::roles::Role],
) -> Vec<(shared::roles::Role, shared::ids::AccountId)> {
    let mut members = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let someone = person(env, &format!("member{i}@example.org")).await;
        add_member(env, practice, someone, *role).await;
        members.push((*role, someone));
    }
    members
}

/// A request from the browser at `ip`: each address is one browser, with
/// its own device cookie.
pub fn caller(ip: &str) -> Caller {
    Caller {
        ip: Some(ip.into()),
        user_agent: Some("integration-test".into()),
        device: Some(server::tokens::Secret::from_presented(&format!(
            "device-of-{ip}"
        ))),
    }
}

/// The value of `name=` in the first link of a mail body.
pub fn link_param(body: &str, name: &str) -> String {
    let key = format!("{name}=");
    let start = body
        .find(&key)
        .unwrap_or_else(|| panic!("no {name}= in {body}"))
        + key.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Runs a scenario on a fresh SQLite database and on a fresh PostgreSQL schema.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let env = $crate::support::TestEnv::new($crate::support::Backing::Sqlite).await.unwrap();
                    super::$name(&env).await;
                    env.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(env) = $crate::support::TestEnv::new($crate::support::Backing::Postgres).await {
                        super::$name(&env).await;
                        env.finish().await;
                    }
                }
            )*
        }
    };
}
