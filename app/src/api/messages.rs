//! Messages to clients, their communication history and opting out (product.md §7).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::ids::{BatchId, ClientId, PracticeId};
use shared::messages::{
    BatchRequest, Draft, History, Progress, SendReport, Setup, UnsubscribeView,
};

use crate::error::AppError;

/// What the batch message form previews with.
#[server(endpoint = "message_setup", input = Json)]
pub async fn message_setup(practice: PracticeId) -> Result<Setup, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::messages::setup_for(&r.backend, r.person.account, practice).await
    })
    .await
}

#[server(endpoint = "client_history", input = Json)]
pub async fn client_history(
    practice: PracticeId,
    client: ClientId,
    page: u32,
) -> Result<History, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::messages::history(&r.backend, r.person.account, practice, client, page).await
    })
    .await
}

#[server(endpoint = "send_message", input = Json)]
pub async fn send_message(
    practice: PracticeId,
    client: ClientId,
    draft: Draft,
) -> Result<SendReport, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::messages::send(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            client,
            &draft,
        )
        .await
    })
    .await
}

#[server(endpoint = "send_batch", input = Json)]
pub async fn send_batch(
    practice: PracticeId,
    request: BatchRequest,
) -> Result<SendReport, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::messages::send_batch(&r.backend, &r.caller, r.person.account, practice, &request)
            .await
    })
    .await
}

#[server(endpoint = "batch_progress", input = Json)]
pub async fn batch_progress(practice: PracticeId, batch: BatchId) -> Result<Progress, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::messages::progress(&r.backend, r.person.account, practice, batch).await
    })
    .await
}

#[server(endpoint = "set_opted_out", input = Json)]
pub async fn set_opted_out(
    practice: PracticeId,
    client: ClientId,
    out: bool,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::messages::set_opted_out(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            client,
            out,
        )
        .await
    })
    .await
}

#[server(endpoint = "unsubscribe_link")]
pub async fn unsubscribe_link(token: String) -> Result<UnsubscribeView, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::messages::unsubscribe_view(&r.backend, &token).await }).await
}

#[server(endpoint = "unsubscribe")]
pub async fn unsubscribe(token: String) -> Result<UnsubscribeView, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::messages::unsubscribe(&r.backend, &r.caller, &token).await })
        .await
}

/// `POST /mail/unsubscribe?token=…`: a mail client's one-click unsubscribe
/// (RFC 8058; its body, `List-Unsubscribe=One-Click`, says nothing more).
#[cfg(feature = "ssr")]
pub async fn one_click_unsubscribe(
    axum::extract::State(backend): axum::extract::State<server::backend::Backend>,
    axum::extract::Query(link): axum::extract::Query<OneClick>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, _) = request.into_parts();
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0);
    let caller = super::request::caller_of(&backend, peer, &parts.headers);
    match server::messages::unsubscribe(&backend, &caller, &link.token)
        .await
        .map_err(AppError::from)
    {
        Ok(view) => format!(
            "You will receive no more messages from {}.",
            view.practice_name
        )
        .into_response(),
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}

#[cfg(feature = "ssr")]
#[derive(serde::Deserialize)]
pub struct OneClick {
    token: String,
}
