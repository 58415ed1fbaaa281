//! Portal invitations: one message with placeholders, rendered for each client
//! as text and escaped HTML, delivered over SMTP; bad messages and second
//! clients with the same address refused by name; resending kills the old
//! link; the role table decides who may invite whom.

use crate::support::smtp::SmtpSink;
use crate::support::{
    add_client, caller, link_param, one_with_each_role, open_practice, person, TestEnv,
};
use server::clients;
use server::error::ServiceError;
use server::mail::transport::Transport;
use server::portal;
use shared::clients::{ClientQuery, PortalStatus};
use shared::ids::ClientId;
use shared::portal::{InviteRequest, DEFAULT_MESSAGE};
use shared::roles::{AccessLevel, Role};

fn request(clients: &[ClientId], message: &str) -> InviteRequest {
    InviteRequest {
        clients: clients.to_vec(),
        message: message.into(),
        forms: vec![],
        save_as_default: false,
    }
}

/// The portal invitations in the outbox (the sign-ups of the test's people are mail too).
async fn sent(env: &TestEnv) -> usize {
    env.mails()
        .await
        .iter()
        .filter(|m| m.subject.ends_with("invites you to its client portal"))
        .count()
}

async fn invitations(env: &TestEnv, client: ClientId) -> Vec<(String, String)> {
    server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT status, token_hash FROM portal_invitations WHERE client_id = $1 ORDER BY sent_at, status")
            .bind(client)
            .fetch_all(pool)
            .await
    })
    .unwrap()
}

async fn each_client_gets_their_own_copy_and_link(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let ana = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let bea = add_client(env, owner, practice, "Bea <b>", "bea@example.org").await;
    let nobody = add_client(env, owner, practice, "Caio", "").await;
    // "Select all matching" offers those with an address and no portal login.
    let all = ClientQuery::default();
    let invitable = clients::invitable(&env.backend, owner, practice, &all, 500)
        .await
        .unwrap();
    assert_eq!(
        invitable.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ana, bea]
    );
    let setup = portal::setup(&env.backend, owner, practice).await.unwrap();
    assert_eq!(setup.message, DEFAULT_MESSAGE);
    assert_eq!(
        setup.doctor_name, "Harbour Clinic",
        "no default doctor: the practice signs"
    );
    let message = "Hi {client_first_name} {client_last_name} of {practice_name}: {invite_link} (until {expires_at})";
    let outcomes = portal::invite(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        &request(&[ana, bea, nobody], message),
    )
    .await
    .unwrap();
    let problems: Vec<(ClientId, Option<String>)> = outcomes
        .into_iter()
        .map(|o| (o.client, o.problem))
        .collect();
    assert_eq!(problems[0], (ana, None));
    assert_eq!(problems[1], (bea, None));
    assert!(
        problems[2]
            .1
            .as_deref()
            .unwrap()
            .contains("No email address"),
        "{problems:?}"
    );
    assert_eq!(
        sent(env).await,
        2,
        "nothing for the client without an address"
    );

    let mail = env.last_mail_to("bea@example.org").await;
    assert_eq!(
        mail.subject,
        "Harbour Clinic invites you to its client portal"
    );
    let token = link_param(&mail.body_text, "token");
    assert!(
        mail.body_text
            .starts_with("Hi Bea <b> Silva of Harbour Clinic: http"),
        "{}",
        mail.body_text
    );
    assert!(
        mail.body_text.contains(&setup.expires_at),
        "{}",
        mail.body_text
    );
    let html = mail.body_html.clone().unwrap();
    assert!(
        html.starts_with("Hi Bea &lt;b&gt; Silva of Harbour Clinic: <a href=\""),
        "{html}"
    );
    // Only the token's hash is stored, and each client has their own.
    let stored = invitations(env, bea).await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].1, token);
    assert_eq!(
        stored[0].1,
        server::tokens::Secret::from_presented(&token).hash()
    );
    let ana_token = link_param(
        &env.last_mail_to("ana@example.org").await.body_text,
        "token",
    );
    assert_ne!(ana_token, token);
    let listed = clients::view(&env.backend, owner, practice, ana)
        .await
        .unwrap();
    assert_eq!(listed.client.portal, PortalStatus::Invited);

    // Over real SMTP: text and HTML alternatives; the stored copies lose the link's secret.
    let sink = SmtpSink::start(0).await;
    let transport = Transport::smtp(&sink.url(), "Carekeys <no-reply@carekeys.test>").unwrap();
    let pass = env.deliver(&transport).await;
    assert_eq!(
        pass.sent, 3,
        "the owner's sign-up mail and the two invitations"
    );
    let received = sink.messages();
    assert_eq!(received.len(), 3);
    let to_bea = received
        .iter()
        .find(|m| m.to == ["bea@example.org"])
        .unwrap();
    assert!(
        to_bea.data.contains("multipart/alternative"),
        "{}",
        to_bea.data
    );
    assert!(to_bea.data.contains("text/html"), "{}", to_bea.data);
    sink.stop();
    let kept = env.last_mail_to("bea@example.org").await;
    assert!(!kept.body_text.contains(&token) && !kept.body_html.unwrap().contains(&token));
}

