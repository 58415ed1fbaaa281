use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::ids::{AccountId, InvitationId, PracticeId};
use shared::invitation::{InvitationView, InviteReportRow, InviteRequest};
use shared::membership::MemberChange;
use shared::team::{
    BulkOutcome, JoinLinkChange, JoinLinkSettings, JoinOutcome, JoinView, RequestDecision,
    TeamQuery, TeamView,
};

use crate::error::AppError;

#[server(endpoint = "team", input = Json)]
pub async fn get_team(practice: PracticeId, query: TeamQuery) -> Result<TeamView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::team::view(&r.backend, r.person.account, practice, &query).await
    })
    .await
}

#[server(endpoint = "change_member", input = Json)]
pub async fn change_member(
    practice: PracticeId,
    member: AccountId,
    change: MemberChange,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::memberships::change(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            member,
            change,
        )
        .await
    })
    .await
}

/// JSON in: a pasted list or a CSV file can be megabytes.
#[server(endpoint = "invite_team", input = Json)]
pub async fn invite_team(
    practice: PracticeId,
    request: InviteRequest,
) -> Result<Vec<InviteReportRow>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::invitations::invite(&r.backend, &r.caller, r.person.account, practice, &request)
            .await
    })
    .await
}

#[server(endpoint = "resend_invitations", input = Json)]
pub async fn resend_invitations(
    practice: PracticeId,
    ids: Vec<InvitationId>,
) -> Result<Vec<BulkOutcome>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::invitations::resend(&r.backend, &r.caller, r.person.account, practice, &ids).await
    })
    .await
}

#[server(endpoint = "revoke_invitations", input = Json)]
pub async fn revoke_invitations(
    practice: PracticeId,
    ids: Vec<InvitationId>,
) -> Result<Vec<BulkOutcome>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::invitations::revoke(&r.backend, &r.caller, r.person.account, practice, &ids).await
    })
    .await
}

#[server(endpoint = "decide_request", input = Json)]
pub async fn decide_request(
    practice: PracticeId,
    request: InvitationId,
    decision: RequestDecision,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::join::decide(
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

#[server(endpoint = "join_link", input = Json)]
pub async fn join_link(practice: PracticeId) -> Result<JoinLinkSettings, AppError> {
    use super::request::as_person;
    as_person(
        |r| async move { server::join::settings(&r.backend, r.person.account, practice).await },
    )
    .await
}

#[server(endpoint = "change_join_link", input = Json)]
pub async fn change_join_link(
    practice: PracticeId,
    change: JoinLinkChange,
) -> Result<JoinLinkSettings, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::join::change(&r.backend, &r.caller, r.person.account, practice, change).await
    })
    .await
}

#[server(endpoint = "invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::invitations::view(&r.backend, &token).await }).await
}

/// Accepts; returns the practice's dashboard path.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<String, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::invitations::accept(&r.backend, &r.caller, &r.person, &token)
            .await
            .map(|practice| format!("/p/{practice}"))
    })
    .await
}

#[server(endpoint = "reject_invitation")]
pub async fn reject_invitation(token: String) -> Result<(), AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::invitations::reject(&r.backend, &r.caller, &token).await })
        .await
}

/// Creates the invitee's account and signs it in; returns the invitation's path.
#[server(endpoint = "sign_up_invitee")]
pub async fn sign_up_invitee(
    token: String,
    full_name: String,
    password: String,
) -> Result<String, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move {
        let previous = r.presented_session();
        let session = server::invitations::sign_up_invitee(
            &r.backend,
            &r.caller,
            &token,
            &full_name,
            &password,
            previous.as_ref(),
        )
        .await?;
        r.start_session(&session);
        Ok(format!("/invitation?token={token}"))
    })
    .await
}

#[server(endpoint = "join_view")]
pub async fn get_join_page(code: String) -> Result<JoinView, AppError> {
    use super::request::as_anyone;
    as_anyone(|r| async move { server::join::view(&r.backend, &code).await }).await
}

#[server(endpoint = "join_practice")]
pub async fn join_practice(code: String) -> Result<JoinOutcome, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::join::join(&r.backend, &r.caller, &r.person, &code).await })
        .await
}
