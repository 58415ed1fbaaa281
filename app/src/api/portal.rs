//! Invite to Client Portal (product.md §5).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::clients::{ClientQuery, ClientRow};
use shared::ids::PracticeId;
use shared::portal::{InviteOutcome, InviteRequest, InviteSetup};

use crate::error::AppError;

/// The message the form starts from, and what its preview fills in.
#[server(endpoint = "portal_invite_setup", input = Json)]
pub async fn portal_invite_setup(practice: PracticeId) -> Result<InviteSetup, AppError> {
    use super::request::as_person;
    as_person(
        |r| async move { server::portal::setup(&r.backend, r.person.account, practice).await },
    )
    .await
}

/// Every client matching `query` who can be invited now ("select all matching").
#[server(endpoint = "invitable_clients", input = Json)]
pub async fn invitable_clients(
    practice: PracticeId,
    query: ClientQuery,
) -> Result<Vec<ClientRow>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::invitable(
            &r.backend,
            r.person.account,
            practice,
            &query,
            server::portal::MAX_BATCH,
        )
        .await
    })
    .await
}

#[server(endpoint = "invite_to_portal", input = Json)]
pub async fn invite_to_portal(
    practice: PracticeId,
    request: InviteRequest,
) -> Result<Vec<InviteOutcome>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::portal::invite(&r.backend, &r.caller, r.person.account, practice, &request).await
    })
    .await
}

/// What the emailed portal link shows (anyone holding the link).
#[server(endpoint = "portal_invitation")]
pub async fn portal_invitation(token: String) -> Result<shared::portal::InvitationView, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::portal::view(&r.backend, &token).await }).await
}

/// Creates the portal login with a new password and signs it in; answers where to go.
#[server(endpoint = "portal_sign_up")]
pub async fn portal_sign_up(token: String, password: String) -> Result<String, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let previous = r.presented_session();
        let session =
            server::portal::sign_up(&r.backend, &r.caller, &token, &password, previous.as_ref())
                .await?;
        r.start_session(&session);
        Ok("/portal".to_owned())
    })
    .await
}

/// Makes the signed-in person's account the portal login the link offers.
#[server(endpoint = "portal_accept")]
pub async fn portal_accept(token: String) -> Result<String, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::portal::accept(&r.backend, &r.caller, &r.person, &token).await?;
        Ok("/portal".to_owned())
    })
    .await
}

/// With a dead link: asks the practice for a new invitation (once per link).
#[server(endpoint = "portal_ask_again")]
pub async fn portal_ask_again(token: String) -> Result<(), AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::portal::ask_again(&r.backend, &r.caller, &token).await })
        .await
}

/// The practices whose portal the signed-in person belongs to.
#[server(endpoint = "my_portal")]
pub async fn my_portal() -> Result<Vec<shared::portal::PortalPlace>, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::portal::places(&r.backend, r.person.account).await }).await
}

/// Logs a reading the signed-in person typed (product.md §7).
#[server(endpoint = "log_reading", input = Json)]
pub async fn log_reading(entry: shared::readings::ReadingEntry) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::readings::log_entry(&r.backend, &r.caller, r.person.account, &entry).await
    })
    .await
}

/// The signed-in person's newest readings.
#[server(endpoint = "my_readings")]
pub async fn my_readings() -> Result<Vec<shared::readings::ReadingLine>, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::readings::recent(&r.backend, r.person.account, 50).await })
        .await
}