async fn bad_messages_are_refused_with_where_and_nothing_is_sent(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let ana = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let long = format!("{{invite_link}} {}", "x".repeat(100 * 1024));
    for (message, expected) in [
        (
            "Hi {unknown} {invite_link}",
            "Unknown placeholder {unknown} at line 1, column 4",
        ),
        (
            "Hi {client_first_name\n{invite_link}",
            "opened at line 1, column 4 is not closed",
        ),
        ("Hi {client_first_name}", "must contain {invite_link}"),
        (long.as_str(), "at most 10000"),
    ] {
        match portal::invite(
            &env.backend,
            &caller("10.0.0.2"),
            owner,
            practice,
            &request(&[ana], message),
        )
        .await
        {
            Err(ServiceError::Validation(errors)) => {
                let said = errors.get("message").unwrap();
                assert!(said.contains(expected), "{said}");
            }
            other => panic!("{message:.40}: {other:?}"),
        }
    }
    assert!(matches!(
        portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &request(&[], DEFAULT_MESSAGE)).await,
        Err(ServiceError::Validation(errors)) if errors.get("clients").is_some()
    ));
    assert_eq!(sent(env).await, 0);
    assert!(invitations(env, ana).await.is_empty());
}

async fn one_portal_login_per_address_and_resending_kills_the_old_link(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let ana = add_client(env, owner, practice, "Ana", "family@example.org").await;
    let bruno = add_client(env, owner, practice, "Bruno", "FAMILY@example.org").await;
    let who = caller("10.0.0.2");
    let invite = |ids: &[ClientId]| {
        let request = request(ids, DEFAULT_MESSAGE);
        let who = &who;
        async move { portal::invite(&env.backend, who, owner, practice, &request).await }
    };
    // In one batch: the second is refused, naming the first.
    let outcomes = invite(&[ana, bruno]).await.unwrap();
    assert_eq!(outcomes[0].problem, None);
    let why = outcomes[1].problem.clone().unwrap();
    assert!(
        why.contains("family@example.org") && why.contains("Ana Silva"),
        "{why}"
    );
    // Later, alone: still refused while Ana's invitation is pending.
    let why = invite(&[bruno]).await.unwrap()[0].problem.clone().unwrap();
    assert!(why.contains("already invited as Ana Silva"), "{why}");
    assert_eq!(sent(env).await, 1);

    // Resending: a new link, the old one revoked.
    let first = link_param(
        &env.last_mail_to("family@example.org").await.body_text,
        "token",
    );
    env.advance(chrono::Duration::minutes(1));
    assert_eq!(invite(&[ana]).await.unwrap()[0].problem, None);
    let second = link_param(
        &env.last_mail_to("family@example.org").await.body_text,
        "token",
    );
    assert_ne!(first, second);
    let statuses: Vec<String> = invitations(env, ana)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(statuses, ["revoked", "invited"]);

    // Once the pending invitation has expired, the address is free for another client.
    env.advance(chrono::Duration::days(8));
    assert_eq!(invite(&[bruno]).await.unwrap()[0].problem, None);
    let audited: i64 = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE practice_id = $1 AND action = 'portal.invited'")
            .bind(practice)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(audited, 3);
}

