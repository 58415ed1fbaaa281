//! Co-signed forms (product.md §7): a submitted form that asks for a
//! co-signature waits in the *To sign* inbox of the people with *can sign
//! forms*; one of them signs it once, audited; nobody else can, by UI or by
//! a direct call; `{doctor_name}` in a form becomes the default doctor.

use crate::intake_forms::{client_with_login, signature, titled};
use crate::support::{add_client, add_member, caller, open_practice, person, TestEnv};
use server::error::ServiceError;
use server::forms;
use shared::forms::{Answers, Completion, Cosign, Field, FieldKind, FormDefinition, FormSave};
use shared::roles::{AccessLevel, Role};

async fn a_doctor_co_signs_a_submitted_form_and_nobody_without_the_flag_can(env: &TestEnv) {
    let b = &env.backend;
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let doctor = person(env, "doctor@example.org").await;
    add_member(env, practice, doctor, Role::Practitioner).await;
    let full = person(env, "full@example.org").await;
    add_member(env, practice, full, Role::Staff(AccessLevel::Full)).await;
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE memberships SET can_sign_forms = (account_id = $1), default_doctor = (account_id = $1) WHERE practice_id = $2")
            .bind(doctor)
            .bind(practice)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    // A form naming the doctor, asking for a co-signature.
    let referral = FormDefinition {
        title: "Referral by {doctor_name}".into(),
        fields: vec![Field {
            label: "Do you agree to see {doctor_name}?".into(),
            kind: FieldKind::YesNo,
            required: true,
        }],
        cosign: true,
    };
    let referral = forms::save_definition(b, &caller("10.0.0.2"), owner, practice, None, &referral)
        .await
        .unwrap();
    let listed = forms::list(b, owner, practice).await.unwrap();
    let consent = titled(&listed, "Consent to treatment").id;
    let client = add_client(env, owner, practice, "Ana", "ana@example.org").await;
    let ana = client_with_login(
        env,
        owner,
        practice,
        client,
        "ana@example.org",
        vec![consent, referral],
    )
    .await;
    let view = server::clients::view(b, owner, practice, client)
        .await
        .unwrap();
    let titles: Vec<&str> = view.forms.iter().map(|f| f.title.as_str()).collect();
    assert!(titles.contains(&"Referral by Person doctor"), "{titles:?}");
    assert!(view.forms.iter().all(|f| f.cosign == Cosign::Waiting));

    // Not submitted yet: nothing to sign, and signing it is refused.
    assert!(forms::inbox(b, doctor, practice).await.unwrap().is_empty());
    let request = view
        .forms
        .iter()
        .find(|f| f.title.starts_with("Consent"))
        .unwrap()
        .id;
    let drawn = signature(2_000);
    match forms::cosign(b, &caller("10.0.0.3"), doctor, practice, request, &drawn).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("signature").unwrap().contains("not submitted"))
        }
        other => panic!("{other:?}"),
    }
    let answers = Answers(vec!["yes".into(), "Ana Silva".into(), signature(3_000)]);
    forms::save(
        b,
        &caller("10.0.0.7"),
        ana,
        request,
        &FormSave {
            answers,
            completion: Completion::Submit,
        },
    )
    .await
    .unwrap();

    let inbox = forms::inbox(b, doctor, practice).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].title.as_str(), inbox[0].client_name.as_str()),
        ("Consent to treatment", "Ana Silva")
    );
    // Without the flag: no inbox and no signing, whatever the role.
    for someone in [owner, full] {
        assert!(matches!(
            forms::inbox(b, someone, practice).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            forms::cosign(b, &caller("10.0.0.4"), someone, practice, request, &drawn).await,
            Err(ServiceError::Forbidden)
        ));
    }
    // Another practice's co-signer reaches nothing here by id.
    let stranger = person(env, "other@example.org").await;
    let theirs = open_practice(env, stranger, "Other Clinic").await;
    server::on_pool!(env.db(), pool => {
        sqlx::query("UPDATE memberships SET can_sign_forms = TRUE WHERE practice_id = $1")
            .bind(theirs)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    assert!(matches!(
        forms::cosign(b, &caller("10.0.0.5"), stranger, theirs, request, &drawn).await,
        Err(ServiceError::NotFound)
    ));
    // A signature must be drawn.
    match forms::cosign(b, &caller("10.0.0.3"), doctor, practice, request, "").await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("signature").is_some()),
        other => panic!("{other:?}"),
    }
    forms::cosign(b, &caller("10.0.0.3"), doctor, practice, request, &drawn)
        .await
        .unwrap();
    // Once only.
    match forms::cosign(b, &caller("10.0.0.3"), doctor, practice, request, &drawn).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("signature").unwrap().contains("already"))
        }
        other => panic!("{other:?}"),
    }
    assert!(forms::inbox(b, doctor, practice).await.unwrap().is_empty());
    let seen = forms::submission(b, full, practice, request).await.unwrap();
    assert!(matches!(&seen.cosign, Cosign::Signed { by, .. } if by == "Person doctor"));
    assert_eq!(seen.cosignature.as_deref(), Some(drawn.as_str()));
    let events: i64 = server::on_pool!(env.db(), pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE practice_id = $1 AND action = 'form.cosigned'")
            .bind(practice)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(events, 1);
}

on_both_backends!(a_doctor_co_signs_a_submitted_form_and_nobody_without_the_flag_can);
