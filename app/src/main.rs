#[cfg(feature = "ssr")]
fn main() {
    app::serve::start()
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser half is the library, compiled to WASM with feature `hydrate`.
}
