//! Plain HTTP layers for the Axum router: security headers and the
//! cross-site check that Leptos server functions do not make themselves;
//! caching and compression of what is sent in [`delivery`].

pub mod delivery;
pub mod forwarded;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};
use std::sync::Arc;

use crate::config::Config;

/// For responses that set no policy of their own (the HTML shell sets one with its nonce).
const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The policy of HTML pages: only this site's scripts, the hydration script by nonce, and WASM.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// What the headers of every response depend on.
#[derive(Clone, Copy, Debug)]
pub struct SiteHeaders {
    pub assets: delivery::AssetNames,
    /// Served over HTTPS (the base URL says so): browsers are told to never use plain HTTP.
    pub https: bool,
}

/// nosniff, no framing, no referrer (links may carry tokens), HSTS on HTTPS;
/// caching as [`delivery::cache_control`] says for the path.
pub async fn security_headers(
    State(site): State<SiteHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let assets = site.assets;
    let path = request.uri().path();
    let cache = delivery::cache_control(path, assets);
    let asset = delivery::is_asset(path);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        );
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if site.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    // The same name is sent as brotli, gzip or identity: caches must keep them apart.
    if asset && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether a state-changing request comes from our own pages.
///
/// Browsers send `Sec-Fetch-Site` on every request; where it is missing (older
/// browsers) `Origin` must match the configured base URL. Non-browser clients
/// send neither and cannot carry a victim's cookies, so they pass.
pub fn is_same_origin(headers: &http::HeaderMap, config: &Config) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin == config.origin(),
        None => true,
    }
}

/// Refuses cross-site requests that could change state.
pub async fn refuse_cross_site(
    State(config): State<Arc<Config>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_origin(request.headers(), &config) {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        (
            StatusCode::FORBIDDEN,
            Body::from("This request came from another site and was refused."),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    fn config() -> Arc<Config> {
        Arc::new(Config {
            base_url: "https://care.example.org".into(),
            ..Config::local("data".into())
        })
    }

    async fn status_of(headers: &[(&str, &str)]) -> StatusCode {
        let config = config();
        let app = Router::new()
            .route("/api/change", post(|| async { "changed" }))
            .layer(axum::middleware::from_fn_with_state(
                config,
                refuse_cross_site,
            ))
            .layer(axum::middleware::from_fn_with_state(
                SiteHeaders {
                    assets: delivery::AssetNames::Hashed,
                    https: false,
                },
                security_headers,
            ));
        let mut request = Request::post("/api/change");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        app.oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
            .status()
    }

    #[tokio::test]
    async fn cross_site_posts_are_refused_and_same_site_ones_pass() {
        assert_eq!(
            status_of(&[("sec-fetch-site", "cross-site")]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            status_of(&[("sec-fetch-site", "same-site")]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            status_of(&[("origin", "https://evil.example")]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            status_of(&[("sec-fetch-site", "same-origin")]).await,
            StatusCode::OK
        );
        assert_eq!(
            status_of(&[("origin", "https://care.example.org")]).await,
            StatusCode::OK
        );
        assert_eq!(status_of(&[]).await, StatusCode::OK);
    }

    #[tokio::test]
    async fn responses_carry_the_security_headers() {
        let headers_with = |https: bool| async move {
            let app = Router::new()
                .route("/x", axum::routing::get(|| async { "x" }))
                .layer(axum::middleware::from_fn_with_state(
                    SiteHeaders {
                        assets: delivery::AssetNames::Hashed,
                        https,
                    },
                    security_headers,
                ));
            app.oneshot(Request::get("/x").body(Body::empty()).unwrap())
                .await
                .unwrap()
                .headers()
                .clone()
        };
        let h = headers_with(false).await;
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h["cache-control"], "no-store");
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        // HSTS only where the site is served over HTTPS: on plain HTTP it would be ignored at best.
        assert!(!h.contains_key("strict-transport-security"));
        let h = headers_with(true).await;
        assert_eq!(
            h["strict-transport-security"],
            "max-age=31536000; includeSubDomains"
        );
    }

    #[test]
    fn origin_is_scheme_host_and_port() {
        let mut c = (*config()).clone();
        assert_eq!(c.origin(), "https://care.example.org");
        c.base_url = "http://127.0.0.1:3000/app".into();
        assert_eq!(c.origin(), "http://127.0.0.1:3000");
    }
}
