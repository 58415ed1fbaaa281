//! New-device approval (product.md §6): the waiting browser's questions, a
//! sole admin's code, and the admins' *Make a decision* page.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::ids::{LoginRequestId, PracticeId};
use shared::login_request::{Decision, RequestView, Waiting};

use crate::error::AppError;

/// Whether the waiting login may go on; once approved, the browser gets its
/// session and `In` says where to go.
#[server(endpoint = "login_wait", input = Json)]
pub async fn login_wait(next: Option<String>) -> Result<Waiting, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let Some(attempt) = r.presented_wait() else {
            return Ok(Waiting::Nothing);
        };
        let answer = server::login_requests::wait(&r.backend, &r.caller, &attempt).await?;
        let_in(&r, answer, next.as_deref()).await
    })
    .await
}

/// A sole admin's code from their email.
#[server(endpoint = "confirm_login_code", input = Json)]
pub async fn confirm_login_code(code: String, next: Option<String>) -> Result<Waiting, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let Some(attempt) = r.presented_wait() else {
            return Ok(Waiting::Nothing);
        };
        let answer =
            server::login_requests::confirm_code(&r.backend, &r.caller, &attempt, &code).await?;
        let_in(&r, answer, next.as_deref()).await
    })
    .await
}

/// Gives an approved browser its session and says where to go.
#[cfg(feature = "ssr")]
async fn let_in(
    r: &super::request::Anyone,
    (waiting, session): (
        Waiting,
        Option<(shared::ids::AccountId, server::tokens::Secret)>,
    ),
    next: Option<&str>,
) -> server::error::ServiceResult<Waiting> {
    let Some((account, session)) = session else {
        if !matches!(waiting, Waiting::ForAdmins { .. } | Waiting::ForCode { .. }) {
            r.end_waiting();
        }
        return Ok(waiting);
    };
    r.start_session(&session);
    r.end_waiting();
    Ok(Waiting::In {
        next: super::accounts::landing(&r.backend, account, next).await?,
    })
}

#[server(endpoint = "login_request", input = Json)]
pub async fn get_login_request(
    practice: PracticeId,
    request: LoginRequestId,
) -> Result<RequestView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::login_requests::view(&r.backend, r.person.account, practice, request).await
    })
    .await
}

/// Approves or declines; the first decision stands and the answer says whose it is.
#[server(endpoint = "decide_login", input = Json)]
pub async fn decide_login(
    practice: PracticeId,
    request: LoginRequestId,
    decision: Decision,
) -> Result<RequestView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::login_requests::decide(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            request,
            decision,
        )
        .await
    })
    .await
}
