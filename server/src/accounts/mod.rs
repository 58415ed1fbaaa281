//! Sign-up, login, logout and password reset (product.md §6).
//!
//! Sign-up and reset answer the same whether or not an address has an
//! account: the difference only ever shows in the mailbox of the address.

use shared::email::EmailAddress;
use shared::ids::AccountId;
use shared::validation::{validate_new_password, FieldErrors, LoginForm, SignUpForm};
use uuid::Uuid;

use crate::audit::{self, Event, Origin};
use crate::backend::{Backend, Caller};
use crate::db::Tx;
use crate::error::{LinkProblem, ServiceError, ServiceResult};
use crate::mail::{outbox, templates};
use crate::mail_limit::{self, MailRequest};
use crate::tokens::Secret;
use crate::{devices, login_requests, on_pool, on_tx, rate_limit, sessions};

mod change;
mod reset;
pub use change::{change_password, must_change_password};
pub(crate) use reset::password_link;
pub use reset::{check_reset_link, request_password_reset, reset_password};

pub const SIGN_UP_LINK_MS: i64 = 24 * 60 * 60 * 1000;
pub const RESET_LINK_MS: i64 = 60 * 60 * 1000;

/// Starts a sign-up: mails a confirmation link, or — if the address already has
/// an account — a note saying so. Returns the address the mail went to.
pub async fn request_sign_up(
    backend: &Backend,
    caller: &Caller,
    form: &SignUpForm,
    next: Option<&str>,
) -> ServiceResult<EmailAddress> {
    let sign_up = form.validate()?;
    let next = next.and_then(shared::validation::local_path);
    let address = rate_limit::address_key(caller.ip_key());
    mail_limit::reserve(
        &backend.db,
        MailRequest::SignUp,
        &address,
        sign_up.email.as_str(),
        backend.now_ms(),
    )
    .await?;
    let now = backend.now_ms();
    let config = &backend.config;
    let mut tx = backend.db.begin().await?;
    let existing = account_id_by_email(&mut tx, &sign_up.email).await?;
    let email = match existing {
        Some(_) => templates::already_registered(
            &sign_up.email,
            &config.link("/login"),
            &config.link("/forgot-password"),
        ),
        None => {
            let token = Secret::generate();
            on_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO pending_signups (token_hash, email, full_name, expires_at, created_at, next_path)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token.hash())
                .bind(sign_up.email.as_str())
                .bind(&sign_up.full_name)
                .bind(now + SIGN_UP_LINK_MS)
                .bind(now)
                .bind(next)
                .execute(c)
                .await.map(|r| r.rows_affected())
            })?;
            let link = config.link(&format!("/signup/confirm?token={}", token.expose()));
            templates::confirm_sign_up(&sign_up.email, &sign_up.full_name, &link).carrying(&token)
        }
    };
    outbox::enqueue(&mut tx, None, &email, now).await?;
    let origin = Origin {
        actor: None,
        ip: caller.ip.clone(),
    };
    audit::append(
        &mut tx,
        &backend.audit_key,
        &origin,
        now,
        Event::new("account.signup_requested", sign_up.email.as_str()),
    )
    .await?;
    tx.commit().await?;
    backend.mail_wake.notify_one();
    Ok(sign_up.email)
}

pub(crate) async fn account_id_by_email(
    tx: &mut Tx,
    email: &EmailAddress,
) -> Result<Option<AccountId>, sqlx::Error> {
    let row: Option<(AccountId,)> = on_tx!(tx, c => {
        sqlx::query_as("SELECT id FROM accounts WHERE email = $1").bind(email.as_str()).fetch_optional(c).await
    })?;
    Ok(row.map(|(id,)| id))
}

#[derive(sqlx::FromRow)]
struct PendingSignUp {
    email: String,
    full_name: String,
    expires_at: i64,
}

const PENDING_SQL: &str =
    "SELECT email, full_name, expires_at FROM pending_signups WHERE token_hash = $1";

/// A sign-up link works within its day; once used, its row is gone.
fn usable_sign_up(row: Option<PendingSignUp>, now: i64) -> ServiceResult<PendingSignUp> {
    match row {
        None => Err(ServiceError::Link(LinkProblem::Unknown)),
        Some(p) if now >= p.expires_at => Err(ServiceError::Link(LinkProblem::Expired)),
        Some(p) => Ok(p),
    }
}

