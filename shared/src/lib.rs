//! The Carekeys domain: the rules every other crate obeys.
//!
//! No I/O, no async, no web framework: this crate compiles to WASM for the
//! browser (validate as you type, hide what you may not do) and natively for
//! the server (refuse what you may not do), so both sides run the same code.

pub mod addresses;
pub mod audit_log;
pub mod clients;
#[cfg(feature = "sqlx")]
pub mod columns;
pub mod community;
pub mod csv_import;
pub mod devices;
pub mod email;
pub mod forms;
pub mod goals;
pub mod groups;
pub mod ids;
pub mod invitation;
pub mod login_request;
pub mod mailbox;
pub mod membership;
pub mod messages;
pub mod names;
pub mod portal;
pub mod practice;
pub mod readings;
pub mod roles;
pub mod staff;
pub mod team;
pub mod templates;
pub mod url;
pub mod validation;
