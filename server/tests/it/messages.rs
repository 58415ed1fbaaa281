//! Messages to clients (product.md §7): one message or a batch, delivered
//! over real SMTP with RFC 8058 unsubscribe headers, kept in the client's
//! history; opted-out clients are skipped; the role table and the *chat user*
//! flag decide who may send; another practice's clients are out of reach.

use crate::support::smtp::SmtpSink;
use crate::support::{add_client, add_member, caller, link_param, open_practice, person, TestEnv};
use server::error::{LinkProblem, ServiceError};
use server::mail::transport::Transport;
use server::{messages, portal};
use shared::ids::{AccountId, ClientId, PracticeId};
use shared::invitation::InvitationStatus;
use shared::messages::{
    BatchRequest, Delivery, Draft, HistoryEntry, Recipients, Skip, Subscription,
};
use shared::roles::{AccessLevel, Role};

/// A member with `role` and, if `chat`, the *chat user* flag.
async fn member(
    env: &TestEnv,
    practice: PracticeId,
    email: &str,
    role: Role,
    chat: bool,
) -> AccountId {
    let someone = person(env, email).await;
    add_member(env, practice, someone, role).await;
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE memberships SET chat_user = $1 WHERE account_id = $2")
            .bind(chat)
            .bind(someone)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    someone
}

fn draft() -> Draft {
    Draft {
        subject: "Your results".into(),
        body: "Dear {client_first_name},\nAll is well.\n{doctor_name}".into(),
    }
}

async fn actions(env: &TestEnv, action: &str) -> i64 {
    server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = $1")
            .bind(action)
            .fetch_one(pool)
            .await
    })
    .unwrap()
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, ServiceError>) {
    assert!(matches!(result, Err(ServiceError::Forbidden)), "{result:?}");
}

