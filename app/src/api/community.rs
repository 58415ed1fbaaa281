//! The practice's community: Community Health for the team, and a member's
//! own Sharing / Not sharing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::community::health::{HealthQuery, HealthView};
use shared::ids::PracticeId;

use crate::error::AppError;

#[server(endpoint = "community_health", input = Json)]
pub async fn community_health(
    practice: PracticeId,
    query: HealthQuery,
) -> Result<HealthView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::health(&r.backend, r.person.account, practice, query).await
    })
    .await
}

#[server(endpoint = "my_communities")]
pub async fn my_communities() -> Result<Vec<shared::community::Membership>, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::community::memberships(&r.backend, r.person.account).await })
        .await
}

#[server(endpoint = "set_sharing", input = Json)]
pub async fn set_sharing(practice: PracticeId, sharing: bool) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::set_sharing(&r.backend, &r.caller, r.person.account, practice, sharing)
            .await
    })
    .await
}
