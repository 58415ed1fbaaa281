//! Clients and Client details (product.md §7).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::clients::{ClientForm, ClientList, ClientQuery, ClientView};
use shared::ids::{AccountId, ClientId, PracticeId};

use crate::error::AppError;

#[server(endpoint = "clients", input = Json)]
pub async fn get_clients(practice: PracticeId, query: ClientQuery) -> Result<ClientList, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::list(&r.backend, r.person.account, practice, &query).await
    })
    .await
}

#[server(endpoint = "client", input = Json)]
pub async fn get_client(practice: PracticeId, client: ClientId) -> Result<ClientView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::view(&r.backend, r.person.account, practice, client).await
    })
    .await
}

/// Adds a client; answers their id.
#[server(endpoint = "add_client", input = Json)]
pub async fn add_client(practice: PracticeId, form: ClientForm) -> Result<ClientId, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::add(&r.backend, &r.caller, r.person.account, practice, &form).await
    })
    .await
}

#[server(endpoint = "edit_client", input = Json)]
pub async fn edit_client(
    practice: PracticeId,
    client: ClientId,
    form: ClientForm,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::edit(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            client,
            &form,
        )
        .await
    })
    .await
}

#[server(endpoint = "archive_client", input = Json)]
pub async fn archive_client(
    practice: PracticeId,
    client: ClientId,
    archived: bool,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::set_archived(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            client,
            archived,
        )
        .await
    })
    .await
}

#[server(endpoint = "assign_client", input = Json)]
pub async fn assign_client(
    practice: PracticeId,
    client: ClientId,
    staff: Vec<AccountId>,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::clients::assign(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            client,
            &staff,
        )
        .await
    })
    .await
}