async fn a_read_write_member_messages_one_client_who_can_unsubscribe_in_one_click(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let ana = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let writer = member(
        env,
        practice,
        "rw@example.org",
        Role::Staff(AccessLevel::ReadWrite),
        true,
    )
    .await;
    let reader = member(
        env,
        practice,
        "ro@example.org",
        Role::Staff(AccessLevel::ReadOnly),
        true,
    )
    .await;
    let quiet = member(
        env,
        practice,
        "nochat@example.org",
        Role::Practitioner,
        false,
    )
    .await;
    let at = caller("10.0.0.3");
    let b = &env.backend;

    // Bad input is named on its field, and nothing is queued.
    let bad = Draft {
        subject: String::new(),
        body: "Hi {invite_link}".into(),
    };
    match messages::send(b, &at, writer, practice, ana, &bad).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("subject").is_some());
            assert!(errors.get("body").unwrap().contains("{invite_link}"));
        }
        other => panic!("{other:?}"),
    }
    let report = messages::send(b, &at, writer, practice, ana, &draft())
        .await
        .unwrap();
    assert_eq!((report.queued, report.skipped.len()), (1, 0));

    // Who may not: Read only, anyone without the chat-user flag; Read-write may not batch.
    forbidden(messages::send(b, &at, reader, practice, ana, &draft()).await);
    forbidden(messages::send(b, &at, quiet, practice, ana, &draft()).await);
    forbidden(messages::set_opted_out(b, &at, reader, practice, ana, true).await);
    let batch = BatchRequest {
        recipients: Recipients::These(vec![ana]),
        draft: draft(),
    };
    forbidden(messages::send_batch(b, &at, writer, practice, &batch).await);
    // Another practice's owner reaches nothing here, by either practice's id.
    let stranger = person(env, "other@example.org").await;
    let theirs = open_practice(env, stranger, "Other Clinic").await;
    for (as_practice, expected) in [(theirs, "NotFound"), (practice, "NotFound")] {
        let result = messages::send(b, &at, stranger, as_practice, ana, &draft()).await;
        assert_eq!(format!("{:?}", result.map(drop).unwrap_err()), expected);
        let history = messages::history(b, stranger, as_practice, ana, 0).await;
        assert!(matches!(history, Err(ServiceError::NotFound)));
    }

    // Delivered over SMTP with the one-click headers; the stored copy loses the token.
    let sink = SmtpSink::start(0).await;
    let transport = Transport::smtp(&sink.url(), "Carekeys <no-reply@carekeys.test>").unwrap();
    env.deliver(&transport).await;
    let received = sink.messages();
    let data = &received
        .iter()
        .find(|m| m.to == ["ana@example.org"])
        .unwrap()
        .data;
    assert!(data.contains("Subject: Your results"), "{data}");
    assert!(data.contains("List-Unsubscribe: <http"), "{data}");
    assert!(data.contains("/mail/unsubscribe?token="), "{data}");
    assert!(
        data.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{data}"
    );
    let token = link_param(data, "token");
    let stored = env.last_mail_to("ana@example.org").await;
    assert!(!stored.body_text.contains(&token));
    sink.stop();

    // The whole team sees the exact text, who sent it and that it went.
    let history = messages::history(b, reader, practice, ana, 0)
        .await
        .unwrap();
    assert_eq!(history.entries.total, 1);
    match &history.entries.rows[0] {
        HistoryEntry::Message {
            subject,
            body,
            sent_by,
            delivery,
            ..
        } => {
            assert_eq!(subject, "Your results");
            assert_eq!(body, "Dear Ana,\nAll is well.\nHarbour Clinic");
            assert_eq!(sent_by.as_deref(), Some("Person rw"));
            assert!(matches!(delivery, Delivery::Sent { .. }), "{delivery:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(actions(env, "message.sent").await, 1);

    // One click (what a mail client POSTs), twice: one opt-out, one event.
    let done = messages::unsubscribe(b, &caller("203.0.113.9"), &token)
        .await
        .unwrap();
    assert_eq!(
        (done.practice_name.as_str(), done.done),
        ("Harbour Clinic", true)
    );
    messages::unsubscribe(b, &caller("203.0.113.9"), &token)
        .await
        .unwrap();
    assert_eq!(actions(env, "client.unsubscribed").await, 1);
    let history = messages::history(b, reader, practice, ana, 0)
        .await
        .unwrap();
    assert!(matches!(
        history.subscription,
        Subscription::UnsubscribedByClient { .. }
    ));
    // An unknown or altered token changes nothing.
    for guess in ["", "nope", &format!("{token}x")] {
        assert!(matches!(
            messages::unsubscribe(b, &caller("203.0.113.9"), guess).await,
            Err(ServiceError::Link(LinkProblem::Unknown))
        ));
    }
    // The client's own wish stands against the team; a message to them is refused.
    match messages::set_opted_out(b, &at, writer, practice, ana, false).await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("opted_out").is_some()),
        other => panic!("{other:?}"),
    }
    match messages::send(b, &at, writer, practice, ana, &draft()).await {
        Err(ServiceError::Validation(errors)) => {
            assert_eq!(errors.get("client"), Some(Skip::OptedOut.label()))
        }
        other => panic!("{other:?}"),
    }
}

