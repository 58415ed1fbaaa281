use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::ids::{InvitationId, PracticeId};
use shared::invitation::{InvitationView, InviteReportRow, InviteRequest};
use shared::team::{
    BulkOutcome, JoinLinkChange, JoinLinkSettings, JoinOutcome, JoinView, RequestDecision, TeamView,
};

use crate::error::AppError;

#[server(endpoint = "team")]
pub async fn get_team(practice: PracticeId) -> Result<TeamView, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(server::team::view(&backend, person.account, practice).await?)
    })
    .await
}

/// JSON in: a pasted list or a CSV file can be megabytes.
#[server(endpoint = "invite_team", input = Json)]
pub async fn invite_team(
    practice: PracticeId,
    request: InviteRequest,
) -> Result<Vec<InviteReportRow>, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(
            server::invitations::invite(&backend, &caller(), person.account, practice, &request)
                .await?,
        )
    })
    .await
}

#[server(endpoint = "resend_invitations", input = Json)]
pub async fn resend_invitations(
    practice: PracticeId,
    ids: Vec<InvitationId>,
) -> Result<Vec<BulkOutcome>, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(
            server::invitations::resend(&backend, &caller(), person.account, practice, &ids)
                .await?,
        )
    })
    .await
}

#[server(endpoint = "revoke_invitations", input = Json)]
pub async fn revoke_invitations(
    practice: PracticeId,
    ids: Vec<InvitationId>,
) -> Result<Vec<BulkOutcome>, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(
            server::invitations::revoke(&backend, &caller(), person.account, practice, &ids)
                .await?,
        )
    })
    .await
}

#[server(endpoint = "decide_request", input = Json)]
pub async fn decide_request(
    practice: PracticeId,
    request: InvitationId,
    decision: RequestDecision,
) -> Result<(), AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(server::join::decide(
            &backend,
            &caller(),
            person.account,
            practice,
            request,
            decision,
        )
        .await?)
    })
    .await
}

#[server(endpoint = "join_link")]
pub async fn join_link(practice: PracticeId) -> Result<JoinLinkSettings, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(server::join::settings(&backend, person.account, practice).await?)
    })
    .await
}

#[server(endpoint = "change_join_link", input = Json)]
pub async fn change_join_link(
    practice: PracticeId,
    change: JoinLinkChange,
) -> Result<JoinLinkSettings, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(server::join::change(&backend, &caller(), person.account, practice, change).await?)
    })
    .await
}

#[server(endpoint = "invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        Ok(server::invitations::view(&backend, &token).await?)
    })
    .await
}

/// Accepts; returns the practice's dashboard path.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<String, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        let practice = server::invitations::accept(&backend, &caller(), &person, &token).await?;
        Ok(format!("/p/{practice}"))
    })
    .await
}

#[server(endpoint = "reject_invitation")]
pub async fn reject_invitation(token: String) -> Result<(), AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        Ok(server::invitations::reject(&backend, &caller(), &token).await?)
    })
    .await
}

/// Creates the invitee's account and signs it in; returns the invitation's path.
#[server(endpoint = "sign_up_invitee")]
pub async fn sign_up_invitee(
    token: String,
    full_name: String,
    password: String,
) -> Result<String, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let session = server::invitations::sign_up_invitee(
            &backend,
            &caller(),
            &token,
            &full_name,
            &password,
        )
        .await?;
        set_cookie(&server::sessions::set_cookie(&backend.config, &session));
        Ok(format!("/invitation?token={token}"))
    })
    .await
}

#[server(endpoint = "join_view")]
pub async fn get_join_page(code: String) -> Result<JoinView, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        Ok(server::join::view(&backend, &code).await?)
    })
    .await
}

#[server(endpoint = "join_practice")]
pub async fn join_practice(code: String) -> Result<JoinOutcome, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(server::join::join(&backend, &caller(), &person, &code).await?)
    })
    .await
}
