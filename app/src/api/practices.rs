use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::goals::GoalsForm;
use shared::ids::PracticeId;
use shared::invitation::Validity;
use shared::practice::PracticePlace;
use shared::validation::{PracticeDetails, PracticeForm};

use crate::error::AppError;

#[server(endpoint = "time_zones")]
pub async fn time_zones() -> Result<Vec<String>, AppError> {
    use super::request::as_anyone;
    as_anyone(|_| async move { Ok(server::practices::time_zone_names()) }).await
}

/// Creates a practice owned by the caller; returns its dashboard's path.
#[server(endpoint = "create_practice")]
pub async fn create_practice(form: PracticeForm) -> Result<String, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::practices::create(&r.backend, &r.caller, r.person.account, &form)
            .await
            .map(|practice| format!("/p/{practice}"))
    })
    .await
}

/// The practice and what the caller may do there, for the practice layout.
#[server(endpoint = "practice", input = Json)]
pub async fn get_practice_place(practice: PracticeId) -> Result<PracticePlace, AppError> {
    use super::request::as_person;
    as_person(
        |r| async move { server::practices::place(&r.backend, r.person.account, practice).await },
    )
    .await
}

#[server(endpoint = "update_practice_details", input = Json)]
pub async fn update_practice_details(
    practice: PracticeId,
    form: PracticeForm,
) -> Result<PracticeDetails, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::practices::update_details(&r.backend, &r.caller, r.person.account, practice, &form)
            .await
    })
    .await
}

#[server(endpoint = "invitation_validity", input = Json)]
pub async fn invitation_validity(practice: PracticeId) -> Result<Validity, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::practices::invitation_validity(&r.backend, r.person.account, practice).await
    })
    .await
}

#[server(endpoint = "set_invitation_validity", input = Json)]
pub async fn set_invitation_validity(
    practice: PracticeId,
    validity: Validity,
) -> Result<Validity, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::practices::set_invitation_validity(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            validity,
        )
        .await
    })
    .await
}

/// The practice's goals and ranges, for anyone on its team.
#[server(endpoint = "goals", input = Json)]
pub async fn get_goals(practice: PracticeId) -> Result<GoalsForm, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::goals::form(&r.backend, r.person.account, practice).await })
        .await
}

/// Replaces the goals (Owners and Admins); answers with the form as saved.
#[server(endpoint = "set_goals", input = Json)]
pub async fn set_goals(practice: PracticeId, form: GoalsForm) -> Result<GoalsForm, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::goals::set(&r.backend, &r.caller, r.person.account, practice, &form).await
    })
    .await
}
