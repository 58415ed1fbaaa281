//! The server with the browser tests' clock compiled in (`required-features =
//! ["test-clock"]`); `app`, the binary for people, never has it.

fn main() {
    app::serve::start()
}
