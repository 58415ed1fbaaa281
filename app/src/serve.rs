//! The web server: Axum routes for pages, server functions, health and static
//! files, with the security layers of the `server` crate around them.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use server::backend::Backend;
use server::clock::ManualClock;
use server::http::delivery;
use std::sync::Arc;

use crate::app::{portal_shell, shell, App};
use crate::portal_app::PortalApp;

#[derive(Clone, axum::extract::FromRef)]
struct AppState {
    leptos_options: LeptosOptions,
    backend: Backend,
}

async fn server_fn_handler(
    State(state): State<AppState>,
    request: Request<Body>,
) -> impl IntoResponse {
    let backend = state.backend.clone();
    handle_server_fns_with_context(move || provide_context(backend.clone()), request).await
}

async fn health(State(state): State<AppState>) -> Response {
    if state.backend.db.ping().await {
        "ok".into_response()
    } else {
        (
            http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        )
            .into_response()
    }
}

/// Builds made for the browser tests only (feature `test-clock`, with
/// `CAREKEYS_TEST_CLOCK=1`): moves the server's clock forward by `seconds`.
#[cfg(feature = "test-clock")]
async fn advance_clock(
    State(clock): State<Arc<ManualClock>>,
    axum::extract::Query(by): axum::extract::Query<Advance>,
) -> Response {
    /// Longer than any expiry the product has (a year and a month).
    const MOST_SECONDS: i64 = 400 * 24 * 60 * 60;
    if !(1..=MOST_SECONDS).contains(&by.seconds) {
        let why =
            format!("seconds must be between 1 and {MOST_SECONDS}; the clock only moves forward");
        return (http::StatusCode::UNPROCESSABLE_ENTITY, why).into_response();
    }
    clock.advance(chrono::Duration::seconds(by.seconds));
    "ok".into_response()
}

#[cfg(feature = "test-clock")]
#[derive(serde::Deserialize)]
struct Advance {
    seconds: i64,
}

/// The test clock's route, in builds that have one.
fn test_routes<S: Clone + Send + Sync + 'static>(
    test_clock: Option<Arc<ManualClock>>,
) -> Router<S> {
    match test_clock {
        #[cfg(feature = "test-clock")]
        Some(clock) => Router::new()
            .route("/test/advance-clock", axum::routing::post(advance_clock))
            .with_state(clock),
        _ => Router::new(),
    }
}

/// A clock that stands still until the browser tests move it, if this build
/// has one and the configuration asks for it.
pub fn test_clock(config: &server::config::Config) -> Result<Option<Arc<ManualClock>>, StartError> {
    if !config.test_clock {
        return Ok(None);
    }
    if !cfg!(feature = "test-clock") {
        return Err(StartError::NoTestClock);
    }
    tracing::warn!("CAREKEYS_TEST_CLOCK is on: time stands still until POST /test/advance-clock moves it. Never use this build for people.");
    Ok(Some(Arc::new(ManualClock::new(chrono::Utc::now()))))
}

/// Large enough for a 5 MB CSV file sent as JSON; the file's own limit gives the clear message.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn router(backend: Backend, leptos_options: LeptosOptions) -> Router {
    router_with_test_clock(backend, leptos_options, None)
}

pub fn router_with_test_clock(
    backend: Backend,
    leptos_options: LeptosOptions,
    test_clock: Option<Arc<ManualClock>>,
) -> Router {
    let assets = if leptos_options.hash_files {
        delivery::AssetNames::Hashed
    } else {
        delivery::AssetNames::Plain
    };
    // One list: each call of `leptos_routes_with_context` also adds every server function.
    let mut routes = generate_route_list(App);
    routes.extend(generate_route_list(PortalApp));
    let state = AppState {
        leptos_options: leptos_options.clone(),
        backend: backend.clone(),
    };
    let config = backend.config.clone();
    let site = server::http::SiteHeaders {
        assets,
        https: config.base_url.starts_with("https://"),
    };
    let fallback_backend = backend.clone();
    Router::new()
        .merge(test_routes(test_clock))
        .route("/health", get(health))
        .route("/p/{practice}/audit.csv", get(crate::api::audit::audit_csv))
        .route(
            "/mail/unsubscribe",
            axum::routing::post(crate::api::messages::one_click_unsubscribe),
        )
        .route(
            "/p/{practice}/photos/{member}",
            get(crate::api::staff::photo).put(crate::api::staff::upload_photo),
        )
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(backend.clone()),
            move || document_for(leptos_options.clone()),
        )
        // A page that does not exist still renders the header for whoever is
        // signed in, inside the portal or the console as its address says.
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_context(fallback_backend.clone()),
            document_for,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            config,
            server::http::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn(delivery::mark_secret_answers))
        .layer(delivery::compression())
        .layer(axum::middleware::from_fn_with_state(
            site,
            server::http::security_headers,
        ))
        .with_state(state)
}

