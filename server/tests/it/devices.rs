//! Trusted devices (product.md §6): the browser that creates a practice or
//! accepts an invitation is trusted; people see and revoke their own, admins
//! everyone's; revoking ends that browser's sessions and nothing else; a
//! forged or copied cookie value is not the device.

use crate::support::{add_member, caller, open_practice, person, signed_in, TestEnv};
use server::backend::Caller;
use server::error::ServiceError;
use server::tokens::Secret;
use server::{devices, practices, sessions};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Role;

async fn trust(env: &TestEnv, who: &Caller, account: AccountId, practice: PracticeId) {
    let mut tx = env.db().begin().await.unwrap();
    devices::trust(&mut tx, who, account, practice, env.backend.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn session_on(env: &TestEnv, who: &Caller, account: AccountId) -> Secret {
    let mut tx = env.db().begin().await.unwrap();
    let token = sessions::start(&mut tx, account, who, env.backend.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    token
}

async fn alive(env: &TestEnv, token: &Secret) -> bool {
    sessions::resolve(env.db(), token, env.backend.now_ms())
        .await
        .unwrap()
        .is_some()
}

async fn people_revoke_their_own_devices_and_admins_anyones(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    // open_practice creates it from the browser at 10.0.0.1.
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let (nia, _) = signed_in(env, "nia@example.org").await;
    add_member(env, practice, nia, Role::Practitioner).await;
    let (phone, laptop) = (caller("10.0.0.7"), caller("10.0.0.8"));
    trust(env, &phone, nia, practice).await;
    trust(env, &laptop, nia, practice).await;
    let on_phone = session_on(env, &phone, nia).await;
    let on_laptop = session_on(env, &laptop, nia).await;

    let everyone = devices::list(&env.backend, &caller("10.0.0.1"), owner, practice)
        .await
        .unwrap();
    assert!(everyone.everyone);
    assert_eq!(
        everyone.devices.len(),
        3,
        "the owner's browser and Nia's two"
    );
    let mine = everyone
        .devices
        .iter()
        .find(|d| d.account == owner)
        .unwrap();
    assert!(
        mine.this_browser,
        "the owner asks from the browser that created the practice"
    );

    let hers = devices::list(&env.backend, &phone, nia, practice)
        .await
        .unwrap();
    assert!(!hers.everyone);
    assert_eq!(hers.devices.len(), 2);
    assert!(hers.devices.iter().all(|d| d.account == nia));
    let phone_id = hers.devices.iter().find(|d| d.this_browser).unwrap().device;

    // A Practitioner cannot touch someone else's device.
    assert!(matches!(
        devices::revoke(&env.backend, &phone, nia, practice, owner, mine.device).await,
        Err(ServiceError::Forbidden)
    ));
    // Revoking her phone ends the phone's session only.
    devices::revoke(&env.backend, &laptop, nia, practice, nia, phone_id)
        .await
        .unwrap();
    assert!(!alive(env, &on_phone).await);
    assert!(alive(env, &on_laptop).await);
    assert!(matches!(
        devices::revoke(&env.backend, &laptop, nia, practice, nia, phone_id).await,
        Err(ServiceError::NotFound)
    ));
    // The owner revokes her laptop.
    let laptop_id = devices::list(&env.backend, &laptop, nia, practice)
        .await
        .unwrap()
        .devices[0]
        .device;
    devices::revoke(
        &env.backend,
        &caller("10.0.0.1"),
        owner,
        practice,
        nia,
        laptop_id,
    )
    .await
    .unwrap();
    assert!(!alive(env, &on_laptop).await);
    let (events,): (i64,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE practice_id = $1 AND action = 'device.revoked'")
            .bind(practice)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(events, 2);

    // Another practice's admin reaches none of it.
    let stranger = person(env, "stranger@example.org").await;
    let _theirs = open_practice(env, stranger, "Other Clinic").await;
    assert!(matches!(
        devices::list(&env.backend, &caller("10.0.0.1"), stranger, practice).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        devices::revoke(
            &env.backend,
            &caller("10.0.0.1"),
            stranger,
            practice,
            owner,
            mine.device
        )
        .await,
        Err(ServiceError::NotFound)
    ));
}

async fn a_forged_or_copied_cookie_value_is_not_the_device(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let trusted = caller("10.0.0.1");
    assert!(devices::find(env.db(), &trusted).await.unwrap().is_some());
    let stored: (String,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT token_hash FROM devices LIMIT 1").fetch_one(pool).await
    })
    .unwrap();
    assert_ne!(stored.0, "device-of-10.0.0.1", "only the hash is stored");
    for value in [stored.0.as_str(), "device-of-10.0.0.2", ""] {
        let forged = Caller {
            device: Some(Secret::from_presented(value)),
            ..caller("10.0.0.1")
        };
        assert_eq!(
            devices::find(env.db(), &forged).await.unwrap(),
            None,
            "{value}"
        );
        let view = devices::list(&env.backend, &forged, owner, practice)
            .await
            .unwrap();
        assert!(view.devices.iter().all(|d| !d.this_browser), "{value}");
    }
}

async fn device_approval_is_an_admin_setting_and_audited(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let nia = person(env, "nia@example.org").await;
    add_member(env, practice, nia, Role::Practitioner).await;
    assert!(
        practices::device_approval(&env.backend, nia, practice)
            .await
            .unwrap(),
        "on by default"
    );
    assert!(matches!(
        practices::set_device_approval(&env.backend, &caller("10.0.0.2"), nia, practice, false)
            .await,
        Err(ServiceError::Forbidden)
    ));
    practices::set_device_approval(&env.backend, &caller("10.0.0.1"), owner, practice, false)
        .await
        .unwrap();
    assert!(!practices::device_approval(&env.backend, owner, practice)
        .await
        .unwrap());
    let (before, after): (String, String) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT before_json, after_json FROM audit_events WHERE action = 'practice.device_approval_changed'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert!(before.contains("true") && after.contains("false"));
}

#[test]
fn labels_come_from_the_user_agent() {
    let android = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
    assert_eq!(devices::label_of(Some(android)), "Chrome on Android");
    assert_eq!(devices::label_of(Some("???")), "An unknown browser");
    assert_eq!(devices::label_of(None), "An unknown browser");
}

on_both_backends!(
    people_revoke_their_own_devices_and_admins_anyones,
    a_forged_or_copied_cookie_value_is_not_the_device,
    device_approval_is_an_admin_setting_and_audited,
);
