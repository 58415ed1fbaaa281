//! Clients: the whole team reads them; Owners, Admins and Practitioners add,
//! edit, archive and assign; Staff (Full) with *can invite clients* edit only
//! the clients assigned to them; nobody reaches another practice's client by id.

use crate::support::{caller, one_with_each_role, open_practice, person, TestEnv};
use server::clients;
use server::error::ServiceError;
use shared::clients::{ClientForm, ClientQuery, PortalStatus};
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::roles::{AccessLevel, Role};

fn form(first: &str, last: &str, email: &str) -> ClientForm {
    ClientForm {
        first_name: first.into(),
        last_name: last.into(),
        email: email.into(),
        date_of_birth: "1984-03-21".into(),
    }
}

async fn add(env: &TestEnv, who: AccountId, practice: PracticeId, f: ClientForm) -> ClientId {
    clients::add(&env.backend, &caller("10.0.0.2"), who, practice, &f)
        .await
        .unwrap()
}

fn query(search: &str) -> ClientQuery {
    ClientQuery {
        search: search.into(),
        ..ClientQuery::default()
    }
}

async fn clients_are_listed_searched_paged_and_archived(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    for i in 0..60 {
        add(
            env,
            owner,
            practice,
            form(&format!("Client{i:02}"), "Zeta", ""),
        )
        .await;
    }
    let ana = add(
        env,
        owner,
        practice,
        form("Ana", "Silva", "Ana.Silva@Example.org"),
    )
    .await;
    add(
        env,
        owner,
        practice,
        form("Bruno", "Alves", "bruno@example.org"),
    )
    .await;

    let first = clients::list(&env.backend, owner, practice, &query(""))
        .await
        .unwrap();
    assert_eq!(first.clients.total, 62);
    assert_eq!(first.clients.rows.len(), 50);
    assert!(first.may_add);
    // By last name, then first name.
    assert_eq!(first.clients.rows[0].full_name(), "Bruno Alves");
    assert_eq!(first.clients.rows[1].full_name(), "Ana Silva");
    let second = clients::list(
        &env.backend,
        owner,
        practice,
        &ClientQuery {
            page: 1,
            ..query("")
        },
    )
    .await
    .unwrap();
    assert_eq!(second.clients.rows.len(), 12);

    // Search by either name in either order, or by address, in any case; wildcards are literal.
    for term in ["ana silva", "SILVA ANA", "example.ORG", "ana.s"] {
        let found = clients::list(&env.backend, owner, practice, &query(term))
            .await
            .unwrap();
        assert!(found.clients.rows.iter().any(|c| c.id == ana), "{term}");
    }
    let none = clients::list(&env.backend, owner, practice, &query("%"))
        .await
        .unwrap();
    assert_eq!(none.clients.total, 0);
    let row = &clients::list(&env.backend, owner, practice, &query("silva"))
        .await
        .unwrap()
        .clients
        .rows[0];
    assert_eq!(row.email.as_deref(), Some("ana.silva@example.org"));
    assert_eq!(row.portal, PortalStatus::NoAccount);

    // Archived clients leave the list, stay in the archive, and come back.
    clients::set_archived(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        ana,
        true,
    )
    .await
    .unwrap();
    assert_eq!(
        clients::list(&env.backend, owner, practice, &query("silva"))
            .await
            .unwrap()
            .clients
            .total,
        0
    );
    let archive = ClientQuery {
        archived: true,
        ..query("")
    };
    let archived = clients::list(&env.backend, owner, practice, &archive)
        .await
        .unwrap();
    assert_eq!(
        archived
            .clients
            .rows
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![ana]
    );
    clients::set_archived(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        ana,
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        clients::list(&env.backend, owner, practice, &query("silva"))
            .await
            .unwrap()
            .clients
            .total,
        1
    );
    let actions: Vec<String> = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT action FROM audit_events WHERE practice_id = $1 AND target = $2 ORDER BY seq")
            .bind(practice)
            .bind(ana.to_string())
            .fetch_all(pool)
            .await
    })
    .unwrap();
    assert_eq!(
        actions,
        ["client.added", "client.archived", "client.restored"]
    );
}

async fn bad_client_details_are_named_by_field_and_nothing_is_stored(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let mut bad = form("", "Silva", "not-an-address");
    bad.date_of_birth = "2199-01-01".into();
    match clients::add(&env.backend, &caller("10.0.0.2"), owner, practice, &bad).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("first_name").is_some());
            assert!(errors.get("email").is_some());
            assert!(errors.get("date_of_birth").is_some());
            assert!(errors.get("last_name").is_none());
        }
        other => panic!("stored: {other:?}"),
    }
    assert_eq!(
        clients::list(&env.backend, owner, practice, &query(""))
            .await
            .unwrap()
            .clients
            .total,
        0
    );
}

