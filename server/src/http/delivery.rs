//! What browsers may keep, and what is compressed on the way out.
//!
//! The WASM, JS and CSS under `/pkg` are precompressed at build time (brotli
//! at quality 11 and gzip, `cargo leptos build --precompress`) and served by
//! the static-file handler in the encoding the browser accepts. When their
//! names carry a content hash, a browser keeps them for a year: a new release
//! has new names, so an open page never mixes two releases. Pages and
//! server-function answers are personal and never stored.
//!
//! Pages and answers are compressed on the fly, except those that carry a
//! bearer secret (a join code, an emailed token) next to text a third party
//! may influence: compressing those would let an attacker who can watch the
//! size of responses guess the secret a character at a time (BREACH).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::header::CONTENT_TYPE;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;

/// Whether the file names under `/pkg` carry a content hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetNames {
    /// `carekeys.<hash>.wasm`: the same name always means the same bytes.
    Hashed,
    /// `carekeys.wasm` (development builds): must be checked each time.
    Plain,
}

/// Whether `path` names one of the built files (WASM, JS, CSS).
pub fn is_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
}

/// The `Cache-Control` of a response to `path`.
pub fn cache_control(path: &str, assets: AssetNames) -> &'static str {
    match (is_asset(path), assets) {
        (true, AssetNames::Hashed) => "public, max-age=31536000, immutable",
        (true, AssetNames::Plain) => "no-cache",
        (false, _) => "no-store",
    }
}

/// Paths whose answers hold a bearer secret: the join code (the join-link
/// settings and the join page) and the pages opened from emailed links, whose
/// token is in the address and so in the page.
pub fn carries_secret(path: &str) -> bool {
    const SECRET_PATHS: [&str; 7] = [
        "/api/join_link",
        "/api/change_join_link",
        "/join/",
        "/invitation",
        "/portal/invitation",
        "/reset-password",
        "/signup/confirm",
    ];
    SECRET_PATHS.iter().any(|p| path.starts_with(p))
}

/// Marks a response that must not be compressed (see [`carries_secret`]).
#[derive(Clone, Copy, Debug)]
struct Uncompressed;

/// Tags answers to [`carries_secret`] paths for [`compression`] to leave alone.
pub async fn mark_secret_answers(request: Request, next: Next) -> Response {
    let secret = carries_secret(request.uri().path());
    let mut response = next.run(request).await;
    if secret {
        response.extensions_mut().insert(Uncompressed);
    }
    response
}

#[derive(Clone, Copy, Debug)]
struct NotSecret;

impl Predicate for NotSecret {
    fn should_compress<B>(&self, response: &http::Response<B>) -> bool
    where
        B: http_body::Body,
    {
        response.extensions().get::<Uncompressed>().is_none()
    }
}

/// Already compressed: WASM, images and fonts gain nothing from another pass.
#[derive(Clone, Copy, Debug)]
struct Compressible;

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &http::Response<B>) -> bool
    where
        B: http_body::Body,
    {
        response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                t.starts_with("text/")
                    || t.starts_with("application/json")
                    || t.starts_with("application/javascript")
            })
    }
}

/// brotli or gzip, as the browser asks, for text over a few hundred bytes
/// that carries no secret. Goes outside [`mark_secret_answers`].
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(DefaultPredicate::new().and(Compressible).and(NotSecret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_kept_a_year_and_everything_else_is_not_stored() {
        let year = "public, max-age=31536000, immutable";
        assert_eq!(
            cache_control("/pkg/carekeys.3f2a.wasm", AssetNames::Hashed),
            year
        );
        assert_eq!(
            cache_control("/pkg/carekeys.wasm", AssetNames::Plain),
            "no-cache"
        );
        for path in ["/", "/login", "/api/me", "/p/1/team", "/favicon.svg"] {
            assert_eq!(
                cache_control(path, AssetNames::Hashed),
                "no-store",
                "{path}"
            );
        }
    }

    #[test]
    fn answers_holding_tokens_or_join_codes_are_recognised() {
        for path in [
            "/api/join_link",
            "/api/change_join_link",
            "/join/abc",
            "/invitation",
            "/portal/invitation",
            "/reset-password",
            "/signup/confirm",
        ] {
            assert!(carries_secret(path), "{path}");
        }
        for path in [
            "/",
            "/login",
            "/api/team",
            "/p/1/team",
            "/pkg/carekeys.wasm",
        ] {
            assert!(!carries_secret(path), "{path}");
        }
    }
}
