//! The assembled web server, without a browser: routes, server-function
//! statuses, the cross-site refusal and the page policy, on a real SQLite file.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use http::{Request, StatusCode};
use leptos::prelude::LeptosOptions;
use server::backend::Backend;
use server::clock::{SharedClock, SystemClock};
use server::config::Config;
use server::db::Db;
use std::sync::Arc;
use tower::ServiceExt;

async fn app() -> axum::Router {
    app_and_backend().await.0
}

/// The whole router on a fresh SQLite file, with its backend.
pub(crate) async fn app_and_backend() -> (axum::Router, Backend) {
    let dir =
        std::env::temp_dir().join(format!("carekeys-router-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config::local(dir);
    let db = Db::connect(&config.database_url).await.unwrap();
    db.migrate().await.unwrap();
    let clock: SharedClock = Arc::new(SystemClock);
    let options = LeptosOptions::builder().output_name("carekeys").build();
    let backend = Backend::new(db, clock, config).unwrap();
    (app::serve::router(backend.clone(), options), backend)
}

fn post(path: &str, body: &str, site: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", site)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

async fn body_of(response: axum::response::Response) -> String {
    String::from_utf8(
        to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap()
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let response = app()
        .await
        .oneshot(Request::get("/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_of(response).await, "ok");
}

/// The audit log's CSV is a plain GET link: without a session (a stolen or
/// guessed URL) it answers 401 with a sentence, never the file.
#[tokio::test]
async fn the_audit_csv_needs_a_session() {
    let path = format!(
        "/p/{}/audit.csv?action=member.suspended",
        uuid::Uuid::new_v4()
    );
    let forged_cookie = Request::get(&path)
        .header("cookie", "carekeys_session=not-a-session")
        .body(Body::empty())
        .unwrap();
    for request in [
        Request::get(&path).body(Body::empty()).unwrap(),
        forged_cookie,
    ] {
        let response = app().await.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().get("content-disposition").is_none());
        assert_eq!(
            body_of(response).await,
            AppError::Unauthenticated.to_string()
        );
    }
}

#[tokio::test]
async fn a_refused_login_is_401_with_a_typed_error_not_a_500() {
    let response = app()
        .await
        .oneshot(post(
            "/api/log_in",
            "form[login]=ada%40example.org&form[password]=wrong+password",
            "same-origin",
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let error: AppError = serde_json::from_str(&body_of(response).await).unwrap();
    assert_eq!(error, AppError::InvalidCredentials);
}

#[tokio::test]
async fn bad_sign_up_input_is_422_naming_each_field() {
    let response = app()
        .await
        .oneshot(post(
            "/api/sign_up",
            "form[full_name]=&form[email]=nope",
            "same-origin",
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = serde_json::from_str(&body_of(response).await).unwrap();
    for field in ["full_name", "email"] {
        assert!(
            error.field(field).is_some(),
            "{field} not named in {error:?}"
        );
    }
}

#[tokio::test]
async fn a_cross_site_call_never_reaches_the_function() {
    let response = app()
        .await
        .oneshot(post("/api/log_out", "", "cross-site"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// The browser tests' clock is compiled only into their build (feature `test-clock`).
#[cfg(not(feature = "test-clock"))]
#[tokio::test]
async fn a_build_for_people_has_no_test_clock() {
    let response = app()
        .await
        .oneshot(post("/test/advance-clock?seconds=90000", "", "same-origin"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn changes_are_not_reachable_with_get() {
    let response = app()
        .await
        .oneshot(Request::get("/api/log_out").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(
        !response.status().is_success(),
        "GET /api/log_out answered {}",
        response.status()
    );
}

#[tokio::test]
async fn pages_render_with_a_nonce_policy_and_no_caching() {
    let response = app()
        .await
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = body_of(response).await;
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the policy's nonce"
    );
    assert!(html.contains("Log in"));
}

/// Until the page hydrates, its form must not be sent natively (a GET with the
/// password in the address): the server renders the button disabled.
#[tokio::test]
async fn a_form_button_is_disabled_until_the_page_hydrates() {
    let response = app()
        .await
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let html = body_of(response).await;
    let button = html
        .split("<button type=\"submit\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the login form's button");
    assert!(button.contains("disabled"), "{button}");
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page() {
    let response = app()
        .await
        .oneshot(Request::get("/no/such/page").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(body_of(response).await.contains("Page not found"));
}

/// A patient's pages name the portal's own bundle, and only that; the
/// console's pages name the console's.
#[tokio::test]
async fn portal_pages_load_the_portal_bundle_and_console_pages_the_console() {
    let app = app().await;
    let page = |path: &str| {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await.unwrap();
            (response.status(), body_of(response).await)
        }
    };
    // Which bundle, not which status: an unknown link's page may be sent
    // before or after its lookup fails (streamed), so its status varies.
    for path in ["/portal/invitation?token=nothing", "/portal"] {
        let (_, html) = page(path).await;
        assert!(html.contains("/pkg/portal.js"), "{path}: {html}");
        assert!(!html.contains("/pkg/carekeys.js"), "{path}: {html}");
        assert!(!html.contains("carekeys_bg.wasm"), "{path}: {html}");
        // One stylesheet for both.
        assert!(html.contains("/pkg/carekeys.css"), "{path}: {html}");
    }
    let (_, html) = page("/login").await;
    assert!(html.contains("/pkg/carekeys.js"), "{html}");
    assert!(!html.contains("/pkg/portal"), "{html}");
    // The portal's own "not found", still with its bundle.
    let (status, html) = page("/portal/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found") && html.contains("/pkg/portal.js"));
}

/// Signs `email` up through the server functions (the emailed link read from
/// the outbox), presenting `cookie` if given; returns the new session cookie.
async fn signed_up(
    app: &axum::Router,
    backend: &Backend,
    email: &str,
    cookie: Option<&str>,
) -> String {
    let with_cookie = |mut request: Request<Body>| {
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert(http::header::COOKIE, cookie.parse().unwrap());
        }
        request
    };
    let form = format!(
        "form[full_name]=Ada+Lovelace&form[email]={}",
        email.replace('@', "%40")
    );
    let response = app
        .clone()
        .oneshot(with_cookie(post("/api/sign_up", &form, "same-origin")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mail = &server::mail::outbox::recent(&backend.db, 1).await.unwrap()[0];
    let token: String = mail
        .body_text
        .split("token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let confirm = post(
        "/api/confirm_sign_up",
        &format!("token={token}&password=correct+horse+battery"),
        "same-origin",
    );
    let response = app.clone().oneshot(with_cookie(confirm)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The session's cookie (the browser's device cookie may come with it).
    response
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find(|pair| pair.starts_with("carekeys_session="))
        .expect("a session cookie")
        .to_owned()
}

#[tokio::test]
async fn an_unknown_page_shows_the_signed_in_person_in_its_header() {
    let (app, backend) = app_and_backend().await;
    let cookie = signed_up(&app, &backend, "ada@example.org", None).await;
    let page = Request::get("/no/such/page")
        .header(http::header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(page).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body = body_of(response).await;
    assert!(body.contains("Page not found"), "{body}");
    // The fallback has the backend too: the header knows who is signed in.
    assert!(
        body.contains("Ada Lovelace") && body.contains("Log out"),
        "{body}"
    );
}

#[tokio::test]
async fn confirming_a_sign_up_ends_the_session_the_browser_had() {
    let (app, backend) = app_and_backend().await;
    let first = signed_up(&app, &backend, "ada@example.org", None).await;
    let second = signed_up(&app, &backend, "bo@example.org", Some(&first)).await;
    assert_ne!(first, second);
    let me = |cookie: String| {
        let app = app.clone();
        async move {
            let request = Request::post("/api/me")
                .header("sec-fetch-site", "same-origin")
                .header(http::header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap();
            body_of(app.oneshot(request).await.unwrap()).await
        }
    };
    assert_eq!(me(first).await, "null", "the earlier session ended");
    assert!(me(second).await.contains("bo@example.org"));
}

/// A build for people (this test binary is built without feature `test-clock`)
/// refuses a configuration that asks for the test clock, instead of serving
/// with time standing still.
#[cfg(not(feature = "test-clock"))]
#[test]
fn a_build_for_people_refuses_to_start_with_the_test_clock() {
    let config = Config {
        test_clock: true,
        ..Config::local("data".into())
    };
    assert!(matches!(
        app::serve::test_clock(&config),
        Err(app::serve::StartError::NoTestClock)
    ));
    assert!(matches!(
        app::serve::test_clock(&Config::local("data".into())),
        Ok(None)
    ));
}

/// Profile photos are plain routes: without a session neither the picture
/// nor an upload gets past the door, and another site cannot upload at all.
#[tokio::test]
async fn photos_need_a_session_and_uploads_this_site() {
    let path = format!(
        "/p/{}/photos/{}",
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4()
    );
    let get = Request::get(&path).body(Body::empty()).unwrap();
    let put = Request::put(&path)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(vec![0u8; 64]))
        .unwrap();
    for request in [get, put] {
        let response = app().await.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            body_of(response).await,
            AppError::Unauthenticated.to_string()
        );
    }
    let cross_site = Request::put(&path)
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(vec![0u8; 64]))
        .unwrap();
    let response = app().await.oneshot(cross_site).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

/// RFC 8058: a mail provider POSTs `List-Unsubscribe=One-Click` to the
/// message's address (no browser, no Origin); an unknown token changes
/// nothing, a browser on another site is refused, and GET changes nothing.
#[tokio::test]
async fn mail_clients_unsubscribe_in_one_click_and_nothing_else_does() {
    let (app, backend) = app_and_backend().await;
    let owner = shared::ids::AccountId::from_uuid(uuid::Uuid::new_v4());
    server::on_pool!(&backend.db, pool => {
        sqlx::query("INSERT INTO accounts (id, email, full_name, password_hash, created_at) VALUES ($1, 'owner@example.org', 'Owner', 'unused', 0)")
            .bind(owner)
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    let who = server::backend::Caller::default();
    let form = shared::validation::PracticeForm {
        name: "Harbour Clinic".into(),
        contact_email: "desk@harbour.example".into(),
        time_zone: "UTC".into(),
    };
    let practice = server::practices::create(&backend, &who, owner, &form)
        .await
        .unwrap();
    let client = shared::clients::ClientForm {
        first_name: "Ana".into(),
        last_name: "Silva".into(),
        email: "ana@example.org".into(),
        date_of_birth: String::new(),
    };
    let client = server::clients::add(&backend, &who, owner, practice, &client)
        .await
        .unwrap();
    let draft = shared::messages::Draft {
        subject: "Hello".into(),
        body: "Dear {client_first_name}".into(),
    };
    server::messages::send(&backend, &who, owner, practice, client, &draft)
        .await
        .unwrap();
    let mail = &server::mail::outbox::recent(&backend.db, 1).await.unwrap()[0];
    let token: String = mail
        .body_text
        .split("token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let opted_out = || async {
        let at: Option<i64> = server::on_pool!(&backend.db, pool => {
            sqlx::query_scalar("SELECT opted_out_at FROM clients WHERE id = $1")
                .bind(client)
                .fetch_one(pool)
                .await
        })
        .unwrap();
        at.is_some()
    };
    let one_click = |token: &str, site: Option<&str>| {
        let mut request = Request::post(format!("/mail/unsubscribe?token={token}"))
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request
            .body(Body::from("List-Unsubscribe=One-Click"))
            .unwrap()
    };
    let unknown = app
        .clone()
        .oneshot(one_click("not-a-token", None))
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let cross_site = app
        .clone()
        .oneshot(one_click(&token, Some("cross-site")))
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let get = Request::get(format!("/mail/unsubscribe?token={token}"))
        .body(Body::empty())
        .unwrap();
    let get = app.clone().oneshot(get).await.unwrap();
    assert_ne!(get.status(), StatusCode::OK);
    assert!(!opted_out().await, "nothing so far unsubscribed Ana");

    let response = app.clone().oneshot(one_click(&token, None)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body_of(response)
        .await
        .contains("no more messages from Harbour Clinic"));
    assert!(opted_out().await);
}