async fn the_role_table_decides_who_invites_whom(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let roles = [
        Role::Practitioner,
        Role::Staff(AccessLevel::Full),
        Role::Staff(AccessLevel::ReadWrite),
        Role::Staff(AccessLevel::ReadOnly),
    ];
    let members = one_with_each_role(env, practice, &roles).await;
    let ana = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let bea = add_client(env, owner, practice, "Bea", "bea@example.org").await;
    for (role, member) in &members {
        let result = portal::invite(
            &env.backend,
            &caller("10.0.0.3"),
            *member,
            practice,
            &request(&[ana], DEFAULT_MESSAGE),
        )
        .await;
        if *role == Role::Practitioner {
            assert!(result.is_ok(), "{result:?}");
        } else {
            assert!(
                matches!(result, Err(ServiceError::Forbidden)),
                "{role:?}: {result:?}"
            );
        }
    }
    // Saving the default message is a practice setting.
    let (_, practitioner) = members[0];
    let mut saving = request(&[bea], "Welcome {client_first_name}: {invite_link}");
    saving.save_as_default = true;
    assert!(matches!(
        portal::invite(
            &env.backend,
            &caller("10.0.0.3"),
            practitioner,
            practice,
            &saving
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &saving)
        .await
        .unwrap();
    assert_eq!(
        portal::setup(&env.backend, practitioner, practice)
            .await
            .unwrap()
            .message,
        saving.message
    );

    // Staff (Full) with *can invite clients*: their assigned clients only.
    let (_, staff) = members[1];
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE memberships SET can_invite_clients = TRUE WHERE account_id = $1").bind(staff).execute(pool).await.map(drop)
    })
    .unwrap();
    let carl = add_client(env, owner, practice, "Carl", "carl@example.org").await;
    let dora = add_client(env, owner, practice, "Dora", "dora@example.org").await;
    clients::assign(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        carl,
        &[staff],
    )
    .await
    .unwrap();
    let mine = portal::invite(
        &env.backend,
        &caller("10.0.0.4"),
        staff,
        practice,
        &request(&[carl], DEFAULT_MESSAGE),
    )
    .await;
    assert_eq!(mine.unwrap()[0].problem, None);
    // A batch holding one client not theirs is refused whole: nothing goes out.
    let before = sent(env).await;
    assert!(matches!(
        portal::invite(
            &env.backend,
            &caller("10.0.0.4"),
            staff,
            practice,
            &request(&[carl, dora], DEFAULT_MESSAGE)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(sent(env).await, before);

    // Another practice's clients are not found by id, nor through its own practice.
    let rival = person(env, "rival@example.org").await;
    let hill = open_practice(env, rival, "Hill Clinic").await;
    for practice in [hill, practice] {
        assert!(matches!(
            portal::invite(
                &env.backend,
                &caller("10.0.0.5"),
                rival,
                practice,
                &request(&[dora], DEFAULT_MESSAGE)
            )
            .await,
            Err(ServiceError::NotFound)
        ));
    }
}

on_both_backends!(
    each_client_gets_their_own_copy_and_link,
    bad_messages_are_refused_with_where_and_nothing_is_sent,
    one_portal_login_per_address_and_resending_kills_the_old_link,
    the_role_table_decides_who_invites_whom,
);
