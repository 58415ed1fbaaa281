use leptos::prelude::*;
use shared::ids::PracticeId;
use shared::validation::{PracticeDetails, PracticeForm};

use crate::error::AppError;

#[server(endpoint = "time_zones")]
pub async fn time_zones() -> Result<Vec<String>, AppError> {
    Ok(server::practices::time_zone_names()
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// Creates a practice owned by the caller; returns its dashboard's path.
#[server(endpoint = "create_practice")]
pub async fn create_practice(form: PracticeForm) -> Result<String, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        let practice =
            server::practices::create(&backend, &caller(), person.account, &form).await?;
        Ok(format!("/p/{practice}"))
    })
    .await
}

#[server(endpoint = "practice_details")]
pub async fn get_practice_details(practice: PracticeId) -> Result<PracticeDetails, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(server::practices::details(&backend, person.account, practice).await?)
    })
    .await
}

#[server(endpoint = "update_practice_details")]
pub async fn update_practice_details(
    practice: PracticeId,
    form: PracticeForm,
) -> Result<PracticeDetails, AppError> {
    use super::request::*;
    answer(async move {
        let backend = backend()?;
        let person = require_signed_in(&backend).await?;
        Ok(
            server::practices::update_details(&backend, &caller(), person.account, practice, &form)
                .await?,
        )
    })
    .await
}
