//! Add user and Edit user (product.md §4): a username login with a one-time
//! password that must be replaced first, an email login with a link to choose
//! one, every bad input answered on its field with nothing stored, edits that
//! obey the team's rules, and nobody else adding or editing.

use crate::support::{
    add_member, caller, link_param, one_with_each_role, open_practice, person, signed_in, TestEnv,
    NOT_TEAM_MANAGERS, PASSWORD,
};
use server::error::ServiceError;
use server::{accounts, sessions, staff};
use shared::ids::{AccountId, PracticeId};
use shared::roles::Role;
use shared::staff::{Added, LoginKind, StaffForm};
use shared::validation::{ChangePasswordForm, LoginForm};

/// The practice info address `open_practice` gives every practice.
const INFO: &str = "desk@harbour.example";

fn front_desk() -> StaffForm {
    StaffForm {
        full_name: "Front Desk".into(),
        login_kind: LoginKind::Username,
        login: "frontdesk".into(),
        contact_email: INFO.into(),
        position: "receptionist".into(),
        role: "staff".into(),
        access_level: "read_only".into(),
        ..StaffForm::default()
    }
}

fn nurse(email: &str) -> StaffForm {
    StaffForm {
        full_name: "Nora Nurse".into(),
        login: email.into(),
        position: "nurse".into(),
        role: "practitioner".into(),
        mobile: "+47 912 34 567".into(),
        screen_pop: "101, 102".into(),
        ..StaffForm::default()
    }
}

async fn add(
    env: &TestEnv,
    by: AccountId,
    practice: PracticeId,
    form: &StaffForm,
) -> Result<Added, ServiceError> {
    staff::add(&env.backend, &caller("10.0.0.2"), by, practice, form).await
}

async fn memberships(env: &TestEnv, practice: PracticeId) -> i64 {
    let (n,): (i64,) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE practice_id = $1").bind(practice).fetch_one(pool).await
    })
    .unwrap();
    n
}

async fn log_in(
    env: &TestEnv,
    login: &str,
    password: &str,
) -> Result<sessions::SignedIn, ServiceError> {
    let form = LoginForm {
        login: login.into(),
        password: password.into(),
    };
    let (_, session) = accounts::log_in(&env.backend, &caller("10.0.0.9"), &form, None)
        .await?
        .session()
        .expect("an added person's first browser is trusted");
    Ok(sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .expect("a fresh session is alive"))
}

async fn a_username_login_gets_a_one_time_password_to_replace_first(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;

    let added = add(env, owner, practice, &front_desk()).await.unwrap();
    let once = added.one_time_password.expect("a username login gets one");
    assert_eq!(once.len(), 19, "four groups of four: {once}");

    // Stored only as a hash, and never in the audit trail.
    let (hash, must): (String, bool) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT password_hash, must_change_password FROM accounts WHERE username = 'frontdesk'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(&once));
    assert!(must);
    let trail: Vec<(String, Option<String>)> = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT action, after_json FROM audit_events WHERE practice_id = $1 ORDER BY seq")
            .bind(practice)
            .fetch_all(pool)
            .await
    })
    .unwrap();
    let (action, after) = trail.last().unwrap();
    assert_eq!(action, "member.added");
    let after = after.as_deref().unwrap();
    assert!(
        after.contains("frontdesk") && !after.contains(&once),
        "{after}"
    );

    // The first login knows it must change the password first.
    let person = log_in(env, "FrontDesk", &once).await.unwrap();
    assert!(person.must_change_password);
    let wrong = ChangePasswordForm {
        current: "not the one".into(),
        password: "a brand new secret".into(),
    };
    match accounts::change_password(&env.backend, &caller("10.0.0.9"), person.account, &wrong).await
    {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("current").is_some()),
        other => panic!("a wrong current password was accepted: {other:?}"),
    }
    let same = ChangePasswordForm {
        current: once.clone(),
        password: once.clone(),
    };
    assert!(matches!(
        accounts::change_password(&env.backend, &caller("10.0.0.9"), person.account, &same).await,
        Err(ServiceError::Validation(_))
    ));
    let right = ChangePasswordForm {
        current: once.clone(),
        password: "a brand new secret".into(),
    };
    accounts::change_password(&env.backend, &caller("10.0.0.9"), person.account, &right)
        .await
        .unwrap();
    assert!(matches!(
        log_in(env, "frontdesk", &once).await,
        Err(ServiceError::InvalidCredentials)
    ));
    let again = log_in(env, "frontdesk", "a brand new secret")
        .await
        .unwrap();
    assert!(!again.must_change_password);
}

