//! Carekeys on the server, without a web framework: configuration, the
//! database, one service per use case, sessions, mail and the audit trail.
//! The Leptos app calls into it; it never calls the app.

pub mod accounts;
pub mod audit;
pub mod audit_log;
pub mod backend;
pub mod clients;
pub mod clock;
pub mod community;
pub mod config;
pub mod cookies;
pub mod db;
pub mod devices;
pub mod error;
pub mod forms;
pub mod goals;
pub mod groups;
pub mod http;
pub mod invitations;
pub mod join;
pub mod login_requests;
pub mod mail;
pub mod mail_limit;
pub mod memberships;
pub mod memory;
pub mod messages;
pub mod passwords;
pub mod photos;
pub mod portal;
pub mod practices;
pub mod rate_limit;
pub mod readings;
pub mod sessions;
pub mod staff;
pub mod team;
pub mod tokens;
