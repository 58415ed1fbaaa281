//! The practice's community: Community Health for the team, and a member's
//! own Sharing / Not sharing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::community::health::{HealthQuery, HealthView};
use shared::community::members::{
    AddReportRow, CommunityInvitationView, InviteReport, JoinRequest, JoinScreen, MemberQuery,
    MembersView, Notify, Selection,
};
use shared::ids::PracticeId;
use shared::invitation::InviteSource;
use shared::validation::NewAccountForm;

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

/// One page of the community's members, and its settings (Community → Members).
#[server(endpoint = "community_members", input = Json)]
pub async fn community_members(
    practice: PracticeId,
    query: MemberQuery,
) -> Result<MembersView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::members::list(&r.backend, r.person.account, practice, &query).await
    })
    .await
}

/// Adds pasted addresses (or a CSV file's) as Not invited; sends nothing.
#[server(endpoint = "add_community_members", input = Json)]
pub async fn add_community_members(
    practice: PracticeId,
    source: InviteSource,
) -> Result<Vec<AddReportRow>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::members::add(&r.backend, &r.caller, r.person.account, practice, &source)
            .await
    })
    .await
}

#[server(endpoint = "invite_community_members", input = Json)]
pub async fn invite_community_members(
    practice: PracticeId,
    selection: Selection,
    notify: Notify,
) -> Result<InviteReport, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::members::invite(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            &selection,
            notify,
        )
        .await
    })
    .await
}

#[server(endpoint = "remove_community_members", input = Json)]
pub async fn remove_community_members(
    practice: PracticeId,
    selection: Selection,
) -> Result<u32, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::members::remove(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            &selection,
        )
        .await
    })
    .await
}

#[server(endpoint = "set_community_validity", input = Json)]
pub async fn set_community_validity(practice: PracticeId, days: u32) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::settings::set_validity(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            days,
        )
        .await
    })
    .await
}

/// The community join page's code and its address as a QR code (SVG).
#[server(endpoint = "community_join_screen", input = Json)]
pub async fn community_join_screen(practice: PracticeId) -> Result<JoinScreen, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        let code = server::community::settings::join_code(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
        )
        .await?;
        let link = r.backend.config.link(&format!("/portal/join?code={code}"));
        Ok(JoinScreen {
            qr_svg: server::community::qr_svg(&link),
            code,
            link,
        })
    })
    .await
}

/// What a community invitation link shows (anyone holding the link).
#[server(endpoint = "community_invitation")]
pub async fn community_invitation(token: String) -> Result<CommunityInvitationView, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::community::joining::view(&r.backend, &token).await }).await
}

/// Registers the signed-in person with the community the link names.
#[server(endpoint = "community_accept")]
pub async fn community_accept(token: String) -> Result<String, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::community::joining::accept(&r.backend, &r.caller, &r.person, &token).await?;
        Ok("/portal/sharing".to_owned())
    })
    .await
}

/// A new account for the invited address, registered and signed in.
#[server(endpoint = "community_sign_up", input = Json)]
pub async fn community_sign_up(token: String, form: NewAccountForm) -> Result<String, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let previous = r.presented_session();
        let session = server::community::joining::sign_up(
            &r.backend,
            &r.caller,
            &token,
            &form,
            previous.as_ref(),
        )
        .await?;
        r.start_session(&session);
        Ok("/portal/sharing".to_owned())
    })
    .await
}

#[server(endpoint = "community_reject")]
pub async fn community_reject(token: String) -> Result<(), AppError> {
    use super::request::as_anyone;
    as_anyone(
        |r| async move { server::community::joining::reject(&r.backend, &r.caller, &token).await },
    )
    .await
}

/// At the join page: mails a link to register to the typed address.
#[server(endpoint = "join_community", input = Json)]
pub async fn join_community(request: JoinRequest) -> Result<(), AppError> {
    use super::request::as_anyone;
    as_anyone(
        |r| async move { server::community::joining::join(&r.backend, &r.caller, &request).await },
    )
    .await
}