async fn an_email_login_gets_a_link_to_choose_a_password(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;

    let added = add(env, owner, practice, &nurse("nora@example.org"))
        .await
        .unwrap();
    assert_eq!(added.one_time_password, None);
    let mail = env.last_mail_to("nora@example.org").await;
    assert!(
        mail.subject.contains("added you to Harbour Clinic"),
        "{}",
        mail.subject
    );
    let token = link_param(&mail.body_text, "token");
    accounts::reset_password(&env.backend, &caller("10.0.0.9"), &token, PASSWORD)
        .await
        .unwrap();
    let nora = log_in(env, "nora@example.org", PASSWORD).await.unwrap();
    assert_eq!(nora.account, added.member);
    assert!(!nora.must_change_password);
    let stored: (String, String, String) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT mobile, screen_pop, position FROM memberships WHERE account_id = $1")
            .bind(added.member)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(
        stored,
        ("+47 912 34 567".into(), "101,102".into(), "nurse".into())
    );
}

async fn bad_input_is_answered_on_its_field_and_nothing_is_stored(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    person(env, "taken@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let mut doctor = nurse("doc@example.org");
    doctor.position = "doctor".into();
    doctor.flags.default_doctor = true;
    add(env, owner, practice, &doctor).await.unwrap();
    add(env, owner, practice, &front_desk()).await.unwrap();
    let before = memberships(env, practice).await;

    let with = |change: fn(&mut StaffForm)| {
        let mut form = nurse("new@example.org");
        change(&mut form);
        form
    };
    let cases: Vec<(&str, StaffForm, &str)> = vec![
        (
            "star with a number",
            with(|f| f.screen_pop = "*,12".into()),
            "screen_pop",
        ),
        (
            "letters as an extension",
            with(|f| f.screen_pop = "12,abc".into()),
            "screen_pop",
        ),
        (
            "a username with a space",
            with(|f| {
                f.login_kind = LoginKind::Username;
                f.login = "front desk".into();
                f.contact_email = "x@example.org".into();
            }),
            "login",
        ),
        (
            "a username with an @",
            with(|f| {
                f.login_kind = LoginKind::Username;
                f.login = "desk@harbour".into();
                f.contact_email = "x@example.org".into();
            }),
            "login",
        ),
        (
            "the practice info email as login",
            with(|f| f.login = INFO.into()),
            "login",
        ),
        (
            "a second default doctor",
            with(|f| f.flags.default_doctor = true),
            "default_doctor",
        ),
        (
            "an access level for an Admin",
            with(|f| {
                f.role = "admin".into();
                f.access_level = "full".into();
            }),
            "access_level",
        ),
        ("an Owner", with(|f| f.role = "owner".into()), "role"),
        (
            "a taken username",
            with(|f| {
                f.login_kind = LoginKind::Username;
                f.login = "FRONTDESK".into();
                f.contact_email = "x@example.org".into();
            }),
            "login",
        ),
        (
            "an address with an account",
            with(|f| f.login = "taken@example.org".into()),
            "login",
        ),
        (
            "a mobile in words",
            with(|f| f.mobile = "call reception".into()),
            "mobile",
        ),
    ];
    for (what, form, field) in cases {
        match add(env, owner, practice, &form).await {
            Err(ServiceError::Validation(errors)) => {
                assert!(errors.get(field).is_some(), "{what}: {errors}")
            }
            other => panic!("{what} was not refused on {field}: {other:?}"),
        }
    }
    assert_eq!(
        memberships(env, practice).await,
        before,
        "nothing was stored"
    );
}

async fn an_edit_keeps_the_login_and_obeys_the_team_rules(env: &TestEnv) {
    let (owner, _) = signed_in(env, "owner@example.org").await;
    let admin = person(env, "admin@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    add_member(env, practice, admin, Role::Admin).await;
    let nora = add(env, owner, practice, &nurse("nora@example.org"))
        .await
        .unwrap()
        .member;
    let edit = |by, member, form: StaffForm| async move {
        staff::edit(
            &env.backend,
            &caller("10.0.0.2"),
            by,
            practice,
            member,
            &form,
        )
        .await
    };

    let page = staff::page(&env.backend, admin, practice, Some(nora))
        .await
        .unwrap();
    let mut form = page.editing.unwrap().form;
    form.public_name = "Nurse Nora".into();
    form.login = "someone.else@example.org".into();
    form.role = "admin".into();
    edit(admin, nora, form.clone()).await.unwrap();
    let (email, role, public): (String, Role, String) = server::on_pool!(env.db(), pool => {
        sqlx::query_as("SELECT a.email, m.role, m.public_name FROM memberships m JOIN accounts a ON a.id = m.account_id WHERE a.id = $1")
            .bind(nora)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(
        (email.as_str(), role, public.as_str()),
        ("nora@example.org", Role::Admin, "Nurse Nora"),
        "the login stays; the promotion and the name are saved"
    );

    // Nobody changes their own role through the form either.
    let mut own = staff::page(&env.backend, admin, practice, Some(admin))
        .await
        .unwrap()
        .editing
        .unwrap();
    assert!(own.role_locked);
    own.form.position = "practice_manager".into();
    own.form.role = "practitioner".into();
    match edit(admin, admin, own.form).await {
        Err(ServiceError::Validation(errors)) => assert!(errors.get("role").is_some(), "{errors}"),
        other => panic!("an admin demoted themselves: {other:?}"),
    }
    // The Owner's details may be edited, their place may not.
    let mut owners = staff::page(&env.backend, admin, practice, Some(owner))
        .await
        .unwrap()
        .editing
        .unwrap()
        .form;
    owners.position = "doctor".into();
    owners.active = false;
    match edit(admin, owner, owners.clone()).await {
        Err(ServiceError::Validation(errors)) => {
            assert!(errors.get("active").is_some(), "{errors}")
        }
        other => panic!("the Owner was suspended: {other:?}"),
    }
    owners.active = true;
    edit(admin, owner, owners).await.unwrap();

    // Unticking Active suspends: the person's sessions end at once.
    let (_, session) = signed_in(env, "late@example.org").await;
    let late = sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .unwrap()
        .account;
    add_member(env, practice, late, Role::Practitioner).await;
    let mut form = staff::page(&env.backend, owner, practice, Some(late))
        .await
        .unwrap()
        .editing
        .unwrap()
        .form;
    form.position = "therapist".into();
    form.active = false;
    edit(owner, late, form).await.unwrap();
    assert!(sessions::resolve(env.db(), &session, env.backend.now_ms())
        .await
        .unwrap()
        .is_none());
}

async fn only_team_managers_add_or_edit_and_only_their_own_team(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let nora = add(env, owner, practice, &nurse("nora@example.org"))
        .await
        .unwrap()
        .member;
    let form = staff::page(&env.backend, owner, practice, Some(nora))
        .await
        .unwrap()
        .editing
        .unwrap()
        .form;
    for (role, member) in one_with_each_role(env, practice, &NOT_TEAM_MANAGERS).await {
        assert!(
            matches!(
                staff::page(&env.backend, member, practice, None).await,
                Err(ServiceError::Forbidden)
            ),
            "{role:?} opened Add user"
        );
        let mut attempt = front_desk();
        attempt.login = format!("by{}", role.code());
        assert!(
            matches!(
                add(env, member, practice, &attempt).await,
                Err(ServiceError::Forbidden)
            ),
            "{role:?} added someone"
        );
        assert!(
            matches!(
                staff::edit(
                    &env.backend,
                    &caller("10.0.0.3"),
                    member,
                    practice,
                    nora,
                    &form
                )
                .await,
                Err(ServiceError::Forbidden)
            ),
            "{role:?} edited someone"
        );
    }
    // Another practice's owner reaches nobody here, by either id.
    let stranger = person(env, "stranger@example.org").await;
    let theirs = open_practice(env, stranger, "Other Clinic").await;
    assert!(matches!(
        staff::page(&env.backend, stranger, practice, Some(nora)).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        staff::edit(
            &env.backend,
            &caller("10.0.0.3"),
            stranger,
            theirs,
            nora,
            &form
        )
        .await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        staff::page(&env.backend, stranger, theirs, Some(nora)).await,
        Err(ServiceError::NotFound)
    ));
}

on_both_backends!(
    a_username_login_gets_a_one_time_password_to_replace_first,
    an_email_login_gets_a_link_to_choose_a_password,
    bad_input_is_answered_on_its_field_and_nothing_is_stored,
    an_edit_keeps_the_login_and_obeys_the_team_rules,
    only_team_managers_add_or_edit_and_only_their_own_team,
    a_photo_is_re_encoded_and_bad_files_are_refused_on_the_field,
);

/// A PNG of `width` × `height` grey pixels.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::GrayImage::new(width, height)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

fn photo_problem(result: Result<(), ServiceError>) -> String {
    match result {
        Err(ServiceError::Validation(errors)) => {
            errors.get("photo").expect("on the photo field").to_owned()
        }
        other => panic!("the photo was not refused: {other:?}"),
    }
}

async fn a_photo_is_re_encoded_and_bad_files_are_refused_on_the_field(env: &TestEnv) {
    let owner = person(env, "owner@example.org").await;
    let practice = open_practice(env, owner, "Harbour Clinic").await;
    let nora = add(env, owner, practice, &nurse("nora@example.org"))
        .await
        .unwrap()
        .member;
    let set = |bytes: Vec<u8>| async move {
        server::photos::set(
            &env.backend,
            &caller("10.0.0.2"),
            owner,
            practice,
            nora,
            bytes,
        )
        .await
    };
    let stored = || async { server::photos::get(&env.backend, owner, practice, nora).await };

    // 20 MB, a text file that calls itself a PNG, a 10,000 × 10,000 PNG (100 MB
    // when decoded, 100 KB on the wire): each answered on the field, nothing stored.
    let big = photo_problem(set(vec![0xff; 20 * 1024 * 1024]).await);
    assert!(big.contains("at most 2 MB"), "{big}");
    let text = photo_problem(set(b"<svg onload=alert(1)> not an image".to_vec()).await);
    assert!(text.contains("not a PNG, JPEG or WebP"), "{text}");
    let bomb = png(10_000, 10_000);
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb is small: {} bytes",
        bomb.len()
    );
    let pixels = photo_problem(set(bomb).await);
    assert!(pixels.contains("too large in pixels"), "{pixels}");
    let mut cut = png(300, 200);
    cut.truncate(cut.len() / 2);
    assert!(photo_problem(set(cut).await).contains("damaged"));
    assert!(matches!(stored().await, Err(ServiceError::NotFound)));

    // A good picture is stored as a new square JPEG, not as the bytes sent.
    let upload = png(300, 200);
    set(upload.clone()).await.unwrap();
    let jpeg = stored().await.unwrap();
    assert_ne!(jpeg, upload);
    let decoded = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (server::photos::SIDE, server::photos::SIDE)
    );

    // People of the team may see it; others may not, and only managers set it.
    let stranger = person(env, "stranger@example.org").await;
    assert!(matches!(
        server::photos::get(&env.backend, stranger, practice, nora).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        server::photos::set(
            &env.backend,
            &caller("10.0.0.3"),
            nora,
            practice,
            nora,
            png(10, 10)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    assert!(server::photos::get(&env.backend, nora, practice, nora)
        .await
        .is_ok());
}