async fn who_may_change_which_client(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let roles = [
        Role::Admin,
        Role::Practitioner,
        Role::Staff(AccessLevel::Full),
        Role::Staff(AccessLevel::ReadWrite),
        Role::Staff(AccessLevel::ReadOnly),
    ];
    let members = one_with_each_role(env, practice, &roles).await;
    let client = add(
        env,
        owner,
        practice,
        form("Ana", "Silva", "ana@example.org"),
    )
    .await;
    let renamed = form("Ana", "Souza", "ana@example.org");
    for (role, member) in &members {
        // Everyone on the team reads the list and the details.
        clients::list(&env.backend, *member, practice, &query(""))
            .await
            .unwrap();
        let view = clients::view(&env.backend, *member, practice, client)
            .await
            .unwrap();
        let may = matches!(role, Role::Admin | Role::Practitioner);
        assert_eq!(view.may_edit, may, "{role:?}");
        let edited = clients::edit(
            &env.backend,
            &caller("10.0.0.3"),
            *member,
            practice,
            client,
            &renamed,
        )
        .await;
        let added = clients::add(
            &env.backend,
            &caller("10.0.0.3"),
            *member,
            practice,
            &renamed,
        )
        .await;
        let archived = clients::set_archived(
            &env.backend,
            &caller("10.0.0.3"),
            *member,
            practice,
            client,
            false,
        )
        .await;
        let assigned = clients::assign(
            &env.backend,
            &caller("10.0.0.3"),
            *member,
            practice,
            client,
            &[],
        )
        .await;
        for (what, result) in [
            ("edit", edited.map(drop)),
            ("add", added.map(drop)),
            ("archive", archived),
            ("assign", assigned),
        ] {
            assert_eq!(result.is_ok(), may, "{role:?} {what}: {result:?}");
            if !may {
                assert!(
                    matches!(result, Err(ServiceError::Forbidden)),
                    "{role:?} {what}"
                );
            }
        }
    }

    // Staff (Full) with *can invite clients*: the clients assigned to them, and no others.
    let (_, staff) = members[2];
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE memberships SET can_invite_clients = TRUE WHERE account_id = $1")
            .bind(staff)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    let other = add(env, owner, practice, form("Bruno", "Alves", "")).await;
    clients::assign(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        client,
        &[staff],
    )
    .await
    .unwrap();
    let view = clients::view(&env.backend, staff, practice, client)
        .await
        .unwrap();
    assert!(view.may_edit && view.client.assigned_to_viewer);
    assert!(view.staff.iter().any(|s| s.account == staff && s.assigned));
    clients::edit(
        &env.backend,
        &caller("10.0.0.3"),
        staff,
        practice,
        client,
        &form("Ana", "Lima", ""),
    )
    .await
    .unwrap();
    assert!(matches!(
        clients::edit(
            &env.backend,
            &caller("10.0.0.3"),
            staff,
            practice,
            other,
            &renamed
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    assert!(
        !clients::view(&env.backend, staff, practice, other)
            .await
            .unwrap()
            .may_edit
    );
    // Who is assigned is decided by those who edit every client: not by Staff themselves.
    assert!(matches!(
        clients::assign(
            &env.backend,
            &caller("10.0.0.3"),
            staff,
            practice,
            other,
            &[staff]
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    // Someone who is not on the team cannot be assigned.
    let stranger = person(env, "stranger@example.org").await;
    assert!(matches!(
        clients::assign(
            &env.backend,
            &caller("10.0.0.2"),
            owner,
            practice,
            client,
            &[stranger]
        )
        .await,
        Err(ServiceError::Validation(_))
    ));
}

async fn another_practices_client_is_not_found(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let harbour = open_practice(env, owner, "Harbour Clinic").await;
    let rival = person(env, "rival@example.org").await;
    let hill = open_practice(env, rival, "Hill Clinic").await;
    let client = add(env, owner, harbour, form("Ana", "Silva", "ana@example.org")).await;
    let by_id = |practice| clients::view(&env.backend, rival, practice, client);
    // Through the rival's own practice, and naming the practice they are not in.
    assert!(matches!(by_id(hill).await, Err(ServiceError::NotFound)));
    assert!(matches!(by_id(harbour).await, Err(ServiceError::NotFound)));
    let edit = clients::edit(
        &env.backend,
        &caller("10.0.0.5"),
        rival,
        hill,
        client,
        &form("X", "Y", ""),
    )
    .await;
    assert!(matches!(edit, Err(ServiceError::NotFound)), "{edit:?}");
    let archive =
        clients::set_archived(&env.backend, &caller("10.0.0.5"), rival, hill, client, true).await;
    assert!(
        matches!(archive, Err(ServiceError::NotFound)),
        "{archive:?}"
    );
    let assign = clients::assign(
        &env.backend,
        &caller("10.0.0.5"),
        rival,
        hill,
        client,
        &[rival],
    )
    .await;
    assert!(matches!(assign, Err(ServiceError::NotFound)), "{assign:?}");
    let view = clients::view(&env.backend, owner, harbour, client)
        .await
        .unwrap();
    assert_eq!(view.client.full_name(), "Ana Silva");
}

on_both_backends!(
    clients_are_listed_searched_paged_and_archived,
    bad_client_details_are_named_by_field_and_nothing_is_stored,
    who_may_change_which_client,
    another_practices_client_is_not_found,
);
