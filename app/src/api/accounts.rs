use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::email::EmailAddress;
use shared::practice::PracticeSummary;
use shared::validation::{LoginForm, SignUpForm};

use crate::error::AppError;

/// The signed-in person as the header shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub full_name: String,
    pub email: Option<EmailAddress>,
    pub practices: Vec<PracticeSummary>,
}

#[server(endpoint = "me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let Some(person) = signed_in(&backend).await? else {
            return Ok(None);
        };
        let practices = server::practices::list_for(&backend, person.account).await?;
        Ok(Some(Me {
            full_name: person.full_name,
            email: person.email,
            practices,
        }))
    })
    .await
}

/// Mails a confirmation link (or, for a taken address, a note to its owner).
#[server(endpoint = "sign_up")]
pub async fn sign_up(form: SignUpForm, next: Option<String>) -> Result<EmailAddress, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        Ok(server::accounts::request_sign_up(&backend, &caller(), &form, next.as_deref()).await?)
    })
    .await
}

/// Creates the account from the emailed link and signs it in; returns where to go next.
#[server(endpoint = "confirm_sign_up")]
pub async fn confirm_sign_up(token: String) -> Result<String, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let next = server::accounts::sign_up_next_path(&backend, &token).await?;
        let (_, session) = server::accounts::confirm_sign_up(&backend, &caller(), &token).await?;
        set_cookie(&server::sessions::set_cookie(&backend.config, &session));
        Ok(next.unwrap_or_else(|| "/practices/new".into()))
    })
    .await
}

/// Logs in; returns where to go next.
#[server(endpoint = "log_in")]
pub async fn log_in(form: LoginForm, next: Option<String>) -> Result<String, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let previous = presented_session(&backend);
        let (account, session) =
            server::accounts::log_in(&backend, &caller(), &form, previous.as_ref()).await?;
        set_cookie(&server::sessions::set_cookie(&backend.config, &session));
        if let Some(next) = next.as_deref().and_then(shared::validation::local_path) {
            return Ok(next.to_owned());
        }
        let practices = server::practices::list_for(&backend, account).await?;
        Ok(match practices.first() {
            Some(p) => format!("/p/{}", p.id),
            None => "/practices/new".into(),
        })
    })
    .await
}

#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<String, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        if let Some(token) = presented_session(&backend) {
            server::accounts::log_out(&backend, &caller(), &token).await?;
        }
        set_cookie(&server::sessions::clear_cookie(&backend.config));
        Ok("/login".into())
    })
    .await
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<EmailAddress, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        Ok(server::accounts::request_password_reset(&backend, &caller(), &email).await?)
    })
    .await
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        Ok(server::accounts::reset_password(&backend, &caller(), &token, &password).await?)
    })
    .await
}
