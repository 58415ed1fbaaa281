#!/usr/bin/env bash
# GET /login on the release build, with wrk (16 connections, 10 s each):
# once on kept-alive connections (what browsers do) and once with
# `Connection: close`, printed side by side. Groundwork issue, item 7: the
# kept-alive median must stay within 2× of the close one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
data="$(mktemp -d)"
port=3190
export CAREKEYS_DATA_DIR="$data" DATABASE_URL="sqlite://$data/bench.db" \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_ENV=PROD RUST_LOG=warn
"$root/target/release/app" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/login"
run() { wrk -t2 -c16 -d10s --latency "$@" "$url"; }
median() { awk '/^ +50%/{print $2}'; }
rate() { awk '/^Requests\/sec/{print $2}'; }
keep=$(run); close=$(run -H "Connection: close")
printf '%-22s %10s %12s\n' "GET /login" "median" "req/s"
printf '%-22s %10s %12s\n' "keep-alive" "$(median <<<"$keep")" "$(rate <<<"$keep")"
printf '%-22s %10s %12s\n' "Connection: close" "$(median <<<"$close")" "$(rate <<<"$close")"
