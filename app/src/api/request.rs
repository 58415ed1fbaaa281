//! What a server function knows about its request: the backend, the caller,
//! the session cookie.

use axum::extract::ConnectInfo;
use http::header::{HeaderValue, COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use server::backend::{Backend, Caller};
use server::sessions::{self, SignedIn};
use server::tokens::Secret;
use std::net::SocketAddr;

use crate::error::AppError;

pub fn backend() -> Result<Backend, AppError> {
    use_context::<Backend>().ok_or_else(|| {
        tracing::error!("the backend was not provided to the server function");
        AppError::Internal
    })
}

pub fn caller() -> Caller {
    let parts = use_context::<Parts>();
    let ip = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<ConnectInfo<SocketAddr>>())
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let user_agent = parts
        .as_ref()
        .and_then(|p| p.headers.get(USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Caller { ip, user_agent }
}

/// The session secret the browser presented, if any.
pub fn presented_session(backend: &Backend) -> Option<Secret> {
    let parts = use_context::<Parts>()?;
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| sessions::token_from_cookie_header(&backend.config, header))
}

/// The signed-in person, or `None`.
pub async fn signed_in(backend: &Backend) -> Result<Option<SignedIn>, AppError> {
    let Some(token) = presented_session(backend) else {
        return Ok(None);
    };
    Ok(sessions::resolve(&backend.db, &token, backend.now_ms())
        .await
        .map_err(server::error::ServiceError::from)?)
}

/// The signed-in person, or `Unauthenticated`.
pub async fn require_signed_in(backend: &Backend) -> Result<SignedIn, AppError> {
    signed_in(backend).await?.ok_or(AppError::Unauthenticated)
}

pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, value);
    }
}

/// Runs a server function's body and gives a refusal its own HTTP status.
pub async fn answer<T>(
    body: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = body.await;
    if let (Err(error), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        response.set_status(error.status());
    }
    result
}
