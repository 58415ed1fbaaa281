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
