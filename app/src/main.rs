#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    app::serve::main().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser half is the library, compiled to WASM with feature `hydrate`.
}
