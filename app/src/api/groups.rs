//! Groups of practices and "allow login to other practices" (product.md §4
//! Multi-location). Thin doors to `server::groups`, which checks the role
//! table and the group's admins.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::groups::{GroupForm, GroupPage, MemberPlaces, PlaceGrant};
use shared::ids::{AccountId, GroupId, PracticeId};

use crate::error::AppError;

/// Settings → Group: the practice's group, or the invitations waiting for it.
#[server(endpoint = "group_page", input = Json)]
pub async fn get_group_page(practice: PracticeId) -> Result<GroupPage, AppError> {
    use super::request::as_person;
    as_person(|r| async move { server::groups::page(&r.backend, r.person.account, practice).await })
        .await
}

#[server(endpoint = "create_group", input = Json)]
pub async fn create_group(practice: PracticeId, form: GroupForm) -> Result<GroupId, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::create(&r.backend, &r.caller, r.person.account, practice, &form).await
    })
    .await
}

/// Invites the practice with id `target` into this practice's group.
#[server(endpoint = "invite_practice", input = Json)]
pub async fn invite_practice(practice: PracticeId, target: String) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::invite(&r.backend, &r.caller, r.person.account, practice, &target).await
    })
    .await
}

#[server(endpoint = "answer_group_invitation", input = Json)]
pub async fn answer_group_invitation(
    practice: PracticeId,
    group: GroupId,
    accept: bool,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::respond(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            group,
            accept,
        )
        .await
    })
    .await
}

/// Takes `target` out of the group (this practice leaving, or the group's owner removing it).
#[server(endpoint = "remove_from_group", input = Json)]
pub async fn remove_from_group(practice: PracticeId, target: PracticeId) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::remove(&r.backend, &r.caller, r.person.account, practice, target).await
    })
    .await
}

/// The member's access to the group's other practices, if the viewer administers the group.
#[server(endpoint = "member_places", input = Json)]
pub async fn get_member_places(
    practice: PracticeId,
    member: AccountId,
) -> Result<Option<MemberPlaces>, AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::member_places(&r.backend, r.person.account, practice, member).await
    })
    .await
}

#[server(endpoint = "set_member_places", input = Json)]
pub async fn set_member_places(
    practice: PracticeId,
    member: AccountId,
    grants: Vec<PlaceGrant>,
) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::set_member_places(
            &r.backend,
            &r.caller,
            r.person.account,
            practice,
            member,
            &grants,
        )
        .await
    })
    .await
}

/// The group's owner names a group admin by their login.
#[server(endpoint = "name_group_admin", input = Json)]
pub async fn name_group_admin(practice: PracticeId, login: String) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::name_admin(&r.backend, &r.caller, r.person.account, practice, &login).await
    })
    .await
}

#[server(endpoint = "remove_group_admin", input = Json)]
pub async fn remove_group_admin(practice: PracticeId, admin: AccountId) -> Result<(), AppError> {
    use super::request::as_person;
    as_person(|r| async move {
        server::groups::remove_admin(&r.backend, &r.caller, r.person.account, practice, admin).await
    })
    .await
}
