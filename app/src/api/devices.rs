//! Trusted devices and the new-device approval setting (product.md §6).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::devices::DevicesView;
use shared::ids::{AccountId, DeviceId, PracticeId};

use crate::error::AppError;

/// Everyone's trusted devices for admins; one's own for everyone else.
#[server(endpoint = "devices", input = Json)]
pub async fn get_devices(practice: PracticeId) -> Result<DevicesView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::devices::list(&r.backend, &r.caller, r.person.account, practice).await
    })
    .await
}

/// Stops trusting one browser of `member` and ends its sessions.
#[server(endpoint = "revoke_device", input = Json)]
pub async fn revoke_device(
    practice: PracticeId,
    member: AccountId,
    device: DeviceId,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::devices::revoke(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            member,
            device,
        )
        .await
    })
    .await
}

#[server(endpoint = "device_approval", input = Json)]
pub async fn device_approval(practice: PracticeId) -> Result<bool, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::practices::device_approval(&r.backend, r.person.account, practice).await
    })
    .await
}

#[server(endpoint = "set_device_approval", input = Json)]
pub async fn set_device_approval(practice: PracticeId, required: bool) -> Result<bool, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::practices::set_device_approval(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            required,
        )
        .await
    })
    .await
}
