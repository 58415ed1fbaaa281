//! One pool type for both backends. Queries are written once and run on either
//! pool through [`on_pool!`] / [`on_tx!`], which expand the same block for each
//! backend, so every query is type-checked against both.

use shared::ids::PracticeId;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

pub mod json;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction. On SQLite it was opened with `BEGIN IMMEDIATE`, so it
/// holds the writer lock from its first statement and a check-then-write can
/// never be overtaken; on PostgreSQL, [`Tx::lock_practice`] takes a row lock.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$pool` bound to the backend's pool.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl Db {
    /// Connects to `sqlite://…` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        }
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await,
        }
    }

    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Whether the database answers (for the health check).
    pub async fn ping(&self) -> bool {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Serialises every change to one practice; returns false if it does not exist.
    pub async fn lock_practice(&mut self, practice: PracticeId) -> Result<bool, sqlx::Error> {
        let id = practice.to_string();
        let found: Option<(String,)> = match self {
            // BEGIN IMMEDIATE already holds the database's single writer lock.
            Tx::Sqlite(tx) => {
                sqlx::query_as("SELECT id FROM practices WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
            }
            Tx::Postgres(tx) => {
                sqlx::query_as("SELECT id FROM practices WHERE id = $1 FOR UPDATE")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?
            }
        };
        Ok(found.is_some())
    }
}

/// A new, empty schema of the PostgreSQL at `base`, for one test, benchmark
/// or load run: each gets its own tables in the one database.
pub struct PostgresSchema {
    base: String,
    pub name: String,
    /// `base` with the schema as its search path.
    pub url: String,
}

impl PostgresSchema {
    pub async fn create(base: &str, prefix: &str) -> Result<PostgresSchema, sqlx::Error> {
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(base).await?;
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&admin)
            .await?;
        admin.close().await;
        let separator = if base.contains('?') { '&' } else { '?' };
        Ok(PostgresSchema {
            url: format!("{base}{separator}options=-c%20search_path%3D{name}"),
            base: base.to_owned(),
            name,
        })
    }

    pub async fn drop(self) -> Result<(), sqlx::Error> {
        let admin = sqlx::PgPool::connect(&self.base).await?;
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&admin)
            .await?;
        admin.close().await;
        Ok(())
    }
}
