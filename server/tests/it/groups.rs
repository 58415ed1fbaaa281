//! Groups of practices (product.md §2 Group, §4 Multi-location): a practice
//! joins only on its own Owner's acceptance; a group admin lets a member into
//! another practice with a role never above their own there; access ends
//! when it is withdrawn or the practice leaves; each change is audited in
//! the practices it touches and nowhere else.

use crate::support::{add_member, caller, open_practice, person, TestEnv};
use server::error::ServiceError;
use server::{groups, memberships};
use shared::groups::{GroupForm, PlaceGrant};
use shared::ids::{AccountId, GroupId, PracticeId};
use shared::membership::ChangeRefused;
use shared::roles::{AccessLevel, Capability, Role};

const READ_ONLY: Role = Role::Staff(AccessLevel::ReadOnly);

async fn create(env: &TestEnv, by: AccountId, practice: PracticeId) -> GroupId {
    let form = GroupForm {
        name: "North Coast Health".into(),
    };
    groups::create(&env.backend, &caller("10.0.0.2"), by, practice, &form)
        .await
        .unwrap()
}

async fn grant(
    env: &TestEnv,
    by: AccountId,
    home: PracticeId,
    member: AccountId,
    there: PracticeId,
    role: Option<Role>,
) -> Result<(), ServiceError> {
    let grants = [PlaceGrant {
        practice: there,
        role,
    }];
    groups::set_member_places(&env.backend, &caller("10.0.0.2"), by, home, member, &grants).await
}

/// The practices of the group as `account` sees them from `practice`.
async fn practice_names(env: &TestEnv, account: AccountId, practice: PracticeId) -> Vec<String> {
    let page = groups::page(&env.backend, account, practice).await.unwrap();
    page.group
        .map(|g| g.practices.into_iter().map(|p| p.name).collect())
        .unwrap_or_default()
}

/// How many audit events with `action` each practice's log holds.
async fn logged(env: &TestEnv, action: &str, practices: &[PracticeId]) -> Vec<i64> {
    let mut counts = Vec::new();
    for practice in practices {
        let count: i64 = server::on_pool!(env.db(), pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE practice_id = $1 AND action = $2")
                .bind(practice)
                .bind(action)
                .fetch_one(pool)
                .await
        })
        .unwrap();
        counts.push(count);
    }
    counts
}

/// Two practices with their own Owners, in one group: Ada's Harbour (the
/// group's owner) and Bea's Hillside, which accepted.
async fn two_locations(env: &TestEnv) -> (AccountId, PracticeId, AccountId, PracticeId, GroupId) {
    let ada = person(env, "ada@example.org").await;
    let bea = person(env, "bea@example.org").await;
    let harbour = open_practice(env, ada, "Harbour Clinic").await;
    let hillside = open_practice(env, bea, "Hillside Clinic").await;
    let group = create(env, ada, harbour).await;
    invite_and_accept(env, (ada, harbour), (bea, hillside), group).await;
    (ada, harbour, bea, hillside, group)
}

/// A group admin, working in `from`, invites `practice`, and its Owner accepts.
async fn invite_and_accept(
    env: &TestEnv,
    (admin, from): (AccountId, PracticeId),
    (owner, practice): (AccountId, PracticeId),
    group: GroupId,
) {
    groups::invite(
        &env.backend,
        &caller("10.0.0.2"),
        admin,
        from,
        &practice.to_string(),
    )
    .await
    .unwrap();
    groups::respond(
        &env.backend,
        &caller("10.0.0.3"),
        owner,
        practice,
        group,
        true,
    )
    .await
    .unwrap();
}

/// [`two_locations`], Ada an Admin at Hillside too, and Cara, a Practitioner
/// of Harbour, whom Ada let into Hillside as Staff (Read only).
async fn cara_in_hillside(env: &TestEnv) -> (AccountId, PracticeId, PracticeId, AccountId) {
    let (ada, harbour, _, hillside, _) = two_locations(env).await;
    add_member(env, hillside, ada, Role::Admin).await;
    let cara = person(env, "cara@example.org").await;
    add_member(env, harbour, cara, Role::Practitioner).await;
    grant(env, ada, harbour, cara, hillside, Some(READ_ONLY))
        .await
        .unwrap();
    (ada, harbour, hillside, cara)
}