/// The address a sign-up link is for, so the page shows it before anyone types.
pub async fn check_sign_up_link(backend: &Backend, token: &str) -> ServiceResult<EmailAddress> {
    let token = Secret::from_presented(token);
    let row: Option<PendingSignUp> = on_pool!(&backend.db, pool => {
        sqlx::query_as(PENDING_SQL).bind(token.hash()).fetch_optional(pool).await
    })?;
    let pending = usable_sign_up(row, backend.now_ms())?;
    EmailAddress::parse(&pending.email).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Where the person goes after confirming (an invitation or join link they started from).
pub async fn sign_up_next_path(backend: &Backend, token: &str) -> ServiceResult<Option<String>> {
    let hash = Secret::from_presented(token).hash();
    let row: Option<(Option<String>,)> = on_pool!(&backend.db, pool => {
        sqlx::query_as("SELECT next_path FROM pending_signups WHERE token_hash = $1").bind(&hash).fetch_optional(pool).await
    })?;
    Ok(row.and_then(|(next,)| next))
}

/// Finishes a sign-up from the emailed link with the password the person
/// chooses there: creates the account and signs it in, ending the session the
/// browser presented (another person's, perhaps).
pub async fn confirm_sign_up(
    backend: &Backend,
    caller: &Caller,
    token: &str,
    new_password: &str,
    previous: Option<&Secret>,
) -> ServiceResult<(AccountId, Secret)> {
    let password = validate_new_password(new_password)?;
    // The link first: a dead or forged link must not take one of the few argon2 slots.
    check_sign_up_link(backend, token).await?;
    let password_hash = backend.passwords.hash(password.expose()).await?;
    if let Some(previous) = previous {
        sessions::end(&backend.db, previous).await?;
    }
    let token = Secret::from_presented(token);
    let now = backend.now_ms();
    let mut tx = backend.db.begin().await?;
    let pending: Option<PendingSignUp> = on_tx!(&mut tx, c => {
        sqlx::query_as(PENDING_SQL).bind(token.hash()).fetch_optional(c).await
    })?;
    let pending = usable_sign_up(pending, now)?;
    let email =
        EmailAddress::parse(&pending.email).map_err(|e| ServiceError::Internal(e.to_string()))?;
    // Two links for one address (sign-up asked twice): the first one opened wins.
    let account = create_account(
        backend,
        &mut tx,
        caller,
        &email,
        &pending.full_name,
        &password_hash,
        now,
    )
    .await?
    .ok_or(ServiceError::Link(LinkProblem::Used))?;
    let session = sessions::start(&mut tx, account, caller, now).await?;
    tx.commit().await?;
    Ok((account, session))
}

/// The hash of the password an invitee chooses on an emailed link (team or
/// portal), counted against the address and the caller first: a leaked link
/// cannot keep the argon2 slots busy.
pub(crate) async fn invitee_password_hash(
    backend: &Backend,
    caller: &Caller,
    email: &EmailAddress,
    password: &shared::validation::Password,
) -> ServiceResult<String> {
    mail_limit::reserve(
        &backend.db,
        MailRequest::InviteeSignUp,
        &rate_limit::address_key(caller.ip_key()),
        email.as_str(),
        backend.now_ms(),
    )
    .await?;
    backend.passwords.hash(password.expose()).await
}

/// [`create_account`] for an invitee: an address that has an account already
/// is told, on `field`, to log in instead.
pub(crate) async fn create_invitee(
    backend: &Backend,
    tx: &mut Tx,
    caller: &Caller,
    email: &EmailAddress,
    full_name: &str,
    password_hash: &str,
    field: &str,
) -> ServiceResult<AccountId> {
    let now = backend.now_ms();
    create_account(backend, tx, caller, email, full_name, password_hash, now)
        .await?
        .ok_or_else(|| {
            FieldErrors::single(
                field,
                "This address already has an account: log in instead.",
            )
            .into()
        })
}

/// Creates an account for a proven address, audited; `None` if the address has one already.
pub(crate) async fn create_account(
    backend: &Backend,
    tx: &mut Tx,
    caller: &Caller,
    email: &EmailAddress,
    full_name: &str,
    password_hash: &str,
    now: i64,
) -> ServiceResult<Option<AccountId>> {
    if account_id_by_email(tx, email).await?.is_some() {
        return Ok(None);
    }
    let account = AccountId::from_uuid(Uuid::new_v4());
    let inserted = on_tx!(tx, c => {
        sqlx::query("INSERT INTO accounts (id, email, full_name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(account)
            .bind(email.as_str())
            .bind(full_name)
            .bind(password_hash)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    });
    match inserted.map_err(ServiceError::from) {
        // Another transaction (a second tab on another connection) created it first.
        Err(ServiceError::Conflict(_)) => return Ok(None),
        other => other?,
    };
    on_tx!(tx, c => {
        sqlx::query("DELETE FROM pending_signups WHERE email = $1").bind(email.as_str()).execute(c).await.map(|r| r.rows_affected())
    })?;
    let event = Event::new("account.created", account.to_string())
        .after(serde_json::json!({ "email": email, "full_name": full_name }));
    let origin = caller.as_actor(account);
    audit::append(tx, &backend.audit_key, &origin, now, event).await?;
    Ok(Some(account))
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: AccountId,
    password_hash: String,
}

/// What a right password gets.
#[derive(Debug)]
pub enum LoggedIn {
    /// A session for this browser.
    Session(AccountId, Secret),
    /// A practice has not trusted this browser: it waits for approval and
    /// keeps this secret in its waiting cookie (product.md §6).
    Waiting(Secret),
}

impl LoggedIn {
    /// The session, where the browser is trusted.
    pub fn session(self) -> Option<(AccountId, Secret)> {
        match self {
            LoggedIn::Session(account, session) => Some((account, session)),
            LoggedIn::Waiting(_) => None,
        }
    }
}

/// Logs in by email or username. Each login gets a new session and ends the
/// one the browser presented, so a planted session id is worthless. Wrong
/// login and wrong password answer alike. On a browser one of the person's
/// practices has not trusted, there is no session yet: see `login_requests`.
pub async fn log_in(
    backend: &Backend,
    caller: &Caller,
    form: &LoginForm,
    previous: Option<&Secret>,
) -> ServiceResult<LoggedIn> {
    let (identifier, password) = form.validate()?;
    let key = identifier.key().to_owned();
    let ip = &rate_limit::address_key(caller.ip_key());
    let now = backend.now_ms();
    // Counted before the password is checked: parallel guesses cannot overtake the limit.
    if let Err(retry_after_secs) = rate_limit::reserve_attempt(&backend.db, &key, ip, now).await? {
        return Err(ServiceError::RateLimited { retry_after_secs });
    }
    let column = match identifier {
        shared::validation::LoginIdentifier::Email(_) => "email",
        shared::validation::LoginIdentifier::Username(_) => "username",
    };
    let sql = format!("SELECT id, password_hash FROM accounts WHERE {column} = $1");
    let found: Option<Credentials> = on_pool!(&backend.db, pool => {
        sqlx::query_as(&sql).bind(&key).fetch_optional(pool).await
    })?;
    let verified = backend
        .passwords
        .verify(&password, found.as_ref().map(|c| c.password_hash.as_str()))
        .await;
    let account = match found {
        Some(found) if verified => found.id,
        // The reserved attempt stays recorded as the failure it was.
        _ => return Err(ServiceError::InvalidCredentials),
    };
    if let Some(previous) = previous {
        sessions::end(&backend.db, previous).await?;
    }
    let mut tx = backend.db.begin().await?;
    rate_limit::record_success(&mut tx, &key, ip, now).await?;
    let device = devices::identify(&mut tx, caller, now).await?;
    let needs = login_requests::needed(&mut tx, account, device).await?;
    let needs = login_requests::trust_first(&mut tx, caller, account, needs, now).await?;
    if !needs.is_empty() {
        let attempt = login_requests::start(backend, &mut tx, caller, account, &needs, now).await?;
        tx.commit().await?;
        backend.mail_wake.notify_one();
        return Ok(LoggedIn::Waiting(attempt));
    }
    let session = sessions::start(&mut tx, account, caller, now).await?;
    let origin = caller.as_actor(account);
    audit::append(
        &mut tx,
        &backend.audit_key,
        &origin,
        now,
        Event::new("session.login", account.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(LoggedIn::Session(account, session))
}

pub async fn log_out(backend: &Backend, caller: &Caller, token: &Secret) -> ServiceResult<()> {
    let now = backend.now_ms();
    if let Some(person) = sessions::resolve(&backend.db, token, now).await? {
        let mut tx = backend.db.begin().await?;
        let origin = caller.as_actor(person.account);
        audit::append(
            &mut tx,
            &backend.audit_key,
            &origin,
            now,
            Event::new("session.logout", person.account.to_string()),
        )
        .await?;
        tx.commit().await?;
    }
    sessions::end(&backend.db, token).await?;
    Ok(())
}
