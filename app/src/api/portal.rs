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
