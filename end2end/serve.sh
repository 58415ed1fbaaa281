#!/usr/bin/env bash
# Starts the server for the browser tests: the release front end (WASM, JS and
# CSS precompressed and content-hashed, as shipped) served by the server built
# in the test profile with the test clock; a fresh SQLite database; mail to the
# maildev SMTP server the tests read back.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
data="$here/.data"
rm -rf "$data"
mkdir -p "$data"
export CAREKEYS_DATA_DIR="$data"
export DATABASE_URL="sqlite://$data/e2e.db"
export CAREKEYS_BASE_URL="http://127.0.0.1:3100"
export CAREKEYS_SMTP_URL="smtp://127.0.0.1:1025"
export LEPTOS_SITE_ADDR="127.0.0.1:3100"
export LEPTOS_SITE_ROOT="$root/target/site"
export LEPTOS_ENV="PROD"
# The name cargo-leptos gives the site's files; a server built by cargo alone must be told.
export LEPTOS_OUTPUT_NAME="carekeys"
export CAREKEYS_TEST_CLOCK=1
# The release front end's content hashes (cargo-leptos writes them beside the release binary).
export LEPTOS_HASH_FILE_NAME="$root/target/release/hash.txt"
export RUST_LOG="${RUST_LOG:-warn}"
exec "$root/target/debug/carekeys-e2e"