async fn a_batch_skips_opted_out_clients_and_reports_why(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let full = member(
        env,
        practice,
        "full@example.org",
        Role::Staff(AccessLevel::Full),
        true,
    )
    .await;
    let ana = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let ben = add_client(env, owner, practice, "Ben", "ben@example.org").await;
    let cy = add_client(env, owner, practice, "Cy", "cy@example.org").await;
    let dee = add_client(env, owner, practice, "Dee", "").await;
    let at = caller("10.0.0.4");
    let b = &env.backend;
    // The team opts Cy out (and can undo it), then does it again.
    messages::set_opted_out(b, &at, full, practice, cy, true)
        .await
        .unwrap();
    messages::set_opted_out(b, &at, full, practice, cy, false)
        .await
        .unwrap();
    messages::set_opted_out(b, &at, full, practice, cy, true)
        .await
        .unwrap();
    assert_eq!(actions(env, "client.opted_out").await, 2);
    assert_eq!(actions(env, "client.opted_in").await, 1);

    let request = BatchRequest {
        recipients: Recipients::Matching {
            search: String::new(),
        },
        draft: draft(),
    };
    let report = messages::send_batch(b, &at, full, practice, &request)
        .await
        .unwrap();
    assert_eq!(report.queued, 2);
    let mut skipped: Vec<(ClientId, Skip)> =
        report.skipped.iter().map(|s| (s.client, s.why)).collect();
    skipped.sort_by_key(|(id, _)| *id);
    let mut expected = vec![(cy, Skip::OptedOut), (dee, Skip::NoEmail)];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(skipped, expected);
    let progress = messages::progress(b, full, practice, report.batch)
        .await
        .unwrap();
    assert_eq!(
        (progress.queued, progress.sent, progress.done()),
        (2, 0, false)
    );

    let sink = SmtpSink::start(0).await;
    let transport = Transport::smtp(&sink.url(), "Carekeys <no-reply@carekeys.test>").unwrap();
    env.deliver(&transport).await;
    let mut to: Vec<String> = (sink.messages().into_iter())
        .filter(|m| m.data.contains("Subject: Your results"))
        .flat_map(|m| m.to)
        .collect();
    to.sort();
    assert_eq!(to, ["ana@example.org", "ben@example.org"]);
    sink.stop();
    let progress = messages::progress(b, full, practice, report.batch)
        .await
        .unwrap();
    assert_eq!((progress.sent, progress.done()), (2, true));
    // Another practice's owner reads nothing of this batch.
    let stranger = person(env, "other@example.org").await;
    let theirs = open_practice(env, stranger, "Other Clinic").await;
    let seen = messages::progress(b, stranger, theirs, report.batch)
        .await
        .unwrap();
    assert_eq!(seen.total(), 0);
    // A batch naming another practice's client is refused whole.
    let mixed = BatchRequest {
        recipients: Recipients::These(vec![
            ana,
            add_client(env, stranger, theirs, "Zed", "z@example.org").await,
        ]),
        draft: draft(),
    };
    assert!(matches!(
        messages::send_batch(b, &at, full, practice, &mixed).await,
        Err(ServiceError::NotFound)
    ));

    // Opted out of messages, Cy still gets a portal invitation.
    let invite = shared::portal::InviteRequest {
        clients: vec![cy],
        message: shared::portal::DEFAULT_MESSAGE.into(),
        forms: vec![],
        save_as_default: false,
    };
    portal::invite(b, &at, owner, practice, &invite)
        .await
        .unwrap();
    let link = link_param(&env.last_mail_to("cy@example.org").await.body_text, "token");
    portal::view(b, &link).await.unwrap();
    let history = messages::history(b, full, practice, cy, 0).await.unwrap();
    match &history.entries.rows[..] {
        [HistoryEntry::PortalLink { opened, status, .. }] => {
            assert!(opened.is_some());
            assert_eq!(*status, InvitationStatus::Invited);
        }
        other => panic!("{other:?}"),
    }
    // Past its time the link reads Expired at once.
    env.advance(chrono::Duration::days(8));
    let later = messages::history(b, full, practice, cy, 0).await.unwrap();
    assert!(matches!(
        &later.entries.rows[..],
        [HistoryEntry::PortalLink {
            status: InvitationStatus::Expired,
            ..
        }]
    ));
    assert!(matches!(
        history.subscription,
        Subscription::OptedOutByStaff { .. }
    ));
    let ben_history = messages::history(b, full, practice, ben, 0).await.unwrap();
    assert_eq!(ben_history.entries.total, 1);
}

crate::on_both_backends!(
    a_read_write_member_messages_one_client_who_can_unsubscribe_in_one_click,
    a_batch_skips_opted_out_clients_and_reports_why,
);
