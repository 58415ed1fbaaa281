//! The Add user and Edit user forms (product.md §4).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::ids::{AccountId, PracticeId};
use shared::staff::{Added, StaffForm, StaffPage};

use crate::error::AppError;

/// What the form needs: the practice's rules, the roles the viewer may give,
/// and for Edit (`member`) the person as stored.
#[server(endpoint = "staff_page", input = Json)]
pub async fn get_staff_page(
    practice: PracticeId,
    member: Option<AccountId>,
) -> Result<StaffPage, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::staff::page(&r.backend, r.person.account, practice, member).await
    })
    .await
}

#[server(endpoint = "add_member", input = Json)]
pub async fn add_member(practice: PracticeId, form: StaffForm) -> Result<Added, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::staff::add(&r.backend, &r.caller, r.person.account, practice, &form).await
    })
    .await
}

#[server(endpoint = "edit_member", input = Json)]
pub async fn edit_member(
    practice: PracticeId,
    member: AccountId,
    form: StaffForm,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::staff::edit(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            member,
            &form,
        )
        .await
    })
    .await
}

/// `GET /p/{practice}/photos/{member}`: the member's re-encoded photo, for
/// people on the practice's team.
#[cfg(feature = "ssr")]
pub async fn photo(
    axum::extract::State(backend): axum::extract::State<server::backend::Backend>,
    axum::extract::Path((practice, member)): axum::extract::Path<(PracticeId, AccountId)>,
    headers: http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::header::{CACHE_CONTROL, CONTENT_TYPE};
    let jpeg = async {
        let person = super::request::person_of(&backend, &headers).await?;
        server::photos::get(&backend, person.account, practice, member).await
    };
    match jpeg.await.map_err(AppError::from) {
        Ok(jpeg) => (
            [
                (CONTENT_TYPE, "image/jpeg"),
                (CACHE_CONTROL, "private, no-cache"),
            ],
            jpeg,
        )
            .into_response(),
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}

/// `PUT /p/{practice}/photos/{member}` with the image file as the body.
/// Answers 204, or the sentence the photo field shows (a bad file is a field problem).
#[cfg(feature = "ssr")]
pub async fn upload_photo(
    axum::extract::State(backend): axum::extract::State<server::backend::Backend>,
    axum::extract::Path((practice, member)): axum::extract::Path<(PracticeId, AccountId)>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use server::error::ServiceError;
    use shared::staff::{photo_size_problem, PHOTO_MAX_BYTES};
    use shared::validation::FieldErrors;
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let stored = async {
        let person = super::request::person_of(&backend, headers).await?;
        // One byte over the limit is enough to know; the rest is never read.
        let upload = axum::body::to_bytes(body, PHOTO_MAX_BYTES + 1)
            .await
            .map_err(|_| {
                let declared = headers
                    .get(http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok()?.parse().ok())
                    .unwrap_or(PHOTO_MAX_BYTES + 1);
                let message = photo_size_problem(declared)
                    .unwrap_or_else(|| "The upload was cut off; please try again.".into());
                ServiceError::Validation(FieldErrors::single("photo", message))
            })?;
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0);
        let caller = super::request::caller_of(&backend, peer, headers);
        server::photos::set(
            &backend,
            &caller,
            person.account,
            practice,
            member,
            upload.to_vec(),
        )
        .await
    };
    match stored.await.map_err(AppError::from) {
        Ok(()) => http::StatusCode::NO_CONTENT.into_response(),
        // The sentence the photo field shows.
        Err(error) => {
            let message = error.field("photo").unwrap_or_else(|| error.to_string());
            (error.status(), message).into_response()
        }
    }
}