/// The document for the page this request asks for: the portal's under
/// `/portal` (hydrated by the portal's own bundle), the console's elsewhere.
fn document_for(options: LeptosOptions) -> AnyView {
    let in_portal = use_context::<http::request::Parts>()
        .is_some_and(|parts| crate::portal_app::holds(parts.uri.path()));
    if in_portal {
        portal_shell(options).into_any()
    } else {
        shell(options).into_any()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] server::config::ConfigError),
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("cannot open the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Mail(#[from] server::mail::transport::TransportError),
    #[error("Leptos configuration: {0}")]
    Leptos(String),
    #[error(transparent)]
    AuditKey(#[from] server::audit::KeyError),
    #[error("cannot give existing practices their starting forms: {0}")]
    Forms(server::error::ServiceError),
    #[error("CAREKEYS_TEST_CLOCK is set, but this build has no test clock (it is only in builds for the browser tests)")]
    NoTestClock,
    #[error("cannot listen on {0}: {1}")]
    Listen(std::net::SocketAddr, std::io::Error),
}

/// A server binary's `main`: few malloc arenas, then [`main`] on tokio.
pub fn start() {
    server::memory::few_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
        .block_on(main())
}

/// Reads the configuration, migrates the database, starts the outbox worker and serves.
/// The whole life of a server binary: logs to stderr, serves until it
/// cannot, and then exits with the reason.
async fn main() {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    if let Err(error) = run().await {
        eprintln!("carekeys: {error}");
        std::process::exit(1);
    }
}

pub async fn run() -> Result<(), StartError> {
    use server::clock::{SharedClock, SystemClock};
    use server::mail::{sent_log::SentLog, transport::Transport, worker};

    let config = server::config::Config::from_env()?;
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| StartError::DataDir(config.data_dir.display().to_string(), e))?;
    let db = server::db::Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let transport = match &config.smtp_url {
        Some(url) => Transport::smtp(url, &config.mail_from)?,
        None => Transport::local_mailbox(config.data_dir.join("mail"), &config.mail_from)?,
    };
    let test_clock = test_clock(&config)?;
    let clock: SharedClock = match &test_clock {
        Some(manual) => manual.clone(),
        None => Arc::new(SystemClock),
    };
    let backend = Backend::new(db, clock, config)?;
    let seeded = server::forms::seed_existing(&backend)
        .await
        .map_err(StartError::Forms)?;
    if seeded > 0 {
        tracing::info!(
            practices = seeded,
            "gave existing practices the starting intake forms"
        );
    }
    let sent_log = SentLog::open(&backend.config.data_dir)
        .inspect_err(
            |error| tracing::warn!(%error, "no sent log: a crash may send a message twice"),
        )
        .ok();
    tokio::spawn(worker::run(
        backend.db.clone(),
        transport,
        backend.clock.clone(),
        backend.mail_wake.clone(),
        std::time::Duration::from_secs(5),
        worker::Throughput {
            per_second: backend.config.mail_per_second,
            ..worker::Throughput::default()
        },
        sent_log,
    ));

    let mut leptos_options = get_configuration(None)
        .map_err(|e| StartError::Leptos(e.to_string()))?
        .leptos_options;
    // The name cargo-leptos gives the site's files (workspace metadata `output-name`).
    leptos_options.output_name = "carekeys".into();
    // A release build writes the content hashes of its files next to the binary:
    // then pages name the hashed files and browsers may keep them.
    leptos_options.hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(leptos_options.hash_file.as_ref())))
        .is_some_and(|file| file.exists());
    let addr = leptos_options.site_addr;
    tracing::info!(%addr, backend = backend.db.backend(), mail = if backend.config.smtp_url.is_some() { "smtp" } else { "local mailbox" }, "Carekeys is starting");
    let app = router_with_test_clock(backend, leptos_options, test_clock)
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                // The path only: query strings carry emailed tokens, which never go to a log.
                |request: &http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                },
            ),
        );
    // Without TCP_NODELAY a streamed page on a kept-alive connection waits for
    // the client's delayed ACK (Nagle): 44 ms per page instead of 2 ms.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Listen(addr, e))?
        .tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::warn!(%error, "could not set TCP_NODELAY");
            }
        });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
    .map_err(|e| StartError::Listen(addr, e))
}
