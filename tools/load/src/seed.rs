//! The data the virtual users need, written through the server crate before
//! the app servers start: the listed practice (its owner, 100 open
//! invitations and the Admins who list it); a busy practice whose `users`
//! Admins log in, list and invite; and a third whose invitations those users
//! open and accept, one token each.

use server::backend::{Backend, Caller};
use server::clock::{SharedClock, SystemClock};
use server::config::Config;
use server::db::Db;
use server::on_pool;
use shared::ids::{AccountId, PracticeId};
use shared::invitation::{InviteRequest, InviteSource};
use shared::roles::Role;
use shared::validation::{PracticeForm, SignUpForm};
use std::sync::Arc;

pub const PASSWORD: &str = "correct horse battery";
/// Open invitations on the listed team, as in the first figure.
pub const TEAM_INVITATIONS: usize = 100;

/// People are `staff{i}@load.example`: the listers first, then the users.
pub struct Seeded {
    pub listed: PracticeId,
    pub listers: usize,
    pub busy: PracticeId,
    pub users: usize,
    /// Invitations of the third practice, as their emails carry them.
    pub tokens: Vec<String>,
}

pub fn staff_email(i: usize) -> String {
    format!("staff{i}@load.example")
}

/// Every tenth user also invites people on each round of their journey.
pub fn invites(i: usize) -> bool {
    i.is_multiple_of(10)
}

pub async fn seed(config: Config, listers: usize, users: usize, tokens: usize) -> Seeded {
    let db = Db::connect(&config.database_url).await.expect("database");
    db.migrate().await.expect("migrations");
    let clock: SharedClock = Arc::new(SystemClock);
    let backend = Backend::new(db, clock, config).expect("audit key");
    let owner = owner(&backend).await;
    let listed = practice(&backend, owner, "Harbour Load Clinic").await;
    invite(&backend, owner, listed, "invited", TEAM_INVITATIONS).await;
    let busy = practice(&backend, owner, "Hillside Load Clinic").await;
    let hash = backend.passwords.hash(PASSWORD).await.expect("hash");
    for i in 0..listers + users {
        staff(&backend, if i < listers { listed } else { busy }, i, &hash).await;
    }
    let joining = practice(&backend, owner, "Seaview Load Clinic").await;
    invite(&backend, owner, joining, "joiner", tokens).await;
    let tokens = emailed_tokens(&backend.db, "joiner").await;
    Seeded {
        listed,
        listers,
        busy,
        users,
        tokens,
    }
}

async fn owner(backend: &Backend) -> AccountId {
    let caller = Caller::default();
    let form = SignUpForm {
        full_name: "Load Owner".into(),
        email: "owner@load.example".into(),
    };
    server::accounts::request_sign_up(backend, &caller, &form, None)
        .await
        .expect("sign-up");
    let token = emailed_tokens(&backend.db, "owner").await.remove(0);
    server::accounts::confirm_sign_up(backend, &caller, &token, PASSWORD, None)
        .await
        .expect("confirmed")
        .0
}

async fn practice(backend: &Backend, owner: AccountId, name: &str) -> PracticeId {
    let form = PracticeForm {
        name: name.into(),
        contact_email: "desk@load.example".into(),
        time_zone: "UTC".into(),
    };
    server::practices::create(backend, &Caller::default(), owner, &form)
        .await
        .expect("practice")
}

async fn invite(backend: &Backend, owner: AccountId, practice: PracticeId, who: &str, n: usize) {
    let addresses: String = (0..n).map(|i| format!("{who}{i}@load.example\n")).collect();
    let request = InviteRequest {
        source: InviteSource::Typed(addresses),
        role: Role::Practitioner,
        validity_hours: None,
    };
    server::invitations::invite(backend, &Caller::default(), owner, practice, &request)
        .await
        .expect("invitations");
}

/// A staff member straight into the tables, with a hash made once: 200
/// argon2 sign-ups would take longer than the run. Their first browser is
/// trusted, as when an admin adds someone.
async fn staff(backend: &Backend, practice: PracticeId, i: usize, hash: &str) {
    let account = uuid::Uuid::new_v4().to_string();
    let role = Role::Admin;
    on_pool!(&backend.db, pool => {
        sqlx::query("INSERT INTO accounts (id, email, full_name, password_hash, created_at) VALUES ($1, $2, $3, $4, 0)")
            .bind(&account)
            .bind(staff_email(i))
            .bind(format!("Staff Member {i:03}"))
            .bind(hash)
            .execute(pool)
            .await
            .map(drop)
    })
    .expect("staff account");
    on_pool!(&backend.db, pool => {
        sqlx::query("INSERT INTO memberships (id, practice_id, account_id, role, status, trust_first_device, created_at) VALUES ($1, $2, $3, $4, 'active', TRUE, 0)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(practice.to_string())
            .bind(&account)
            .bind(role.code())
            .execute(pool)
            .await
            .map(drop)
    })
    .expect("staff member");
}

/// The `token=` of every queued email to `{who}…@load.example`.
async fn emailed_tokens(db: &Db, who: &str) -> Vec<String> {
    let bodies: Vec<String> = on_pool!(db, pool => {
        sqlx::query_scalar("SELECT body_text FROM outbox WHERE to_address LIKE $1 ORDER BY to_address")
            .bind(format!("%{who}%@load.example%"))
            .fetch_all(pool)
            .await
    })
    .expect("outbox");
    bodies
        .iter()
        .filter_map(|body| {
            let rest = body.split("token=").nth(1)?;
            Some(
                rest.split(|c: char| c.is_whitespace() || c == '&')
                    .next()?
                    .to_owned(),
            )
        })
        .collect()
}
