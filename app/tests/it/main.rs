//! The app's integration tests, in one binary: every server function against
//! the role table (`access`), the assembled web server on a
//! real SQLite file (`router`), and the practice navigation rendered for each
//! role against the role table (`navigation`).
#![cfg(feature = "ssr")]

mod access;
mod navigation;
mod router;
