# Two commands for a newcomer: `make run` and `make test`. Each installs what
# it needs first, and skips what is already there.

SHELL := /bin/bash
CARGO_LEPTOS_VERSION := 0.3.8
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test test-rust-then-e2e-server tools test-tools build-release build-front build-e2e-server test-rust test-e2e wasm-size bench load load-cluster faults

## make run: build the release and serve it on http://127.0.0.1:3000 with SQLite under ./data
run: build-release
	CAREKEYS_DEV_MAILBOX=1 LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD ./target/release/app

## make test: every test — unit, integration (SQLite; PostgreSQL too with TEST_POSTGRES_URL), browser.
## The Rust tests run while the release front end builds: its WASM link is one
## long single-threaded step, so the second core would otherwise sit idle.
test:
	$(MAKE) --no-print-directory -j2 test-rust-then-e2e-server build-front test-tools
	$(MAKE) --no-print-directory test-e2e

# One branch of `make test`: the Rust tests, then the browser tests' server
# from the dependencies they compiled.
test-rust-then-e2e-server:
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory build-e2e-server

tools:
	@rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || \
		cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@test -x $(TOOLS)/node_modules/.bin/wasm-opt || \
		(mkdir -p $(TOOLS) && cd $(TOOLS) && npm install --no-audit --no-fund --no-save binaryen@132.0.0)

test-tools:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)
	@cd end2end && (test -d node_modules/@playwright/test || npm ci --no-audit --no-fund)

# cargo-leptos regenerates the WASM bundle on every call (about 40 s), so the
# release is rebuilt only when a source file is newer than the last build.
SOURCES := $(shell find app/src server/src server/migrations shared/src style public tools/portal-bundle.sh -type f 2>/dev/null) \
	Cargo.toml Cargo.lock app/Cargo.toml server/Cargo.toml shared/Cargo.toml
RELEASE_STAMP := target/.release-built
FRONT_STAMP := target/.front-built

build-release: $(RELEASE_STAMP)
build-front: $(FRONT_STAMP)

# --precompress: brotli (quality 11) and gzip copies of every static file, served as browsers accept.
# --split: each page of `app::pages::lazy` in its own WASM pieces, fetched
# when a page first needs them; split-manifest repairs the list of pieces
# that cargo-leptos 0.3.8 garbles when it adds content hashes.
# portal-bundle.sh: the client portal's own small bundle (app/src/portal_app.rs).
$(RELEASE_STAMP): $(SOURCES) | tools
	cargo leptos build --release --precompress --split
	cargo run -q -p split-manifest -- target/site/pkg
	bash tools/portal-bundle.sh
	@touch $@ $(FRONT_STAMP)

# The browser tests load the release front end exactly as people get it (WASM,
# JS and CSS optimised, content-hashed, precompressed) ...
$(FRONT_STAMP): $(SOURCES) | tools
	cargo leptos build --release --precompress --split --frontend-only
	cargo run -q -p split-manifest -- target/site/pkg
	bash tools/portal-bundle.sh
	@touch $@

# One invocation: cargo sees the crates' build as one graph. cargo-nextest runs
# every test in a process of its own, and ends one that hangs (.config/nextest.toml).
test-rust:
	@cargo nextest --version >/dev/null 2>&1 || cargo install cargo-nextest --locked
	cargo nextest run -p shared -p server -p app -p split-manifest --features shared/sqlx,app/ssr

# ... from the server built in the test profile with the test clock (binary
# carekeys-e2e): the Rust tests have compiled its dependencies already, where a
# release server would compile them all again. Its speed is measured by
# `make bench` on the release build, not here.
build-e2e-server:
	cargo build -p app --bin carekeys-e2e --features ssr,test-clock

test-e2e: build-front build-e2e-server test-tools
	cd end2end && npx playwright test

## make bench: the server's benchmarks on SQLite in a release build (criterion): inviting, memory
## through a burst of logins, a batch message to 5,000 clients, and the Team, Clients and Community
## Health pages; each prints its figure
bench:
	cargo bench -p server

## make load: virtual users on loopback against the release server on SQLite: they list the team,
## log in, open and accept invitations, invite 50 at a time; prints req/s, p50/p95/p99 per step,
## errors, the server's RSS and whether every email arrived exactly once (LOAD="--seconds 30 --users 200")
load: build-release
	cargo run -q --release -p load -- $(LOAD)

## make load-cluster: the same with two app servers on the machine's PostgreSQL (TEST_POSTGRES_URL),
## each user's requests spread round-robin over them
load-cluster: build-release
	cargo run -q --release -p load -- --postgres --servers 2 $(LOAD)

## make faults: three runs that break something under load and exit non-zero if anything was lost
## or done twice: the SMTP server down for a minute; one of three servers on PostgreSQL killed
## (SIGKILL); the single SQLite server killed and started again
faults: build-release
	cargo run -q --release -p load -- --seconds 90 --users 100 --fault smtp-down
	cargo run -q --release -p load -- --postgres --servers 3 --seconds 30 --fault kill-server
	cargo run -q --release -p load -- --seconds 30 --fault kill-sqlite

## make wasm-size: the release WASM, raw and brotli-compressed: the console's main bundle, the portal's bundle, and the pieces split from the console
wasm-size: build-release
	@cd target/site/pkg && for f in carekeys.*.wasm portal.*.wasm $$(ls *.wasm | grep -v '^carekeys\.\|^portal\.' | sort); do \
		printf '%-48s %9s raw %8s brotli\n' "$$f" "$$(stat -c %s $$f)" "$$(stat -c %s $$f.br)"; done; \
		echo "all WASM, brotli: $$(cat *.wasm.br | wc -c) bytes"
