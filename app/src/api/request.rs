//! The one door of every server function: [`as_anyone`] for pages anyone may
//! use, [`as_person`] for a signed-in person. Each hands its body a context
//! with the backend, the caller and (for `as_person`) the person, turns the
//! service's error into an [`AppError`] and gives a refusal its own HTTP status.

use axum::extract::ConnectInfo;
use http::header::{HeaderValue, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use server::backend::{Backend, Caller};
use server::cookies::Cookie;
use server::error::{ServiceError, ServiceResult};
use server::http::forwarded::client_ip;
use server::sessions::{self, SignedIn};
use server::tokens::Secret;
use std::future::Future;
use std::net::SocketAddr;

use crate::error::AppError;

/// What a server function knows about its request.
pub struct Anyone {
    pub backend: Backend,
    pub caller: Caller,
}

/// The request of a signed-in person.
pub struct Person {
    pub backend: Backend,
    pub caller: Caller,
    pub person: SignedIn,
}

impl Person {
    /// Gives the browser the cookie of the session that replaced its old one.
    pub fn start_session(&self, session: &Secret) {
        give_session(&self.backend, session);
    }
}

impl Anyone {
    fn of_this_request() -> ServiceResult<Self> {
        let backend = use_context::<Backend>().ok_or_else(|| {
            ServiceError::Internal("the backend was not provided to the server function".into())
        })?;
        let caller = caller(&backend);
        Ok(Self { backend, caller })
    }

    /// The session secret the browser presented, if any.
    pub fn presented_session(&self) -> Option<Secret> {
        let parts = use_context::<Parts>()?;
        Cookie::SESSION.read(&self.backend.config, &parts.headers)
    }

    /// The signed-in person, or `None`.
    pub async fn signed_in(&self) -> ServiceResult<Option<SignedIn>> {
        let Some(token) = self.presented_session() else {
            return Ok(None);
        };
        Ok(sessions::resolve(&self.backend.db, &token, self.backend.now_ms()).await?)
    }

    /// Gives the browser the cookie of a new session (the services that start
    /// one end the session the browser presented).
    pub fn start_session(&self, session: &Secret) {
        give_session(&self.backend, session);
    }

    /// The secret of a login waiting for approval, if the browser has one.
    pub fn presented_wait(&self) -> Option<Secret> {
        let parts = use_context::<Parts>()?;
        Cookie::LOGIN_WAIT.read(&self.backend.config, &parts.headers)
    }

    /// Keeps a waiting login's secret in the browser.
    pub fn wait_for_approval(&self, attempt: &Secret) {
        set_cookie(&Cookie::LOGIN_WAIT.set(&self.backend.config, attempt));
    }

    /// The waiting is over: the browser forgets the secret.
    pub fn end_waiting(&self) {
        set_cookie(&Cookie::LOGIN_WAIT.clear(&self.backend.config));
    }

    /// Tells the browser to forget its session cookie.
    pub fn forget_session(&self) {
        set_cookie(&Cookie::SESSION.clear(&self.backend.config));
    }
}

/// The caller's address (through trusted proxies only), browser and device.
/// A browser without a device cookie gets one here, on its first call.
fn caller(backend: &Backend) -> Caller {
    let Some(parts) = use_context::<Parts>() else {
        return Caller::default();
    };
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let mut caller = caller_of(backend, peer, &parts.headers);
    if caller.device.is_none() {
        let device = Secret::generate();
        set_cookie(&Cookie::DEVICE.set(&backend.config, &device));
        caller.device = Some(device);
    }
    caller
}

/// [`caller`] for a plain HTTP route (which sets no cookie).
pub fn caller_of(backend: &Backend, peer: Option<SocketAddr>, headers: &http::HeaderMap) -> Caller {
    let config = &backend.config;
    Caller {
        ip: peer.map(|peer| client_ip(peer.ip(), headers, &config.trusted_proxies).to_string()),
        user_agent: user_agent(headers),
        device: Cookie::DEVICE.read(config, headers),
    }
}

fn user_agent(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn give_session(backend: &Backend, session: &Secret) {
    set_cookie(&Cookie::SESSION.set(&backend.config, session));
}

fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// Answers with `result`; a refusal carries its own HTTP status, never a 500.
fn answer<T>(result: ServiceResult<T>) -> Result<T, AppError> {
    let result = result.map_err(AppError::from);
    if let (Err(error), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        response.set_status(error.status());
    }
    result
}

/// Runs `body` for any caller, signed in or not.
pub async fn as_anyone<T, Fut>(body: impl FnOnce(Anyone) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = ServiceResult<T>>,
{
    let result = match Anyone::of_this_request() {
        Ok(request) => body(request).await,
        Err(error) => Err(error),
    };
    answer(result)
}

/// Runs `body` for a signed-in person; anyone else is told to log in, and
/// someone still on a one-time password is told to choose their own first.
pub async fn as_person<T, Fut>(body: impl FnOnce(Person) -> Fut) -> Result<T, AppError>
where
    Fut: Future<Output = ServiceResult<T>>,
{
    person_door(false, body).await
}

/// [`as_person`] for choosing a new password: the one thing a person on a
/// one-time password may do.
pub async fn as_person_changing_password<T, Fut>(
    body: impl FnOnce(Person) -> Fut,
) -> Result<T, AppError>
where
    Fut: Future<Output = ServiceResult<T>>,
{
    person_door(true, body).await
}

/// The signed-in person behind a plain HTTP route (downloads, uploads), with
/// the same refusals as [`as_person`].
pub async fn person_of(backend: &Backend, headers: &http::HeaderMap) -> ServiceResult<SignedIn> {
    let token = Cookie::SESSION
        .read(&backend.config, headers)
        .ok_or(ServiceError::Unauthenticated)?;
    let person = sessions::resolve(&backend.db, &token, backend.now_ms())
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    if person.must_change_password {
        return Err(ServiceError::PasswordChangeRequired);
    }
    Ok(person)
}

async fn person_door<T, Fut>(
    changing_password: bool,
    body: impl FnOnce(Person) -> Fut,
) -> Result<T, AppError>
where
    Fut: Future<Output = ServiceResult<T>>,
{
    let signed_in = async {
        let request = Anyone::of_this_request()?;
        let person = request
            .signed_in()
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if person.must_change_password && !changing_password {
            return Err(ServiceError::PasswordChangeRequired);
        }
        Ok(Person {
            backend: request.backend,
            caller: request.caller,
            person,
        })
    };
    let result = match signed_in.await {
        Ok(request) => body(request).await,
        Err(error) => Err(error),
    };
    answer(result)
}
