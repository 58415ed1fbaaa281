#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    if let Err(error) = app::serve::run().await {
        eprintln!("carekeys: {error}");
        std::process::exit(1);
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser half is the library, compiled to WASM with feature `hydrate`.
}
