//! Intake forms: the practice's forms (seeded, defined in Settings), sent with
//! a portal invitation or later by *Send forms*, filled by the client with
//! drafts and a final submission, read by the team in Client details.

use crate::support::{add_client, add_member, caller, link_param, open_practice, person, TestEnv};
use server::error::ServiceError;
use server::{clients, forms, portal};
use shared::forms::{
    Answers, Completion, Field, FieldKind, FormDefinition, FormSave, FormStatus, FormSummary,
};
use shared::ids::{AccountId, ClientId, FormId, PracticeId};
use shared::portal::{InviteRequest, DEFAULT_MESSAGE};
use shared::roles::{AccessLevel, Role};

/// A PNG `data:` URL of about `bytes` bytes, as a canvas gives one.
pub(crate) fn signature(bytes: usize) -> String {
    format!(
        "data:image/png;base64,iVBORw0KGgoA{}",
        "AAAA".repeat(bytes / 3)
    )
}

pub(crate) fn titled<'a>(forms: &'a [FormSummary], title: &str) -> &'a FormSummary {
    forms.iter().find(|f| f.title == title).unwrap()
}

/// Invites `client` with `forms`, and signs the client up from the email; answers their account.
pub(crate) async fn client_with_login(
    env: &TestEnv,
    owner: AccountId,
    practice: PracticeId,
    client: ClientId,
    email: &str,
    forms: Vec<FormId>,
) -> AccountId {
    let request = InviteRequest {
        clients: vec![client],
        message: DEFAULT_MESSAGE.into(),
        forms,
        save_as_default: false,
    };
    let outcomes = portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &request)
        .await
        .unwrap();
    assert_eq!(outcomes[0].problem, None);
    let token = link_param(&env.last_mail_to(email).await.body_text, "token");
    let session = portal::sign_up(
        &env.backend,
        &caller("10.0.0.7"),
        &token,
        "a long patient password",
        None,
    )
    .await
    .unwrap();
    server::sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap()
        .account
}

