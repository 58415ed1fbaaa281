//! The server with the browser tests' clock compiled in (`required-features =
//! ["test-clock"]`); `app`, the binary for people, never has it.

#[tokio::main]
async fn main() {
    app::serve::main().await
}
