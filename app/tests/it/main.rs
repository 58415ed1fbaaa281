//! The app's integration tests, in one binary: the assembled web server on a
//! real SQLite file (`router`), and the practice navigation rendered for each
//! role against the role table (`navigation`).
#![cfg(feature = "ssr")]

mod navigation;
mod router;