async fn a_new_practice_starts_with_two_forms_and_admins_define_more(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let practitioner = person(env, "pat@example.org").await;
    add_member(env, practice, practitioner, Role::Practitioner).await;
    let seeded = forms::list(&env.backend, practitioner, practice)
        .await
        .unwrap();
    let titles: Vec<&str> = seeded.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["Consent to treatment", "Health history"]);
    assert!(seeded.iter().all(|f| f.default));

    // Each bad part of a definition is named, and nothing is stored.
    let bad = FormDefinition {
        title: " ".into(),
        fields: vec![Field {
            label: "Pick".into(),
            kind: FieldKind::SingleChoice(vec!["Only".into()]),
            required: false,
        }],
        cosign: false,
    };
    match forms::save_definition(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        None,
        &bad,
    )
    .await
    {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("title").is_some());
            assert!(errors
                .get("field-0-options")
                .unwrap()
                .contains("two options"));
        }
        other => panic!("{other:?}"),
    }
    let good = FormDefinition {
        title: "Travel".into(),
        fields: vec![Field {
            label: "Where did you travel in the last month?".into(),
            kind: FieldKind::LongText,
            required: false,
        }],
        cosign: false,
    };
    // Defining forms is a practice setting: a practitioner may not.
    assert!(matches!(
        forms::save_definition(
            &env.backend,
            &caller("10.0.0.3"),
            practitioner,
            practice,
            None,
            &good
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    let travel = forms::save_definition(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        None,
        &good,
    )
    .await
    .unwrap();
    let renamed = FormDefinition {
        title: "Recent travel".into(),
        ..good
    };
    forms::save_definition(
        &env.backend,
        &caller("10.0.0.2"),
        owner,
        practice,
        Some(travel),
        &renamed,
    )
    .await
    .unwrap();
    assert_eq!(
        forms::definition(&env.backend, practitioner, practice, travel)
            .await
            .unwrap(),
        renamed
    );
    assert_eq!(
        forms::list(&env.backend, owner, practice)
            .await
            .unwrap()
            .len(),
        3
    );

    // Another practice's owner reaches neither the form nor its list by id.
    let other = person(env, "other@example.org").await;
    let elsewhere = open_practice(env, other, "Elsewhere").await;
    assert!(matches!(
        forms::definition(&env.backend, other, elsewhere, travel).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        forms::list(&env.backend, other, practice).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        forms::save_definition(
            &env.backend,
            &caller("10.0.0.9"),
            other,
            elsewhere,
            Some(travel),
            &renamed
        )
        .await,
        Err(ServiceError::NotFound)
    ));
}

async fn a_client_fills_a_draft_returns_to_it_and_submits(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let practice_forms = forms::list(&env.backend, owner, practice).await.unwrap();
    let consent = titled(&practice_forms, "Consent to treatment").id;
    let history = titled(&practice_forms, "Health history").id;
    let client = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let ana = client_with_login(
        env,
        owner,
        practice,
        client,
        "ana@example.org",
        vec![consent, history],
    )
    .await;

    // Coming back later, a client who logs in lands on their forms.
    assert_eq!(
        server::practices::landing_path(&env.backend, ana, None)
            .await
            .unwrap(),
        "/portal"
    );
    assert_eq!(
        server::practices::landing_path(&env.backend, owner, None)
            .await
            .unwrap(),
        format!("/p/{practice}")
    );
    let places = portal::places(&env.backend, ana).await.unwrap();
    assert_eq!(places[0].forms.len(), 2);
    assert!(places[0]
        .forms
        .iter()
        .all(|f| f.status == FormStatus::ToFill));
    let request = places[0]
        .forms
        .iter()
        .find(|f| f.title == "Consent to treatment")
        .unwrap()
        .id;

    let form = forms::open(&env.backend, ana, request).await.unwrap();
    assert_eq!(form.practice_name, "Harbour Clinic");
    assert_eq!(form.answers, Answers::empty(&form.definition));
    assert_eq!(form.status, FormStatus::ToFill);
    let save = |answers: [&str; 3], completion| FormSave {
        answers: Answers(answers.iter().map(|a| a.to_string()).collect()),
        completion,
    };
    // Half-way: a draft keeps what is there.
    let half = save(["yes", "Ana Silva", ""], Completion::Draft);
    assert_eq!(
        forms::save(&env.backend, &caller("10.0.0.7"), ana, request, &half)
            .await
            .unwrap(),
        FormStatus::Draft
    );
    let back = forms::open(&env.backend, ana, request).await.unwrap();
    assert_eq!(
        (back.status, &back.answers),
        (FormStatus::Draft, &half.answers)
    );

    // A required field empty, and a signature over 500 KB: named, nothing kept.
    let unsigned = save(["yes", "Ana Silva", ""], Completion::Submit);
    match forms::save(&env.backend, &caller("10.0.0.7"), ana, request, &unsigned).await {
        Err(ServiceError::Validation(errors)) => {
            assert_eq!(
                errors.get("field-2"),
                Some("Answer \"Signature\": it is required.")
            )
        }
        other => panic!("{other:?}"),
    }
    let huge = signature(600 * 1024);
    match forms::save(
        &env.backend,
        &caller("10.0.0.7"),
        ana,
        request,
        &save(["yes", "Ana Silva", &huge], Completion::Submit),
    )
    .await
    {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("field-2").unwrap().contains("at most 500 KB"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        forms::open(&env.backend, ana, request)
            .await
            .unwrap()
            .answers,
        half.answers
    );

    let signed = signature(20_000);
    let full = save(["yes", "Ana Silva", &signed], Completion::Submit);
    assert_eq!(
        forms::save(&env.backend, &caller("10.0.0.7"), ana, request, &full)
            .await
            .unwrap(),
        FormStatus::Submitted
    );
    // Handed in is final.
    match forms::save(&env.backend, &caller("10.0.0.7"), ana, request, &half).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("form").unwrap().contains("handed in"))
        }
        other => panic!("{other:?}"),
    }

    // The team sees it in Client details, with the answers and the signature.
    let details = clients::view(&env.backend, owner, practice, client)
        .await
        .unwrap();
    let statuses: Vec<(&str, FormStatus)> = details
        .forms
        .iter()
        .map(|f| (f.title.as_str(), f.status))
        .collect();
    assert!(statuses.contains(&("Consent to treatment", FormStatus::Submitted)));
    assert!(statuses.contains(&("Health history", FormStatus::ToFill)));
    let seen = forms::submission(&env.backend, owner, practice, request)
        .await
        .unwrap();
    assert_eq!(seen.answers, full.answers);
    assert!(seen.submitted.is_some());

    // Nobody else reaches it by id: not the owner through the portal, not another practice.
    assert!(matches!(
        forms::open(&env.backend, owner, request).await,
        Err(ServiceError::NotFound)
    ));
    let other = person(env, "other@example.org").await;
    let elsewhere = open_practice(env, other, "Elsewhere").await;
    assert!(matches!(
        forms::submission(&env.backend, other, elsewhere, request).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        forms::submission(&env.backend, other, practice, request).await,
        Err(ServiceError::NotFound)
    ));
    let audited: Vec<String> = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT action FROM audit_events WHERE target = $1 ORDER BY seq")
            .bind(request.to_string())
            .fetch_all(pool)
            .await
    })
    .unwrap();
    assert_eq!(audited, ["form.draft_saved", "form.submitted"]);
}

