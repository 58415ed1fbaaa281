#!/usr/bin/env bash
# The client portal's own WASM bundle (the app crate with feature
# `portal-bundle`; see app/src/portal_app.rs), written beside the console's in
# target/site/pkg as cargo-leptos writes that one: wasm-opt -Oz, content
# hashes in the names, brotli and gzip copies. Its hashes go to
# target/release/portal-hash.txt, next to the console's hash.txt, where the
# server looks for them. Run by `make` after `cargo leptos build`.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tools `make tools` installs, also when this is run by hand.
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Its own target directory: the console's build there uses other RUSTFLAGS
# (wasm-split's relocations), and sharing one would rebuild every dependency
# on each switch.
target=target/portal
pkg=target/site/pkg
cargo build -p app --lib --target wasm32-unknown-unknown --profile wasm-release \
  --no-default-features --features portal-bundle --target-dir "$target"

out="$target/bindgen"
rm -rf "$out"
wasm-bindgen --target=web --no-typescript --out-name=portal --out-dir="$out" \
  "$target/wasm32-unknown-unknown/wasm-release/app.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/portal_bg.wasm" -o "$out/portal_bg.wasm"

hash() { sha256sum "$1" | head -c 20; }
js_hash=$(hash "$out/portal.js")
wasm_hash=$(hash "$out/portal_bg.wasm")
mkdir -p "$pkg" target/release
rm -f "$pkg"/portal.*
cp "$out/portal.js" "$pkg/portal.$js_hash.js"
cp "$out/portal_bg.wasm" "$pkg/portal.$wasm_hash.wasm"
for file in "$pkg/portal.$js_hash.js" "$pkg/portal.$wasm_hash.wasm"; do
  gzip -9 -k -f "$file"
  # Node's zlib, at the quality cargo-leptos uses: no brotli program to install.
  node -e 'const fs = require("fs"), zlib = require("zlib"); const f = process.argv[1];
    fs.writeFileSync(f + ".br", zlib.brotliCompressSync(fs.readFileSync(f),
      { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));' "$file"
done
printf 'js: %s\nwasm: %s\n' "$js_hash" "$wasm_hash" > target/release/portal-hash.txt
echo "portal bundle: portal.$wasm_hash.wasm $(stat -c %s "$pkg/portal.$wasm_hash.wasm") raw, $(stat -c %s "$pkg/portal.$wasm_hash.wasm.br") brotli"
