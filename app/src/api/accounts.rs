use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::email::EmailAddress;
use shared::practice::PracticeSummary;
use shared::validation::{ChangePasswordForm, LoginForm, SignUpForm};

use crate::error::AppError;

/// The signed-in person as the header shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub full_name: String,
    pub email: Option<EmailAddress>,
    pub practices: Vec<PracticeSummary>,
    /// Logged in with a one-time password: every page leads to choosing one's own.
    pub must_change_password: bool,
}

#[server(endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let Some(person) = r.signed_in().await? else {
            return Ok(None);
        };
        let practices = server::practices::list_for(&r.backend, person.account).await?;
        Ok(Some(Me {
            full_name: person.full_name,
            email: person.email,
            practices,
            must_change_password: person.must_change_password,
        }))
    })
    .await
}

/// Mails a confirmation link (or, for a taken address, a note to its owner).
#[server(endpoint = "sign_up")]
pub async fn sign_up(form: SignUpForm, next: Option<String>) -> Result<EmailAddress, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        server::accounts::request_sign_up(&r.backend, &r.caller, &form, next.as_deref()).await
    })
    .await
}

/// The address a sign-up link is for, so the page can say so (or why the link is dead) before anyone types.
#[server(endpoint = "check_sign_up_link")]
pub async fn check_sign_up_link(token: String) -> Result<EmailAddress, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::accounts::check_sign_up_link(&r.backend, &token).await })
        .await
}

/// Creates the account from the emailed link with the password chosen there
/// and signs it in; returns where to go next.
#[server(endpoint = "confirm_sign_up")]
pub async fn confirm_sign_up(token: String, password: String) -> Result<String, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let next = server::accounts::sign_up_next_path(&r.backend, &token).await?;
        let previous = r.presented_session();
        let (_, session) = server::accounts::confirm_sign_up(
            &r.backend,
            &r.caller,
            &token,
            &password,
            previous.as_ref(),
        )
        .await?;
        r.start_session(&session);
        Ok(next.unwrap_or_else(|| "/practices/new".into()))
    })
    .await
}

/// Logs in; returns where to go next.
#[server(endpoint = "log_in")]
pub async fn log_in(form: LoginForm, next: Option<String>) -> Result<String, AppError> {
    use super::request::as_anyone;
    use server::accounts::LoggedIn;
    as_anyone(|r| async move {
        let previous = r.presented_session();
        match server::accounts::log_in(&r.backend, &r.caller, &form, previous.as_ref()).await? {
            LoggedIn::Session(account, session) => {
                r.start_session(&session);
                landing(&r.backend, account, next.as_deref()).await
            }
            LoggedIn::Waiting(attempt) => {
                r.wait_for_approval(&attempt);
                Ok(
                    match next.as_deref().and_then(shared::validation::local_path) {
                        Some(next) => format!("/login/waiting?next={}", shared::url::encode(next)),
                        None => "/login/waiting".into(),
                    },
                )
            }
        }
    })
    .await
}

/// Where a person goes once logged in: `next` or their practice — after
/// choosing their own password, if they logged in with a one-time one.
#[cfg(feature = "ssr")]
pub(crate) async fn landing(
    backend: &server::backend::Backend,
    account: shared::ids::AccountId,
    next: Option<&str>,
) -> server::error::ServiceResult<String> {
    let landing = server::practices::landing_path(backend, account, next).await?;
    Ok(
        if server::accounts::must_change_password(&backend.db, account).await? {
            format!("/change-password?next={}", shared::url::encode(&landing))
        } else {
            landing
        },
    )
}

/// Chooses a new password (after a one-time password, or any time); the
/// browser gets a new session and every other one ends. Returns where to go.
#[server(endpoint = "change_password")]
pub async fn change_password(
    form: ChangePasswordForm,
    next: Option<String>,
) -> Result<String, AppError> {
    use super::request::as_person_changing_password;
    as_person_changing_password(|r| async move {
        let session =
            server::accounts::change_password(&r.backend, &r.caller, r.person.account, &form)
                .await?;
        r.start_session(&session);
        server::practices::landing_path(&r.backend, r.person.account, next.as_deref()).await
    })
    .await
}

#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<String, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        if let Some(token) = r.presented_session() {
            server::accounts::log_out(&r.backend, &r.caller, &token).await?;
        }
        r.forget_session();
        Ok("/login".into())
    })
    .await
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<EmailAddress, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        server::accounts::request_password_reset(&r.backend, &r.caller, &email).await
    })
    .await
}

/// Whether a reset link can still be used, so the page says so before anyone types.
#[server(endpoint = "check_reset_link")]
pub async fn check_reset_link(token: String) -> Result<(), AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::accounts::check_reset_link(&r.backend, &token).await }).await
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        server::accounts::reset_password(&r.backend, &r.caller, &token, &password).await
    })
    .await
}