async fn send_forms_reaches_clients_with_a_login_once(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let practice_forms = forms::list(&env.backend, owner, practice).await.unwrap();
    let history = titled(&practice_forms, "Health history").id;
    let client = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let by = caller("10.0.0.2");
    match forms::send(&env.backend, &by, owner, practice, client, &[history]).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("forms").unwrap().contains("portal login"))
        }
        other => panic!("{other:?}"),
    }
    client_with_login(env, owner, practice, client, "ana@example.org", vec![]).await;
    let asked = forms::send(
        &env.backend,
        &by,
        owner,
        practice,
        client,
        &[history, history],
    )
    .await
    .unwrap();
    assert_eq!(asked, ["Health history"]);
    let mail = env.last_mail_to("ana@example.org").await;
    assert_eq!(mail.subject, "Harbour Clinic asks you to fill in forms");
    assert!(mail.body_text.contains("- Health history") && mail.body_text.contains("/portal"));
    // Not handed in yet: asking again sends nothing.
    match forms::send(&env.backend, &by, owner, practice, client, &[history]).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("forms").unwrap().contains("already"))
        }
        other => panic!("{other:?}"),
    }
    // Staff without *can invite clients* may not; another practice reaches nothing by id.
    let staff = person(env, "staff@example.org").await;
    add_member(env, practice, staff, Role::Staff(AccessLevel::Full)).await;
    assert!(matches!(
        forms::send(&env.backend, &by, staff, practice, client, &[history]).await,
        Err(ServiceError::Forbidden)
    ));
    let other = person(env, "other@example.org").await;
    let elsewhere = open_practice(env, other, "Elsewhere").await;
    assert!(matches!(
        forms::send(&env.backend, &by, other, elsewhere, client, &[history]).await,
        Err(ServiceError::NotFound)
    ));
    let theirs = forms::list(&env.backend, other, elsewhere).await.unwrap()[0].id;
    let another = add_client(env, owner, practice, "Ana", "bea@example.org").await;
    client_with_login(env, owner, practice, another, "bea@example.org", vec![]).await;
    assert!(matches!(
        forms::send(&env.backend, &by, owner, practice, another, &[theirs]).await,
        Err(ServiceError::NotFound)
    ));
}

async fn save_as_default_keeps_the_chosen_forms(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let setup = portal::setup(&env.backend, owner, practice).await.unwrap();
    let history = titled(&setup.forms, "Health history").id;
    let client = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let request = InviteRequest {
        clients: vec![client],
        message: DEFAULT_MESSAGE.into(),
        forms: vec![history],
        save_as_default: true,
    };
    portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &request)
        .await
        .unwrap();
    let setup = portal::setup(&env.backend, owner, practice).await.unwrap();
    let defaults: Vec<&str> = setup
        .forms
        .iter()
        .filter(|f| f.default)
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(defaults, ["Health history"]);
    let details = clients::view(&env.backend, owner, practice, client)
        .await
        .unwrap();
    assert_eq!(details.forms.len(), 1);
    let audited: i64 = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'portal.default_forms_changed'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(audited, 1);
    // A form of another practice cannot be slipped into a batch.
    let other = person(env, "other@example.org").await;
    let elsewhere = open_practice(env, other, "Elsewhere").await;
    let theirs = forms::list(&env.backend, other, elsewhere).await.unwrap()[0].id;
    let slipped = InviteRequest {
        forms: vec![theirs],
        save_as_default: false,
        ..request
    };
    assert!(matches!(
        portal::invite(&env.backend, &caller("10.0.0.2"), owner, practice, &slipped).await,
        Err(ServiceError::NotFound)
    ));
}

async fn practices_from_before_intake_forms_get_them_once(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    // As a database migrated from before intake forms leaves a practice.
    for sql in [
        "DELETE FROM intake_forms",
        "UPDATE practices SET forms_seeded = FALSE",
    ] {
        server::on_pool!(env.db(), pool => sqlx::query(sql).execute(pool).await.map(drop)).unwrap();
    }
    assert!(forms::list(&env.backend, owner, practice)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(forms::seed_existing(&env.backend).await.unwrap(), 1);
    assert_eq!(
        forms::list(&env.backend, owner, practice)
            .await
            .unwrap()
            .len(),
        2
    );
    // A second start (or a second server) adds nothing.
    assert_eq!(forms::seed_existing(&env.backend).await.unwrap(), 0);
    assert_eq!(
        forms::list(&env.backend, owner, practice)
            .await
            .unwrap()
            .len(),
        2
    );
}

on_both_backends!(
    practices_from_before_intake_forms_get_them_once,
    a_new_practice_starts_with_two_forms_and_admins_define_more,
    a_client_fills_a_draft_returns_to_it_and_submits,
    send_forms_reaches_clients_with_a_login_once,
    save_as_default_keeps_the_chosen_forms,
);
