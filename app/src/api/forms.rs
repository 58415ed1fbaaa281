//! Intake forms (product.md §7): the practice's forms, sending them, the
//! team reading submissions, and the client filling them in the portal.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::forms::{FilledForm, FormDefinition, FormSave, FormStatus, FormSummary, ToSign};
use shared::ids::{ClientFormId, ClientId, FormId, PracticeId};

use crate::error::AppError;

#[server(endpoint = "intake_forms", input = Json)]
pub async fn intake_forms(practice: PracticeId) -> Result<Vec<FormSummary>, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::forms::list(&r.backend, r.person.account, practice).await })
        .await
}

#[server(endpoint = "intake_form", input = Json)]
pub async fn intake_form(practice: PracticeId, form: FormId) -> Result<FormDefinition, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::forms::definition(&r.backend, r.person.account, practice, form).await
    })
    .await
}

/// Creates (`form` is `None`) or changes a form; answers its id.
#[server(endpoint = "save_intake_form", input = Json)]
pub async fn save_intake_form(
    practice: PracticeId,
    form: Option<FormId>,
    definition: FormDefinition,
) -> Result<FormId, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::forms::save_definition(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            form,
            &definition,
        )
        .await
    })
    .await
}

/// *Send forms* to a client with a portal login; answers the titles sent.
#[server(endpoint = "send_forms", input = Json)]
pub async fn send_forms(
    practice: PracticeId,
    client: ClientId,
    forms: Vec<FormId>,
) -> Result<Vec<String>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::forms::send(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            client,
            &forms,
        )
        .await
    })
    .await
}

#[server(endpoint = "form_submission", input = Json)]
pub async fn form_submission(
    practice: PracticeId,
    id: ClientFormId,
) -> Result<FilledForm, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::forms::submission(&r.backend, r.person.account, practice, id).await
    })
    .await
}

/// A form the signed-in client was asked to fill.
#[server(endpoint = "portal_form", input = Json)]
pub async fn portal_form(id: ClientFormId) -> Result<FilledForm, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::forms::open(&r.backend, r.person.account, id).await }).await
}

/// Keeps a draft of, or hands in, a form in the portal.
#[server(endpoint = "save_portal_form", input = Json)]
pub async fn save_portal_form(id: ClientFormId, save: FormSave) -> Result<FormStatus, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::forms::save(&r.backend, &r.caller, r.person.account, id, &save).await
    })
    .await
}

/// The *To sign* inbox: submitted forms waiting for a co-signature.
#[server(endpoint = "forms_to_sign", input = Json)]
pub async fn forms_to_sign(practice: PracticeId) -> Result<Vec<ToSign>, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::forms::inbox(&r.backend, r.person.account, practice).await })
        .await
}

#[server(endpoint = "cosign_form", input = Json)]
pub async fn cosign_form(
    practice: PracticeId,
    form: ClientFormId,
    signature: String,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::forms::cosign(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            form,
            &signature,
        )
        .await
    })
    .await
}
