use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::audit_log::{AuditQuery, AuditView, ChainVerdict};
use shared::ids::PracticeId;

use crate::error::AppError;

#[server(endpoint = "audit_log", input = Json)]
pub async fn get_audit_log(practice: PracticeId, query: AuditQuery) -> Result<AuditView, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::audit_log::view(&r.backend, r.person.account, practice, &query).await
    })
    .await
}

#[server(endpoint = "verify_audit_chain", input = Json)]
pub async fn verify_audit_chain(practice: PracticeId) -> Result<ChainVerdict, AppError> {
    use super::request::as_person;
    as_person(
        |r| async move { server::audit_log::verify(&r.backend, r.person.account, practice).await },
    )
    .await
}

/// `GET /p/{practice}/audit.csv?…`: the whole search as a file the browser
/// saves (a plain link, so the download needs no script).
#[cfg(feature = "ssr")]
pub async fn audit_csv(
    axum::extract::State(backend): axum::extract::State<server::backend::Backend>,
    axum::extract::Path(practice): axum::extract::Path<PracticeId>,
    axum::extract::Query(query): axum::extract::Query<AuditQuery>,
    headers: http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
    let csv = async {
        let person = super::request::person_of(&backend, &headers).await?;
        server::audit_log::export(&backend, person.account, practice, &query).await
    };
    match csv.await.map_err(AppError::from) {
        Ok(csv) => (
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.csv\"",
                ),
                (CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        Err(error) => (error.status(), error.to_string()).into_response(),
    }
}