async fn a_practice_joins_a_group_only_when_its_own_owner_accepts(env: &TestEnv) {
    let ada = person(env, "ada@example.org").await;
    let bea = person(env, "bea@example.org").await;
    let ben = person(env, "ben@example.org").await;
    let harbour = open_practice(env, ada, "Harbour Clinic").await;
    let hillside = open_practice(env, bea, "Hillside Clinic").await;
    add_member(env, hillside, ben, Role::Admin).await;
    let group = create(env, ada, harbour).await;
    groups::invite(
        &env.backend,
        &caller("10.0.0.2"),
        ada,
        harbour,
        &hillside.to_string(),
    )
    .await
    .unwrap();
    // Bea hears of it by email, with the page where she answers.
    let mail = env.last_mail_to("bea@example.org").await;
    assert_eq!(
        mail.subject,
        "North Coast Health invites Hillside Clinic to its group"
    );
    assert!(mail
        .body_text
        .contains(&format!("/p/{hillside}/settings/group")));
    // Invited is not joined: the group still has one practice, and nobody is let in yet.
    assert_eq!(practice_names(env, ada, harbour).await, ["Harbour Clinic"]);
    let page = groups::page(&env.backend, bea, hillside).await.unwrap();
    assert!(page.group.is_none());
    assert_eq!(page.invitations.len(), 1);
    assert_eq!(page.invitations[0].group_name, "North Coast Health");
    // The inviting side cannot answer for the other practice, nor can its Admin.
    assert!(matches!(
        groups::respond(
            &env.backend,
            &caller("10.0.0.2"),
            ada,
            hillside,
            group,
            true
        )
        .await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        groups::respond(
            &env.backend,
            &caller("10.0.0.4"),
            ben,
            hillside,
            group,
            true
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    // Nor can the group admin grant access there meanwhile.
    let cara = person(env, "cara@example.org").await;
    add_member(env, harbour, cara, Role::Practitioner).await;
    assert!(matches!(
        grant(env, ada, harbour, cara, hillside, Some(READ_ONLY)).await,
        Err(ServiceError::NotFound)
    ));
    assert_eq!(practice_names(env, ada, harbour).await, ["Harbour Clinic"]);
    // An unknown id, and a practice already invited, are named on the field.
    let unknown =
        groups::invite(&env.backend, &caller("10.0.0.2"), ada, harbour, "not-an-id").await;
    assert!(matches!(unknown, Err(ServiceError::Validation(e)) if e.get("practice").is_some()));
    let again = groups::invite(
        &env.backend,
        &caller("10.0.0.2"),
        ada,
        harbour,
        &hillside.to_string(),
    )
    .await;
    assert!(
        matches!(again, Err(ServiceError::Validation(e)) if e.get("practice") == Some("That practice is invited already."))
    );

    groups::respond(
        &env.backend,
        &caller("10.0.0.3"),
        bea,
        hillside,
        group,
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        practice_names(env, bea, hillside).await,
        ["Harbour Clinic", "Hillside Clinic"]
    );
    // Audited in both practices it touches.
    assert_eq!(
        logged(env, "group.practice_added", &[hillside, harbour]).await,
        [1, 1]
    );
    assert_eq!(
        logged(env, "group.practice_invited", &[hillside]).await,
        [1]
    );
    // Creating the group touched Harbour alone: Hillside's log does not show it.
    assert_eq!(
        logged(env, "group.created", &[harbour, hillside]).await,
        [1, 0]
    );
}

async fn a_group_admin_cannot_grant_a_role_above_their_own_in_the_target_practice(env: &TestEnv) {
    let (ada, harbour, bea, hillside, _) = two_locations(env).await;
    let cara = person(env, "cara@example.org").await;
    add_member(env, harbour, cara, Role::Practitioner).await;
    // Ada owns the group but holds nothing at Hillside: she may give nothing there.
    assert!(matches!(
        grant(env, ada, harbour, cara, hillside, Some(READ_ONLY)).await,
        Err(ServiceError::Refused(ChangeRefused::AboveYou))
    ));
    // As a Practitioner there she still may not (Practitioners do not manage a team).
    add_member(env, hillside, ada, Role::Practitioner).await;
    assert!(matches!(
        grant(env, ada, harbour, cara, hillside, Some(READ_ONLY)).await,
        Err(ServiceError::Refused(ChangeRefused::AboveYou))
    ));
    // Bea makes her an Admin there: Admin and below, never Owner.
    memberships::change(
        &env.backend,
        &caller("10.0.0.3"),
        bea,
        hillside,
        ada,
        shared::membership::MemberChange::Role(Role::Admin),
    )
    .await
    .unwrap();
    assert!(matches!(
        grant(env, ada, harbour, cara, hillside, Some(Role::Owner)).await,
        Err(ServiceError::Refused(ChangeRefused::AboveYou))
    ));
    grant(env, ada, harbour, cara, hillside, Some(READ_ONLY))
        .await
        .unwrap();
    let actor = memberships::actor(&env.backend, cara, hillside)
        .await
        .unwrap();
    assert_eq!(actor.role, READ_ONLY);
    // A Read only member there may view clients and nothing more.
    assert!(
        memberships::require(&env.backend, cara, hillside, Capability::ViewClients)
            .await
            .is_ok()
    );
    assert!(matches!(
        memberships::require(&env.backend, cara, hillside, Capability::EditClients).await,
        Err(ServiceError::Forbidden)
    ));
    // Someone who is no group admin cannot grant, even as an Admin at both.
    let dan = person(env, "dan@example.org").await;
    add_member(env, harbour, dan, Role::Admin).await;
    add_member(env, hillside, dan, Role::Admin).await;
    assert!(matches!(
        grant(env, dan, harbour, cara, hillside, Some(Role::Practitioner)).await,
        Err(ServiceError::Forbidden)
    ));
    // Bea's own members are hers to change: the group's form does not touch them.
    let eve = person(env, "eve@example.org").await;
    add_member(env, harbour, eve, Role::Practitioner).await;
    add_member(env, hillside, eve, Role::Practitioner).await;
    assert!(matches!(
        grant(env, ada, harbour, eve, hillside, None).await,
        Err(ServiceError::Validation(e)) if e.get("places").is_some()
    ));
    // Granting is audited at both ends, and not in a third practice.
    let elsewhere = open_practice(env, bea, "Elsewhere Clinic").await;
    assert_eq!(
        logged(env, "group.access_granted", &[harbour, hillside, elsewhere]).await,
        [1, 1, 0]
    );
}

async fn withdrawn_access_is_refused_at_the_next_request(env: &TestEnv) {
    let (ada, harbour, hillside, cara) = cara_in_hillside(env).await;
    let places = groups::member_places(&env.backend, ada, harbour, cara)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(places.home_role, Role::Practitioner);
    assert_eq!(places.others.len(), 1);
    assert_eq!(places.others[0].role, Some(READ_ONLY));
    assert!(!places.others[0].own_member);
    // The switcher lists both, under the group's name.
    let listed = server::practices::list_for(&env.backend, cara)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed
        .iter()
        .all(|p| p.group_name.as_deref() == Some("North Coast Health")));

    grant(env, ada, harbour, cara, hillside, None)
        .await
        .unwrap();
    assert!(matches!(
        server::practices::place(&env.backend, cara, hillside).await,
        Err(ServiceError::NotFound)
    ));
    // Home is untouched.
    assert!(server::practices::place(&env.backend, cara, harbour)
        .await
        .is_ok());
    assert_eq!(
        logged(env, "group.access_withdrawn", &[hillside, harbour]).await,
        [1, 1]
    );
}

async fn removing_a_practice_from_the_group_removes_the_memberships_it_granted(env: &TestEnv) {
    let (ada, harbour, bea, hillside, group) = two_locations(env).await;
    add_member(env, hillside, ada, Role::Admin).await;
    add_member(env, harbour, bea, Role::Admin).await;
    // Cara of Harbour into Hillside, and Finn of Hillside into Harbour.
    let cara = person(env, "cara@example.org").await;
    add_member(env, harbour, cara, Role::Practitioner).await;
    grant(env, ada, harbour, cara, hillside, Some(Role::Practitioner))
        .await
        .unwrap();
    let finn = person(env, "finn@example.org").await;
    add_member(env, hillside, finn, READ_ONLY).await;
    grant(env, ada, hillside, finn, harbour, Some(READ_ONLY))
        .await
        .unwrap();
    // Gil is on both teams by their own invitations: that stays.
    let gil = person(env, "gil@example.org").await;
    add_member(env, harbour, gil, Role::Practitioner).await;
    add_member(env, hillside, gil, Role::Practitioner).await;
    // Only the group's owner removes another practice; Bea may take hers out.
    assert!(matches!(
        groups::remove(&env.backend, &caller("10.0.0.3"), bea, harbour, hillside).await,
        Err(ServiceError::Forbidden)
    ));
    groups::remove(&env.backend, &caller("10.0.0.3"), bea, hillside, hillside)
        .await
        .unwrap();
    assert!(memberships::actor(&env.backend, cara, hillside)
        .await
        .is_err());
    assert!(memberships::actor(&env.backend, finn, harbour)
        .await
        .is_err());
    assert!(memberships::actor(&env.backend, cara, harbour)
        .await
        .is_ok());
    assert!(memberships::actor(&env.backend, finn, hillside)
        .await
        .is_ok());
    assert!(memberships::actor(&env.backend, gil, harbour).await.is_ok());
    assert!(memberships::actor(&env.backend, gil, hillside)
        .await
        .is_ok());
    assert_eq!(practice_names(env, ada, harbour).await, ["Harbour Clinic"]);
    assert!(groups::page(&env.backend, bea, hillside)
        .await
        .unwrap()
        .group
        .is_none());
    assert_eq!(
        logged(env, "group.practice_removed", &[harbour, hillside]).await,
        [1, 1]
    );
    assert_eq!(
        logged(env, "group.access_withdrawn", &[hillside]).await,
        [2]
    );
    // Back in no group, it can be invited again and nothing is granted by itself.
    invite_and_accept(env, (ada, harbour), (bea, hillside), group).await;
    assert!(memberships::actor(&env.backend, cara, hillside)
        .await
        .is_err());
}

async fn removing_a_member_at_home_ends_what_the_group_granted_them(env: &TestEnv) {
    let (ada, harbour, hillside, cara) = cara_in_hillside(env).await;
    memberships::change(
        &env.backend,
        &caller("10.0.0.2"),
        ada,
        harbour,
        cara,
        shared::membership::MemberChange::Remove,
    )
    .await
    .unwrap();
    assert!(memberships::actor(&env.backend, cara, hillside)
        .await
        .is_err());
}

async fn the_groups_owner_names_admins_who_then_invite_and_grant_within_their_own_place(
    env: &TestEnv,
) {
    let (ada, harbour, bea, hillside, _) = two_locations(env).await;
    let third = open_practice(env, bea, "Third Clinic").await;
    let at = caller("10.0.0.3");
    // Owning a practice of the group is not administering the group.
    assert!(matches!(
        groups::invite(&env.backend, &at, bea, hillside, &third.to_string()).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        groups::name_admin(&env.backend, &at, bea, hillside, "bea@example.org").await,
        Err(ServiceError::Forbidden)
    ));
    // Only an Owner or Admin of a practice of the group can be named.
    person(env, "zed@example.org").await;
    let stranger = groups::name_admin(
        &env.backend,
        &caller("10.0.0.2"),
        ada,
        harbour,
        "zed@example.org",
    )
    .await;
    assert!(matches!(stranger, Err(ServiceError::Validation(e)) if e.get("login").is_some()));
    // Nor a Practitioner: they manage no team, so they would have nothing to grant.
    let pia = person(env, "pia@example.org").await;
    add_member(env, harbour, pia, Role::Practitioner).await;
    let practitioner = groups::name_admin(
        &env.backend,
        &caller("10.0.0.2"),
        ada,
        harbour,
        "pia@example.org",
    )
    .await;
    assert!(matches!(practitioner, Err(ServiceError::Validation(e)) if e.get("login").is_some()));
    groups::name_admin(
        &env.backend,
        &caller("10.0.0.2"),
        ada,
        harbour,
        " BEA@example.org ",
    )
    .await
    .unwrap();
    let view = groups::page(&env.backend, bea, hillside)
        .await
        .unwrap()
        .group
        .unwrap();
    assert!(view.you_admin && !view.you_owner);
    assert_eq!(view.admins.len(), 2);
    // Named, Bea invites; she grants only where she holds a place that allows it.
    groups::invite(&env.backend, &at, bea, hillside, &third.to_string())
        .await
        .unwrap();
    // Third Clinic's Owner declines: it stays out, and the answer is given once.
    let group = view.id;
    groups::respond(&env.backend, &at, bea, third, group, false)
        .await
        .unwrap();
    assert!(groups::page(&env.backend, bea, third)
        .await
        .unwrap()
        .group
        .is_none());
    assert!(matches!(
        groups::respond(&env.backend, &at, bea, third, group, true).await,
        Err(ServiceError::NotFound)
    ));
    assert_eq!(
        logged(env, "group.invitation_declined", &[third, hillside]).await,
        [1, 0]
    );
    let finn = person(env, "finn@example.org").await;
    add_member(env, hillside, finn, READ_ONLY).await;
    assert!(matches!(
        grant(env, bea, hillside, finn, harbour, Some(READ_ONLY)).await,
        Err(ServiceError::Refused(ChangeRefused::AboveYou))
    ));
    // Only the group's owner removes admins, and nobody removes the owner.
    assert!(matches!(
        groups::remove_admin(&env.backend, &at, bea, hillside, ada).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        groups::remove_admin(&env.backend, &caller("10.0.0.2"), ada, harbour, ada).await,
        Err(ServiceError::NotFound)
    ));
    groups::remove_admin(&env.backend, &caller("10.0.0.2"), ada, harbour, bea)
        .await
        .unwrap();
    assert!(
        !groups::page(&env.backend, bea, hillside)
            .await
            .unwrap()
            .group
            .unwrap()
            .you_admin
    );
    assert_eq!(
        logged(env, "group.admin_named", &[harbour, hillside, third]).await,
        [1, 1, 0]
    );
    assert_eq!(logged(env, "group.admin_removed", &[hillside]).await, [1]);
}

async fn the_practice_a_member_is_let_into_approves_their_new_browsers_itself(env: &TestEnv) {
    let (ada, harbour, _, hillside, _) = two_locations(env).await;
    add_member(env, hillside, ada, Role::Admin).await;
    // Harbour lets any browser in; Hillside keeps approval on (the default).
    server::practices::set_device_approval(&env.backend, &caller("10.0.0.2"), ada, harbour, false)
        .await
        .unwrap();
    let cara = person(env, "cara@example.org").await;
    add_member(env, harbour, cara, Role::Practitioner).await;
    let log_in = |ip: &'static str| async move {
        let form = shared::validation::LoginForm {
            login: "cara@example.org".into(),
            password: crate::support::PASSWORD.into(),
        };
        server::accounts::log_in(&env.backend, &caller(ip), &form, None)
            .await
            .unwrap()
    };
    assert!(log_in("10.0.0.5").await.session().is_some());
    grant(env, ada, harbour, cara, hillside, Some(READ_ONLY))
        .await
        .unwrap();
    // The group admin's grant approved the browser she logs in from next, as
    // an admin's adding does; a further new browser waits for Hillside.
    assert!(log_in("10.0.0.6").await.session().is_some());
    assert!(log_in("10.0.0.7").await.session().is_none());
    let asked: i64 = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM login_requests WHERE practice_id = $1")
            .bind(hillside)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(asked, 1);
}

on_both_backends!(
    the_practice_a_member_is_let_into_approves_their_new_browsers_itself,
    the_groups_owner_names_admins_who_then_invite_and_grant_within_their_own_place,
    a_practice_joins_a_group_only_when_its_own_owner_accepts,
    a_group_admin_cannot_grant_a_role_above_their_own_in_the_target_practice,
    withdrawn_access_is_refused_at_the_next_request,
    removing_a_practice_from_the_group_removes_the_memberships_it_granted,
    removing_a_member_at_home_ends_what_the_group_granted_them,
);
